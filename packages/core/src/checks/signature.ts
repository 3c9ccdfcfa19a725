import { AuthError } from '../errors.js';
import { expectedSignatureLength, type VerificationKey } from '../lib/crypto.js';
import type { Maybe } from '../lib/maybe.js';
import type { JwsAlgorithm } from '../types.js';

/** Refuses an empty signature, or one whose length the algorithm fixes otherwise (ECDSA), before any crypto. */
export function checkSignatureLength(alg: JwsAlgorithm, signature: Uint8Array): void {
  const expected = expectedSignatureLength(alg);
  if (signature.length === 0 || (expected !== undefined && signature.length !== expected)) {
    throw new AuthError('bad_signature');
  }
}

/**
 * The first of `keys` whose check of `signature` over `data` passes, or `bad_signature`. Synchronous while the
 * checks are (node:crypto); a key whose check throws counts as not verifying.
 */
export function verifyingKey(
  keys: readonly VerificationKey[],
  data: Uint8Array,
  signature: Uint8Array,
  from = 0,
): Maybe<VerificationKey> {
  for (let i = from; i < keys.length; i++) {
    const key = keys[i] as VerificationKey;
    let result: boolean | Promise<boolean>;
    try {
      result = key.verify(data, signature);
    } catch {
      continue;
    }
    if (result === true) return key;
    if (result instanceof Promise) {
      const next = () => verifyingKey(keys, data, signature, i + 1);
      return result.then((ok) => (ok ? key : next()), next);
    }
  }
  throw new AuthError('bad_signature');
}
