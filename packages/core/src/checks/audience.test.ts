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
  it('reads no aud as undefined (checkAudience decides), and refuses an empty or non-string one', () => {
    expect(readAudience(undefined)).toBeUndefined();
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
    const any = { accepted: [ORDERS], mode: 'any', ignored: new Set<string>(), optional: false } as const;
    expect(outcome(() => checkAudience([INVOICES], any))).toBe('audience_mismatch');
    expect(outcome(() => checkAudience([INVOICES, ORDERS], any))).toBe('accepted');
    expect(outcome(() => checkAudience([`${ORDERS}/`], any))).toBe('audience_mismatch');
  });
  it("'exclusive': refuses a token shared with another API", () => {
    const exclusive = {
      accepted: [ORDERS],
      mode: 'exclusive',
      ignored: new Set<string>(),
      optional: false,
    } as const;
    expect(outcome(() => checkAudience([ORDERS, INVOICES], exclusive))).toBe('audience_not_exclusive');
    expect(outcome(() => checkAudience([ORDERS], exclusive))).toBe('accepted');
  });
});

describe('checkAudience: ignored audiences and tokens without aud', () => {
  const USERINFO = 'https://tenant.auth0.com/userinfo';
  const policy = (mode: 'any' | 'exclusive', optional = false) => ({
    accepted: [ORDERS],
    mode,
    ignored: new Set([USERINFO]),
    optional,
  });
  it('tolerates an ignored audience beside this API, under both policies', () => {
    for (const mode of ['any', 'exclusive'] as const) {
      expect(outcome(() => checkAudience([ORDERS, USERINFO], policy(mode)))).toBe('accepted');
    }
  });
  it('never lets an ignored audience suffice: a token for it alone is refused', () => {
    for (const mode of ['any', 'exclusive'] as const) {
      expect(outcome(() => checkAudience([USERINFO], policy(mode)))).toBe('audience_mismatch');
    }
  });
  it('still counts other APIs under exclusive', () => {
    expect(outcome(() => checkAudience([ORDERS, USERINFO, INVOICES], policy('exclusive')))).toBe(
      'audience_not_exclusive',
    );
  });
  it('refuses a token without aud unless the policy makes it optional', () => {
    expect(outcome(() => checkAudience(undefined, policy('any')))).toBe('missing_claim');
    expect(outcome(() => checkAudience(undefined, policy('any', true)))).toBe('accepted');
    expect(outcome(() => checkAudience([INVOICES], policy('any', true)))).toBe('audience_mismatch');
  });
});
