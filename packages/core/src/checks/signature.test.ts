import { describe, expect, it } from 'vitest';
import type { VerificationKey } from '../lib/crypto.js';
import { checkSignatureLength, verifyingKey } from './signature.js';

const key = (verify: VerificationKey['verify']): VerificationKey => ({
  alg: 'RS256',
  jwk: undefined,
  verify,
});
const data = new Uint8Array([1]);
const sig = new Uint8Array([2]);

describe('signature', () => {
  it('refuses an empty signature and an ECDSA signature of the wrong length', () => {
    expect(() => checkSignatureLength('RS256', new Uint8Array())).toThrow(
      expect.objectContaining({ reason: 'bad_signature' }),
    );
    expect(() => checkSignatureLength('ES256', new Uint8Array(63))).toThrow(
      expect.objectContaining({ reason: 'bad_signature' }),
    );
    expect(() => checkSignatureLength('ES256', new Uint8Array(64))).not.toThrow();
  });
  it('returns the first key that verifies, synchronously when every check is', () => {
    const good = key(() => true);
    expect(
      verifyingKey(
        [
          key(() => false),
          key(() => {
            throw new Error('x');
          }),
          good,
        ],
        data,
        sig,
      ),
    ).toBe(good);
    expect(() => verifyingKey([key(() => false)], data, sig)).toThrow(
      expect.objectContaining({ reason: 'bad_signature' }),
    );
  });
  it('goes on after an asynchronous failure or rejection', async () => {
    const good = key(async () => true);
    const result = verifyingKey(
      [key(async () => false), key(() => Promise.reject(new Error('x'))), good],
      data,
      sig,
    );
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe(good);
    await expect(verifyingKey([key(async () => false)], data, sig)).rejects.toMatchObject({
      reason: 'bad_signature',
    });
  });
});
