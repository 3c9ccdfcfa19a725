import { type CryptoBackend, importSecret, type VerificationKey } from '../lib/crypto.js';
import type { JwsAlgorithm } from '../types.js';
import type { KeyQuery, KeySet } from './key-set.js';

/**
 * A shared secret for HS256/384/512, from the configuration only (never from a published key set). Imported once
 * per algorithm; after that, as synchronous as any other key set.
 */
export class SecretKeySet implements KeySet {
  private readonly imported = new Map<JwsAlgorithm, VerificationKey>();

  constructor(
    private readonly secret: Uint8Array,
    private readonly backend: CryptoBackend,
  ) {}

  keysNow({ alg }: KeyQuery): readonly VerificationKey[] | undefined {
    const key = this.imported.get(alg);
    return key && [key];
  }

  async keys({ alg }: KeyQuery): Promise<readonly VerificationKey[]> {
    let key = this.imported.get(alg);
    if (!key) {
      key = await importSecret(this.secret, alg, this.backend);
      this.imported.set(alg, key);
    }
    return [key];
  }

  /** A configured secret is trusted for as long as the verifier lives. */
  stillTrusts(): boolean {
    return true;
  }
}
