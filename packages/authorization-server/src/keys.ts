import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SigningAlgorithm } from './config.js';

/** A key that signs, or has signed, access tokens. @internal */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  /** When this key stopped signing (ms); `undefined` for the current key. */
  retiredAt: number | undefined;
}

/**
 * The signing keys: one current key, plus retired ones kept in the JWKS until every token they signed has
 * expired (`retention` seconds after retirement: the access-token lifetime). @internal
 */
export class KeyRing {
  readonly #alg: SigningAlgorithm;
  readonly #retention: number;
  readonly #now: () => number;
  #keys: SigningKey[] = [];

  private constructor(alg: SigningAlgorithm, retentionSeconds: number, now: () => number) {
    this.#alg = alg;
    this.#retention = retentionSeconds * 1000;
    this.#now = now;
  }

  /** A key ring with one fresh key. */
  static async create(alg: SigningAlgorithm, retentionSeconds: number, now: () => number): Promise<KeyRing> {
    const ring = new KeyRing(alg, retentionSeconds, now);
    ring.#keys = [await ring.#generate()];
    return ring;
  }

  /** The key that signs now. */
  get current(): SigningKey {
    const key = this.#keys[this.#keys.length - 1];
    if (key === undefined) throw new Error('the key ring is empty');
    return key;
  }

  /** A new key signs from now on; the previous one stays published until its tokens have expired. */
  async rotate(): Promise<void> {
    const next = await this.#generate();
    this.current.retiredAt = this.#now();
    this.#keys.push(next);
  }

  /** The public keys to publish (RFC 7517), each with `kid`, `alg` and `use: "sig"`. */
  jwks(): { keys: JWK[] } {
    const now = this.#now();
    this.#keys = this.#keys.filter(
      (key) => key.retiredAt === undefined || now < key.retiredAt + this.#retention,
    );
    return { keys: this.#keys.map((key) => ({ ...key.publicJwk })) };
  }

  async #generate(): Promise<SigningKey> {
    // The private key stays non-extractable; the public key can always be exported.
    const { privateKey, publicKey } = await generateKeyPair(this.#alg);
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return {
      kid,
      alg: this.#alg,
      privateKey,
      publicJwk: { ...jwk, kid, alg: this.#alg, use: 'sig' },
      retiredAt: undefined,
    };
  }
}
