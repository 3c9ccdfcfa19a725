import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SigningAlgorithm } from './config.js';

/** A key pair that signs, or has signed, access tokens. */
export interface SigningKey {
  /** The RFC 7638 thumbprint of the public key: the tokens' `kid`. */
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  /** Non-extractable: it never leaves the process. */
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** The public key as published (RFC 7517), with `kid`, `alg` and `use: "sig"`. */
  readonly publicJwk: JWK;
}

/**
 * A fresh key pair for `alg`, named by its RFC 7638 thumbprint. The private key is not extractable; the public key
 * can always be exported.
 */
export async function generateSigningKey(alg: SigningAlgorithm): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, alg, privateKey, publicKey, publicJwk: { ...jwk, kid, alg, use: 'sig' } };
}

/**
 * Signing keys that rotate: one current key, plus retired ones kept in the JWKS until every token they signed has
 * expired (`retentionSeconds` after retirement: the access-token lifetime). The authorization server signs with
 * one; `@audguard/testing` keeps another for the tokens it mints itself.
 */
export class KeyRing {
  readonly #alg: SigningAlgorithm;
  readonly #retentionMs: number;
  readonly #now: () => number;
  #current: SigningKey;
  #retired: { key: SigningKey; retiredAt: number }[] = [];

  private constructor(current: SigningKey, retentionSeconds: number, now: () => number) {
    this.#alg = current.alg;
    this.#current = current;
    this.#retentionMs = retentionSeconds * 1000;
    this.#now = now;
  }

  /**
   * A key ring with one fresh key.
   * @param alg - the algorithm of every key it generates
   * @param retentionSeconds - how long a retired key stays published: the longest lifetime of a token it signed
   * @param now - the clock, in milliseconds since the epoch
   */
  static async create(alg: SigningAlgorithm, retentionSeconds: number, now: () => number): Promise<KeyRing> {
    return new KeyRing(await generateSigningKey(alg), retentionSeconds, now);
  }

  /** The key that signs now. */
  get current(): SigningKey {
    return this.#current;
  }

  /** A new key signs from now on; the previous one stays published until its tokens have expired. */
  async rotate(): Promise<void> {
    const next = await generateSigningKey(this.#alg);
    this.#retired.push({ key: this.#current, retiredAt: this.#now() });
    this.#current = next;
  }

  /** The public keys to publish (RFC 7517): retired ones still within their retention, oldest first, then the current one. */
  jwks(): { keys: JWK[] } {
    const now = this.#now();
    this.#retired = this.#retired.filter(({ retiredAt }) => now < retiredAt + this.#retentionMs);
    return {
      keys: [...this.#retired.map(({ key }) => key), this.#current].map((key) => ({ ...key.publicJwk })),
    };
  }
}
