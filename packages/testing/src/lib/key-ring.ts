import type { SigningAlgorithm } from '@audguard/authorization-server';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
} from 'jose';

/** A key pair the test issuer signs with. @internal */
export interface TestKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: CryptoKey;
  /** The public key as published: `kid`, `alg`, `use: "sig"`. */
  readonly publicJwk: JWK;
  /** The public key as SPKI PEM, the text a naive HMAC verifier would use as its secret. */
  readonly publicPem: string;
}

/** A fresh key pair for `alg`, named by its RFC 7638 thumbprint. @internal */
export async function generateTestKey(alg: SigningAlgorithm): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return {
    kid,
    alg,
    privateKey,
    publicJwk: { ...jwk, kid, alg, use: 'sig' },
    publicPem: await exportSPKI(publicKey),
  };
}

/**
 * The test issuer's own signing keys: the current one, and retired ones kept published for one access-token
 * lifetime after rotation, as the authorization server does with its keys. @internal
 */
export class TestKeyRing {
  readonly #retentionMs: number;
  readonly #now: () => number;
  #current: TestKey;
  #retired: { key: TestKey; retiredAt: number }[] = [];

  private constructor(current: TestKey, retentionSeconds: number, now: () => number) {
    this.#current = current;
    this.#retentionMs = retentionSeconds * 1000;
    this.#now = now;
  }

  static async create(
    alg: SigningAlgorithm,
    retentionSeconds: number,
    now: () => number,
  ): Promise<TestKeyRing> {
    return new TestKeyRing(await generateTestKey(alg), retentionSeconds, now);
  }

  /** The key that signs now. */
  get current(): TestKey {
    return this.#current;
  }

  async rotate(): Promise<void> {
    const next = await generateTestKey(this.#current.alg);
    this.#retired.push({ key: this.#current, retiredAt: this.#now() });
    this.#current = next;
  }

  /** The public keys to publish: retired ones still within their retention, then the current one. */
  publicJwks(): JWK[] {
    const now = this.#now();
    this.#retired = this.#retired.filter(({ retiredAt }) => now < retiredAt + this.#retentionMs);
    return [...this.#retired.map(({ key }) => key), this.#current].map((key) => ({ ...key.publicJwk }));
  }
}
