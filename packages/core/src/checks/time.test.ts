import { describe, expect, it } from 'vitest';
import { outcome } from '../../test/outcome.js';
import { checkTimes, readTimeClaims, type TimePolicy } from './time.js';

const policy: TimePolicy = { clockTolerance: 5, maxTokenAge: undefined };
const NOW = 1_800_000_000;

describe('readTimeClaims', () => {
  it('requires exp, reads nbf and iat when present', () => {
    expect(readTimeClaims({ exp: 2, nbf: 1 })).toEqual({ exp: 2, nbf: 1, iat: undefined });
    expect(outcome(() => readTimeClaims({}))).toBe('missing_claim');
  });
  it('refuses NumericDates that are not finite numbers or beyond a Date', () => {
    for (const exp of ['1', Number.NaN, Number.POSITIVE_INFINITY, 8.64e12 + 1, null]) {
      expect(outcome(() => readTimeClaims({ exp }))).toBe('invalid_claim');
    }
  });
});

describe('checkTimes', () => {
  const check = (times: { exp: number; nbf?: number; iat?: number }, p = policy) =>
    outcome(() => checkTimes({ nbf: undefined, iat: undefined, ...times }, NOW, p));
  it('refuses an expired token, with the tolerance', () => {
    expect(check({ exp: NOW - 5 })).toBe('expired');
    expect(check({ exp: NOW - 4 })).toBe('accepted');
  });
  it('refuses nbf and iat in the future beyond the tolerance', () => {
    expect(check({ exp: NOW + 60, nbf: NOW + 6 })).toBe('not_yet_valid');
    expect(check({ exp: NOW + 60, nbf: NOW + 5 })).toBe('accepted');
    expect(check({ exp: NOW + 60, iat: NOW + 6 })).toBe('issued_in_future');
  });
  it('maxTokenAge refuses old tokens and tokens without iat', () => {
    const aged = { clockTolerance: 0, maxTokenAge: 60 };
    expect(check({ exp: NOW + 60, iat: NOW - 61 }, aged)).toBe('expired');
    expect(check({ exp: NOW + 60, iat: NOW - 60 }, aged)).toBe('accepted');
    expect(check({ exp: NOW + 60 }, aged)).toBe('missing_claim');
  });
});
