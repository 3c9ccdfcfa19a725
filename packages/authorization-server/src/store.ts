/**
 * Where the authorization server keeps its short-lived state: pending authorizations, authorization codes, grants,
 * refresh tokens and revoked access-token ids. Values are strings (the server stores JSON), so a shared store such
 * as Redis can back several instances.
 *
 * Keys the server writes (values JSON; `<hash>` is base64url SHA-256, so no secret is ever a key):
 * - `interaction:<id>` — how often the login forms of pending request `<id>` were posted (a counter, written on the
 *   first post, never by `GET /authorize`: pending requests travel in their signed forms);
 * - `code:<hash>` — an unredeemed authorization code (with its `dpop_jkt` key, if bound); `code-used:<hash>` — its grant id and when it was redeemed,
 *   so a replay is recognised;
 * - `grant:<id>` — what the user consented to and the token family issued from it; `grant-revoked:<id>` — the
 *   tombstone of a revoked grant, so a request issuing from it at that moment cannot bring it back;
 * - `rt:<hash>` — the live refresh token of a grant (with the DPoP key a public client's token is bound to);
 *   `rt-used:<hash>` — a rotated one and when it was rotated, so
 *   its reuse is recognised;
 * - `revoked:<jti>` — a revoked access token, until it expires, so a resource server sharing the store may check it
 *   (and `/introspect` does);
 * - `reference:<hash>` — the claims of a reference access token (a resource's `accessTokenFormat: 'reference'`),
 *   for the token's lifetime; deleted when it is revoked;
 * - `attempts:sign-in:user:<hash>:<window>`, `attempts:sign-in:client:<client_id>:<window>` and the matching
 *   `successes:…` — sign-in attempts per username (hashed) and per client in one attempt-limit window;
 *   `failures:client-auth:<client_id>:<window>` — failed client authentications (counters, by `increment`);
 * - `client:<client_id>` — a dynamically registered client (RFC 7591), for its registration's lifetime (its secret
 *   kept as a hash); `client-metadata:<hash>` and `client-jwks:<hash>` — a checked Client ID Metadata Document and a
 *   client key set (`<hash>` of their URL), for their cache lifetime, so instances fetch each once;
 * - `assertion:<hash>` — a used `private_key_jwt` client assertion, until it expires (written by `increment`, whose
 *   first count says it is fresh); `registrations:address:<hash>:<window>` and `registrations:all:<window>` —
 *   registrations counted against the limits.
 *
 * The server needs no transactions, only each method atomic on its own: single use rests on {@link Store.consume}
 * alone (of concurrent redemptions or rotations exactly one wins; the others are refused and revoke nothing); a
 * replay or reuse is recognised by the `-used:` mark the winner writes once it has issued; a revoked grant's
 * tombstone is written before its family is deleted, and every request issuing from a grant checks it after saving.
 * A shared store proves itself with the contract suite the repository runs against {@link MemoryStore}
 * (`packages/authorization-server/test/store-contract.ts`, `describeStoreContract`).
 *
 * Failures: when the backing service cannot be reached or does not answer in time, a method rejects with an error
 * whose `temporary` property is `true` (and optionally `retryAfter`, in seconds); the server answers that request 503
 * `temporarily_unavailable` with `Retry-After` (default 1) and the client may retry. Any other rejection is a bug,
 * answered 500 `server_error`. Neither reveals the error. A method must settle in bounded time: the server has no
 * deadline of its own. (`@audguard/redis` bounds every command and marks its failures so.)
 */
export interface Store {
  /**
   * Stores `value` under `key`, replacing any earlier value and its expiry; it expires after `ttlSeconds`, a whole
   * number > 0 (the server never asks for less than 1). Atomic: a concurrent `get` or `consume` sees the old value or
   * the new one, never a mix (Redis: one `SET key value EX ttl`).
   */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** The unexpired value under `key`, or `undefined` (Redis: `GET`). An expired value is never returned. */
  get(key: string): Promise<string | undefined>;
  /**
   * Reads and deletes `key` in one atomic step: of any number of concurrent calls for one key, across every instance
   * sharing the store, exactly one gets the value and the others `undefined`; an expired value is never returned.
   * Single-use codes and refresh-token rotation rest on it (Redis: one `GETDEL`, or a Lua script on Redis < 6.2 —
   * never a `GET` then a `DEL`).
   */
  consume(key: string): Promise<string | undefined>;
  /** Deletes `key`; deleting a missing key is not an error (Redis: `DEL`). */
  delete(key: string): Promise<void>;
  /**
   * Adds one to the counter under `key` and returns the new count, atomically: of n concurrent calls on a fresh key,
   * across every instance, the answers are exactly 1…n. A missing (or expired) key starts at 1 and expires
   * `ttlSeconds` (a whole number > 0) after that first increment; later increments do not extend it — so a window
   * of attempts closes on time however many attempts arrive. A `get` of the key returns the count as a decimal
   * string (`"3"`), as Redis's `GET` does after `INCR`: the server reads attempt counters that way. Single-use
   * consent forms and the attempt limits rest on it (Redis: one Lua script doing `INCR` and, when the result is 1,
   * `EXPIRE`).
   */
  increment(key: string, ttlSeconds: number): Promise<number>;
}

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The clock, in milliseconds since the epoch. Default is `Date.now`. */
  now?: () => number;
  /**
   * How often expired entries are swept, in seconds; `0` turns the sweep off (entries then expire lazily, when
   * read). The timer is `unref()`'d, so it never keeps a process alive. Default is 60.
   */
  sweepIntervalSeconds?: number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * The default {@link Store}: a `Map` in this process, with TTL expiry (checked on read and by a periodic sweep, so
 * nothing grows forever). Good for one instance, tests and demos; several instances need a shared store.
 */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** @param options - clock and sweep interval; see {@link MemoryStoreOptions}. */
  constructor(options: MemoryStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    const interval = options.sweepIntervalSeconds ?? 60;
    if (!Number.isFinite(interval) || interval < 0) {
      throw new TypeError('sweepIntervalSeconds: use a number of seconds >= 0 (0 turns the sweep off)');
    }
    if (interval > 0) {
      this.#timer = setInterval(() => this.sweep(), interval * 1000);
      // Node and Bun return a Timeout with unref(); browsers and Workers return a number.
      if (typeof this.#timer === 'object' && 'unref' in this.#timer) this.#timer.unref();
    }
  }

  /** The number of entries held, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  /** {@inheritDoc Store.set} */
  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (!(ttlSeconds > 0)) {
      this.#entries.delete(key);
      return;
    }
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlSeconds * 1000 });
  }

  /** {@inheritDoc Store.get} */
  async get(key: string): Promise<string | undefined> {
    return this.#live(key)?.value;
  }

  /** {@inheritDoc Store.consume} */
  async consume(key: string): Promise<string | undefined> {
    // Read and delete happen in one synchronous step, so no other call can interleave.
    const entry = this.#live(key);
    this.#entries.delete(key);
    return entry?.value;
  }

  /** {@inheritDoc Store.delete} */
  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  /** {@inheritDoc Store.increment} */
  async increment(key: string, ttlSeconds: number): Promise<number> {
    // Read and write in one synchronous step, as consume does.
    const entry = this.#live(key);
    const count = entry === undefined ? 1 : (Number(entry.value) || 0) + 1;
    const expiresAt = entry?.expiresAt ?? this.#now() + ttlSeconds * 1000;
    this.#entries.set(key, { value: String(count), expiresAt });
    return count;
  }

  /** Removes every expired entry now. */
  sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
  }

  /** Stops the periodic sweep. The store keeps working, with lazy expiry only. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
