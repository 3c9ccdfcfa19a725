import { LRUCache } from 'lru-cache';

/**
 * Remembers one-time values (a DPoP proof's `jti`) for as long as they could be replayed. `add` is set-if-absent in
 * one atomic operation — never a read then a write — so of concurrent calls with one key, across every instance
 * sharing the cache, exactly one gets `true`. `@audguard/redis` has one for several resource servers.
 */
export interface ReplayCache {
  /**
   * Records `key` for `ttlSeconds` (> 0; fractions allowed) and answers `true`, or answers `false` when it is
   * already recorded and unexpired (a replay).
   */
  add(key: string, ttlSeconds: number): Promise<boolean>;
}

/** Options of {@link MemoryReplayCache}. */
export interface MemoryReplayCacheOptions {
  /**
   * Most keys held. When full, the oldest are forgotten first — so keep it above the number of proofs one replay
   * window can carry (requests per second × window). Default `100000`.
   */
  max?: number;
  /** The clock, in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** The default {@link ReplayCache}: one process's memory, bounded, entries expiring on time. */
export class MemoryReplayCache implements ReplayCache {
  readonly #seen: LRUCache<string, true>;

  constructor(options: MemoryReplayCacheOptions = {}) {
    const now = options.now ?? Date.now;
    // ttlResolution 0: read the clock on every check (the default caches it for a millisecond, behind a timer).
    this.#seen = new LRUCache({ max: options.max ?? 100_000, ttl: 1, ttlResolution: 0, perf: { now } });
  }

  /** {@inheritDoc ReplayCache.add} */
  async add(key: string, ttlSeconds: number): Promise<boolean> {
    // has-then-set runs in one synchronous step: nothing can interleave within this process.
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, true, { ttl: Math.max(1, ttlSeconds * 1000) });
    return true;
  }
}
