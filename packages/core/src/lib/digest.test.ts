import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64url, constantTimeEqual, hmacSha256, sha256Base64url } from './digest.js';

describe('digest helpers', () => {
  it('base64url agrees with Buffer for every length mod 3', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = randomBytes(n);
      expect(base64url(bytes)).toBe(bytes.toString('base64url'));
    }
  });

  it('hashes and MACs as node:crypto does', () => {
    expect(sha256Base64url('héllo')).toBe(createHash('sha256').update('héllo').digest('base64url'));
    const key = randomBytes(32);
    expect(hmacSha256(key)('step 1')).toBe(createHmac('sha256', key).update('step 1').digest('base64url'));
  });

  it('compares strings', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
