import type { ReplayCache } from '@audguard/core';
import { RedisConnection, type RedisConnectionOptions } from './connection.js';
import { checkPrefix } from './prefix.js';

/** Options of {@link createRedisReplayCache}. */
export interface RedisReplayCacheOptions extends RedisConnectionOptions {
  /** Put before every key. Default is `'audguard:replay:'`. */
  prefix?: string;
}

/** The core's {@link ReplayCache} on Redis, and how to let it go. */
export interface RedisReplayCache extends ReplayCache {
  /** Closes the connection when this cache opened it (`url`); a client you passed stays open. */
  close(): Promise<void>;
}

/**
 * A {@link ReplayCache} on Redis, for one-time values (a DPoP proof's `jti`) across every resource server sharing
 * it: `add(key, ttlSeconds)` is one `SET key 1 NX PX ttl`, so of concurrent adds of one key, from any number of
 * processes, exactly one answers `true`; the key expires with its replay window. Bounded by `commandTimeout`;
 * failures reject with a {@link RedisUnavailableError}.
 * @example
 * ```ts
 * const replayCache = createRedisReplayCache({ url: process.env.REDIS_URL });
 * if (!(await replayCache.add(`dpop:${jti}`, 60))) throw new Error('replayed proof');
 * ```
 */
export function createRedisReplayCache(options: RedisReplayCacheOptions): RedisReplayCache {
  const prefix = checkPrefix(options?.prefix, 'audguard:replay:', 'createRedisReplayCache');
  const redis = new RedisConnection(options, 'createRedisReplayCache');
  return {
    async add(key, ttlSeconds) {
      if (!Number.isFinite(ttlSeconds))
        throw new TypeError('ReplayCache.add: ttlSeconds must be a number > 0');
      const ms = Math.max(1, Math.ceil(ttlSeconds * 1000));
      const reply = await redis.run((r) =>
        r.set(prefix + key, '1', { expiration: { type: 'PX', value: ms }, condition: 'NX' }),
      );
      return reply !== null;
    },
    close: () => redis.close(),
  };
}
