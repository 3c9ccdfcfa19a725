import type { JWK } from 'jose';
import type { SigningAlgorithm } from './config.js';

/**
 * A signing key as a {@link KeyStore} holds it. The private key is a JWK (RFC 7517, public members included): a
 * store shared by several processes must encrypt it at rest (`@audguard/redis` does, with AES-256-GCM).
 */
export interface StoredSigningKey {
  /** The RFC 7638 thumbprint of the public key: the tokens' `kid`. The server checks it on load. */
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  /**
   * When the key was generated, in milliseconds since the epoch. It signs until the next key's `createdAt`, then
   * stays published for one access-token lifetime.
   */
  readonly createdAt: number;
  /** The private key, as a JWK with its public members. */
  readonly privateJwk: JWK;
}

/**
 * Where the authorization server keeps its signing keys: an ordered list, oldest first, whose last key signs. Every
 * instance sharing a key store signs with the same key and publishes the same JWKS; a restart keeps the keys, so
 * tokens issued before it still verify.
 *
 * The server reads the list ({@link KeyStore.load}) before every token it signs and every JWKS it serves, so a
 * rotation on one instance is seen by the next request to any other — no instance ever signs with a key that
 * another does not publish. `load` must therefore be cheap when nothing changed (check a version, keep the decoded
 * list). It writes only on start (when the store is empty, or holds a key of another algorithm) and on
 * `rotateKeys()`. Failures follow the `Store` rule: a rejection marked `temporary: true` is answered 503 with
 * `Retry-After`, any other 500; at start either makes `createAuthorizationServer` reject.
 */
export interface KeyStore {
  /**
   * Every key held, oldest first. May return the very same array while nothing changed; the server then skips all
   * work.
   */
  load(): Promise<readonly StoredSigningKey[]>;
  /**
   * Appends `key` as the newest (signing) key, atomically, if the newest key held is still `expectedCurrent`
   * (`undefined`: the store is empty) — a compare-and-append, so of instances starting or rotating together exactly
   * one adds and the others adopt its key. Answers whether `key` was added.
   */
  add(key: StoredSigningKey, expectedCurrent: string | undefined): Promise<boolean>;
  /** Removes the keys with these `kid`s (retired keys past their retention); a missing one is no error. */
  remove(kids: readonly string[]): Promise<void>;
}

/**
 * The default {@link KeyStore}: a list in this process. Keys live and die with the process, so a restart publishes
 * a new key and tokens signed before it no longer verify; several instances need a shared store.
 */
export class MemoryKeyStore implements KeyStore {
  #keys: readonly StoredSigningKey[] = Object.freeze([]);

  /** {@inheritDoc KeyStore.load} */
  async load(): Promise<readonly StoredSigningKey[]> {
    return this.#keys;
  }

  /** {@inheritDoc KeyStore.add} */
  async add(key: StoredSigningKey, expectedCurrent: string | undefined): Promise<boolean> {
    if (this.#keys.at(-1)?.kid !== expectedCurrent) return false;
    this.#keys = Object.freeze([...this.#keys, key]);
    return true;
  }

  /** {@inheritDoc KeyStore.remove} */
  async remove(kids: readonly string[]): Promise<void> {
    const kept = this.#keys.filter((key) => !kids.includes(key.kid));
    if (kept.length !== this.#keys.length) this.#keys = Object.freeze(kept);
  }
}
