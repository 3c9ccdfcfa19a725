export {
  type RedisClientLike,
  type RedisConnectionOptions,
  RedisUnavailableError,
} from './connection.js';
export { createRedisKeyStore, type RedisKeyStore, type RedisKeyStoreOptions } from './key-store.js';
export {
  createRedisReplayCache,
  type RedisReplayCache,
  type RedisReplayCacheOptions,
} from './replay-cache.js';
export { createRedisStore, type RedisStore, type RedisStoreOptions } from './store.js';
