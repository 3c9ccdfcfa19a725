import { describe, expect, it } from 'vitest';
import { ConfigurationError, createVerifier, type VerifierOptions } from '../index.js';

const base = { issuer: 'https://as.example.com', audience: 'https://orders.example.com', jwks: { keys: [] } };
const ok = { endpoint: 'https://as.example.com/introspect', clientId: 'orders-api', clientSecret: 's3cret' };

describe('the introspection option is checked once and says what to fix', () => {
  const cases: [string, unknown, RegExp][] = [
    ['no endpoint', { ...ok, endpoint: undefined }, /introspection.endpoint undefined must be an absolute/],
    ['a plain-http endpoint', { ...ok, endpoint: 'http://as.example.com/introspect' }, /must be https/],
    ['no client id', { ...ok, clientId: '' }, /introspection.clientId is required/],
    ['no credential', { ...ok, clientSecret: undefined }, /exactly one credential/],
    ['two credentials', { ...ok, privateKey: { kty: 'EC', d: 'x', alg: 'ES256' } }, /exactly one credential/],
    [
      'a public key for private_key_jwt',
      { ...ok, clientSecret: undefined, privateKey: { kty: 'EC', alg: 'ES256' } },
      /private JWK/,
    ],
    [
      'a private key without alg',
      { ...ok, clientSecret: undefined, privateKey: { kty: 'EC', d: 'x' } },
      /needs "alg"/,
    ],
    ['private_key_jwt with a secret', { ...ok, authMethod: 'private_key_jwt' }, /needs privateKey/],
    ['an unknown auth method', { ...ok, authMethod: 'tls_client_auth' }, /authMethod must be one of/],
    [
      'a typo',
      { ...ok, signedResponse: true },
      /unknown option "signedResponse"; did you mean "signedResponses"/,
    ],
    [
      'an issuer not trusted',
      { ...ok, issuer: 'https://other.example.com' },
      /must be one of the trusted issuers/,
    ],
    ['a zero timeout', { ...ok, timeoutMs: 0 }, /introspection.timeoutMs must be a positive number/],
    [
      'a cache typo',
      { ...ok, cache: { ttl: 5 } },
      /introspection.cache: unknown option "ttl"; known options are max, ttlMs/,
    ],
  ];
  for (const [name, introspection, message] of cases) {
    it(`refuses ${name}`, () => {
      const options = { ...base, introspection } as VerifierOptions;
      expect(() => createVerifier(options)).toThrow(ConfigurationError);
      expect(() => createVerifier(options)).toThrow(message);
    });
  }

  it('needs the issuer named when several are trusted', () => {
    const two = { issuer: ['https://as.example.com', 'https://b.example.com'], audience: base.audience };
    expect(() => createVerifier({ ...two, introspection: ok })).toThrow(/introspection.issuer is required/);
    expect(() =>
      createVerifier({ ...two, introspection: { ...ok, issuer: 'https://b.example.com' } }),
    ).not.toThrow();
  });

  it('takes a loopback endpoint over http (a sidecar, tests)', () => {
    expect(() =>
      createVerifier({ ...base, introspection: { ...ok, endpoint: 'http://127.0.0.1:8080/introspect' } }),
    ).not.toThrow();
  });
});
