import type { Store } from '@audguard/authorization-server';
import { RedisConnection, type RedisConnectionOptions, script, stringReply } from './connection.js';
import { checkPrefix } from './prefix.js';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions extends RedisConnectionOptions {
  /**
   * Put before every key, so several servers (or other applications) can share one database. Default is
   * `'audguard:'`: a code is kept under `audguard:code:<hash>`.
   */
  prefix?: string;
}

/** The authorization server's {@link Store} on Redis, and how to let it go. */
export interface RedisStore extends Store {
  /** Closes the connection when this store opened it (`url`); a client you passed stays open. */
  close(): Promise<void>;
}

// INCR, and the window's expiry when the key has none yet (a fresh key): one script, so a crash between the two
// cannot leave a counter that never expires, and later increments never extend the window.
const INCREMENT = script(`local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`);

const ttlMs = (ttlSeconds: number) => Math.max(1, Math.round(ttlSeconds * 1000));

/**
 * A {@link Store} on Redis (6.2 or later), for several authorization-server instances behind one issuer: every
 * method is one atomic Redis operation, so each single-use rule (code redemption, refresh-token rotation, the
 * interaction's CSRF token) holds across every instance — of concurrent `consume`s of one key exactly one gets the
 * value. Each key touches one Redis key only, so a cluster needs no hash tags.
 *
 * | method      | Redis                                        |
 * | ----------- | -------------------------------------------- |
 * | `set`       | `SET key value PX ttl`                       |
 * | `get`       | `GET key`                                    |
 * | `consume`   | `GETDEL key`                                 |
 * | `delete`    | `DEL key`                                    |
 * | `increment` | a script: `INCR key`, then `PEXPIRE` if fresh |
 *
 * Every call is bounded by `commandTimeout` and fails with a {@link RedisUnavailableError} (→ 503 at the server)
 * when Redis is down, slow or loading.
 * @example
 * ```ts
 * const as = await createAuthorizationServer({ ...config, store: createRedisStore({ url: process.env.REDIS_URL }) });
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const prefix = checkPrefix(options?.prefix, 'audguard:', 'createRedisStore');
  const redis = new RedisConnection(options, 'createRedisStore');
  const key = (name: string) => prefix + name;
  return {
    async set(name, value, ttlSeconds) {
      if (!(ttlSeconds > 0)) {
        await redis.run((r) => r.del(key(name)));
        return;
      }
      await redis.run((r) =>
        r.set(key(name), value, { expiration: { type: 'PX', value: ttlMs(ttlSeconds) } }),
      );
    },
    async get(name) {
      return stringReply(await redis.run((r) => r.get(key(name))));
    },
    async consume(name) {
      return stringReply(await redis.run((r) => r.getDel(key(name))));
    },
    async delete(name) {
      await redis.run((r) => r.del(key(name)));
    },
    async increment(name, ttlSeconds) {
      return Number(await redis.eval(INCREMENT, [key(name)], [String(ttlMs(ttlSeconds))]));
    },
    close: () => redis.close(),
  };
}
