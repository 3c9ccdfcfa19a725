import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import type { SigningAlgorithm } from './config.js';
import { type KeyStore, MemoryKeyStore, type StoredSigningKey } from './key-store.js';

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

const ALGORITHMS: readonly string[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** The public members of each key type (RFC 7518 §6, RFC 8037 §2); everything else is private or metadata. */
const PUBLIC_MEMBERS: Record<string, readonly (keyof JWK)[]> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
};

async function published(publicKey: CryptoKey, alg: SigningAlgorithm): Promise<{ kid: string; jwk: JWK }> {
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, jwk: { ...jwk, kid, alg, use: 'sig' } };
}

/**
 * A fresh key pair for `alg`, named by its RFC 7638 thumbprint. The private key is not extractable; the public key
 * can always be exported.
 */
export async function generateSigningKey(alg: SigningAlgorithm): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const { kid, jwk } = await published(publicKey, alg);
  return { kid, alg, privateKey, publicKey, publicJwk: jwk };
}

/** A fresh key for a {@link KeyStore}: generated extractable once, so its private JWK can be stored. @internal */
async function generateStoredKey(alg: SigningAlgorithm, createdAt: number): Promise<StoredSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const { kid } = await published(publicKey, alg);
  return { kid, alg, createdAt, privateJwk: await exportJWK(privateKey) };
}

/**
 * Turns a stored key back into a signing key, non-extractable, after checking that it is what it says: a known
 * algorithm and a `kid` that is the thumbprint of its public key (so a swapped or corrupted entry is refused).
 */
async function importStoredKey(stored: StoredSigningKey): Promise<SigningKey> {
  const { kid, alg, privateJwk } = stored;
  if (!ALGORITHMS.includes(alg))
    throw new Error(`the key store's key ${kid} has an unknown alg ${String(alg)}`);
  const members = PUBLIC_MEMBERS[String(privateJwk?.kty)];
  if (members === undefined || typeof privateJwk.d !== 'string') {
    throw new Error(`the key store's key ${kid} is not a private RSA, EC or OKP JWK`);
  }
  const publicJwk: JWK = Object.fromEntries(members.map((name) => [name, privateJwk[name]]));
  if ((await calculateJwkThumbprint(publicJwk)) !== kid) {
    throw new Error(`the key store's key ${kid} is not the key its kid names`);
  }
  const privateKey = (await importJWK(privateJwk, alg, { extractable: false })) as CryptoKey;
  const publicKey = (await importJWK(publicJwk, alg)) as CryptoKey;
  return { kid, alg, privateKey, publicKey, publicJwk: { ...publicJwk, kid, alg, use: 'sig' } };
}

interface RingKey {
  readonly key: SigningKey;
  readonly createdAt: number;
}

/**
 * Signing keys that rotate: one current key, plus retired ones kept in the JWKS until every token they signed has
 * expired (`retentionSeconds` after retirement: the access-token lifetime). The keys live in a {@link KeyStore}:
 * in this process by default, or shared, so that several instances sign alike and a restart keeps them. The
 * authorization server signs with one; `@audguard/testing` keeps another for the tokens it mints itself.
 */
export class KeyRing {
  readonly #alg: SigningAlgorithm;
  readonly #retentionMs: number;
  readonly #now: () => number;
  readonly #store: KeyStore;
  #stored: readonly StoredSigningKey[] | undefined;
  #keys: readonly RingKey[] = [];
  #imported = new Map<string, Promise<SigningKey>>();
  // Loads may finish out of order; only a later-started one replaces what an earlier one left.
  #started = 0;
  #applied = 0;

  private constructor(alg: SigningAlgorithm, retentionSeconds: number, now: () => number, store: KeyStore) {
    this.#alg = alg;
    this.#retentionMs = retentionSeconds * 1000;
    this.#now = now;
    this.#store = store;
  }

