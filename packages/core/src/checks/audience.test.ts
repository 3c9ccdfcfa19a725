import { describe, expect, it } from 'vitest';
import { outcome } from '../../test/outcome.js';
import { checkAudience, readAudience } from './audience.js';

const ORDERS = 'https://orders.example.com';
const INVOICES = 'https://invoices.example.com';

describe('readAudience', () => {
  it('reads a string or an array of strings', () => {
    expect(readAudience(ORDERS)).toEqual([ORDERS]);
    expect(readAudience([ORDERS, INVOICES])).toEqual([ORDERS, INVOICES]);
  });
  it('refuses a missing, empty or non-string aud', () => {
    expect(outcome(() => readAudience(undefined))).toBe('missing_claim');
    for (const aud of [[], '', 7, [ORDERS, 7], null, {}]) {
      expect(
        outcome(() => readAudience(aud)),
        JSON.stringify(aud),
      ).toBe(aud === '' ? 'accepted' : 'invalid_claim');
    }
  });
});

describe('checkAudience', () => {
  it("'any': refuses a token for another API, accepts one naming this API among others", () => {
    const any = { accepted: [ORDERS], mode: 'any' } as const;
    expect(outcome(() => checkAudience([INVOICES], any))).toBe('audience_mismatch');
    expect(outcome(() => checkAudience([INVOICES, ORDERS], any))).toBe('accepted');
    expect(outcome(() => checkAudience([`${ORDERS}/`], any))).toBe('audience_mismatch');
  });
  it("'exclusive': refuses a token shared with another API", () => {
    const exclusive = { accepted: [ORDERS], mode: 'exclusive' } as const;
    expect(outcome(() => checkAudience([ORDERS, INVOICES], exclusive))).toBe('audience_not_exclusive');
    expect(outcome(() => checkAudience([ORDERS], exclusive))).toBe('accepted');
  });
});
