import { describe, expect, it } from 'vitest';
import { ConfigurationError, createVerifier, type VerifierOptions } from '../index.js';

const base = { issuer: 'https://as.example.com', audience: 'https://orders.example.com', jwks: { keys: [] } };

describe('the dpop option is checked once and says what to fix', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'an unknown mode',
      { ...base, dpop: 'optional' },
      /dpop \(or dpop.mode\) must be one of 'allowed', 'required'/,
    ],
    ['a mode-less object', { ...base, dpop: {} }, /dpop \(or dpop.mode\)/],
    [
      'a typo',
      { ...base, dpop: { mode: 'allowed', maxAgee: 5 } },
      /dpop: unknown option "maxAgee"; did you mean "maxAge"/,
    ],
    [
      'HS256 for proofs',
      { ...base, dpop: { mode: 'allowed', algorithms: ['HS256'] } },
      /asymmetric signatures only/,
    ],
    [
      'none for proofs',
      { ...base, dpop: { mode: 'allowed', algorithms: ['none'] } },
      /not an asymmetric algorithm/,
    ],
    [
      'an origin with a path',
      { ...base, dpop: { mode: 'allowed', origin: 'https://api.example.com/v1' } },
      /origin with no path/,
    ],
    ['an audience that is no URL', { ...base, audience: 'urn:orders' }, /dpop.origin is required/],
    [
      'audiences of two origins',
      { ...base, audience: ['https://a.example.com', 'https://b.example.com'] },
      /dpop.origin is required/,
    ],
    ['an audience function', { ...base, audience: () => 'https://a.example.com' }, /dpop.origin is required/],
    [
      'a short nonce secret',
      { ...base, dpop: { mode: 'required', nonce: { secret: 'short' } } },
      /at least 32 bytes/,
    ],
    [
      'a replay cache without add',
      { ...base, dpop: { mode: 'required', replayCache: {} } },
      /dpop.replayCache must be a ReplayCache/,
    ],
    [
      'a zero maxAge',
      { ...base, dpop: { mode: 'required', maxAge: 0 } },
      /dpop.maxAge must be a positive number/,
    ],
  ];
  for (const [name, options, message] of cases) {
    it(`refuses ${name}`, () => {
      const opts = options as VerifierOptions;
      const withDpop = opts.dpop === undefined ? { ...opts, dpop: 'allowed' as const } : opts;
      expect(() => createVerifier(withDpop)).toThrow(ConfigurationError);
      expect(() => createVerifier(withDpop)).toThrow(message);
    });
  }

  it('takes the origin from an audience that is one http(s) origin, and from the option otherwise', () => {
    expect(() => createVerifier({ ...base, dpop: 'required' })).not.toThrow();
    expect(() =>
      createVerifier({
        ...base,
        audience: 'urn:orders',
        dpop: { mode: 'required', origin: 'https://api.example.com/' },
      }),
    ).not.toThrow();
    expect(() =>
      createVerifier({
        ...base,
        audience: ['https://api.example.com/orders', 'https://api.example.com/invoices'],
        dpop: 'allowed',
      }),
    ).not.toThrow();
  });
});