  /**
   * A key ring on `store`: it adopts the keys held there, and adds a fresh one when the store is empty or its
   * current key has another algorithm (the old one then stays published as after a rotation).
   * @param alg - the algorithm of every key it generates
   * @param retentionSeconds - how long a retired key stays published: the longest lifetime of a token it signed
   * @param now - the clock, in milliseconds since the epoch
   * @param store - where the keys are kept. Default is a new {@link MemoryKeyStore}.
   */
  static async create(
    alg: SigningAlgorithm,
    retentionSeconds: number,
    now: () => number,
    store: KeyStore = new MemoryKeyStore(),
  ): Promise<KeyRing> {
    const ring = new KeyRing(alg, retentionSeconds, now, store);
    const keys = await ring.#load();
    if (keys.at(-1)?.key.alg !== alg) await ring.#add(keys);
    return ring;
  }

  /** The key that signed last time the ring looked at its store ({@link signingKey} looks again). */
  get current(): SigningKey {
    return currentOf(this.#keys);
  }

  /**
   * The public keys to publish (RFC 7517) as of the last look at the store: retired ones still within their
   * retention, oldest first, then the current one. {@link publicKeys} looks again.
   */
  jwks(): { keys: JWK[] } {
    const now = this.#now();
    const live = this.#keys.filter((_, i) => {
      const successor = this.#keys[i + 1];
      return successor === undefined || now < successor.createdAt + this.#retentionMs;
    });
    return { keys: live.map(({ key }) => ({ ...key.publicJwk })) };
  }

  /** The key that signs now, read from the store (so a rotation by another instance is seen at once). */
  async signingKey(): Promise<SigningKey> {
    return currentOf(await this.#loadSome());
  }

  /** {@link jwks}, read from the store first. */
  async publicKeys(): Promise<{ keys: JWK[] }> {
    await this.#loadSome();
    return this.jwks();
  }

  /** A new key signs from now on; the previous one stays published until its tokens have expired. */
  async rotate(): Promise<void> {
    await this.#add(await this.#load());
  }

  async #load(): Promise<readonly RingKey[]> {
    const started = ++this.#started;
    const stored = await this.#store.load();
    if (stored === this.#stored) return this.#keys;
    const imported = new Map(stored.map((entry) => [entry.kid, this.#import(entry)]));
    const keys = await Promise.all(
      stored.map(async (entry) => ({ key: await imported.get(entry.kid)!, createdAt: entry.createdAt })),
    );
    if (started > this.#applied) {
      this.#applied = started;
      this.#stored = stored;
      this.#keys = keys;
      this.#imported = imported;
    }
    return keys;
  }

  /** The keys held, starting again with a fresh key if the store was emptied (a flushed database). */
  async #loadSome(): Promise<readonly RingKey[]> {
    const keys = await this.#load();
    if (keys.length > 0) return keys;
    await this.#add(keys);
    return this.#keys;
  }

  #import(entry: StoredSigningKey): Promise<SigningKey> {
    const known = this.#imported.get(entry.kid);
    if (known !== undefined) return known;
    const imported = importStoredKey(entry);
    imported.catch(() => this.#imported.delete(entry.kid));
    return imported;
  }

  /**
   * Appends a fresh key after `keys`' current one. Losing the compare-and-append to another instance is fine: its
   * key is just as fresh, and the ring adopts it. Keys whose retention has passed are then removed from the store.
   */
  async #add(keys: readonly RingKey[]): Promise<void> {
    const now = this.#now();
    await this.#store.add(await generateStoredKey(this.#alg, now), keys.at(-1)?.key.kid);
    const after = await this.#load();
    const expired = after.filter((_, i) => {
      const successor = after[i + 1];
      return successor !== undefined && now >= successor.createdAt + this.#retentionMs;
    });
    if (expired.length > 0) {
      await this.#store.remove(expired.map(({ key }) => key.kid));
      await this.#load();
    }
  }
}

function currentOf(keys: readonly RingKey[]): SigningKey {
  const last = keys.at(-1);
  if (last === undefined) throw new Error('the key store holds no signing key');
  return last.key;
}
