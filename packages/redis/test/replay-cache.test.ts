import { randomUUID } from 'node:crypto';
import { MemoryReplayCache, type ReplayCache } from '@audguard/core';
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisReplayCache } from '../src/index.js';
import { describeRedis, redisServerInstalled } from './describe-redis.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

let server: RedisServer;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  if (redisServerInstalled) server = await startRedisServer();
});
afterAll(() => server?.close());

describeRedis('RedisReplayCache', () => {
  it('of 20 parallel adds of one key across two clients exactly one wins', async () => {
    const prefix = `replay-${randomUUID()}:`;
    const [a, b] = [
      createRedisReplayCache({ url: server.url, prefix }),
      createRedisReplayCache({ url: server.url, prefix }),
    ];
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).add('jti-1', 60)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await a.add('jti-2', 60)).toBe(true);
      expect(await b.add('jti-2', 60)).toBe(false);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('is one SET NX PX under the prefix: the key expires with its window, then may be added again', async () => {
    const prefix = `replay-ttl-${randomUUID()}:`;
    const cache: ReplayCache & { close(): Promise<void> } = createRedisReplayCache({
      url: server.url,
      prefix,
    });
    const inspect = createClient({ url: server.url });
    inspect.on('error', () => {});
    await inspect.connect();
    try {
      expect(await cache.add('proof', 0.5)).toBe(true);
      expect(await inspect.get(`${prefix}proof`)).toBe('1');
      const ttl = await inspect.pTTL(`${prefix}proof`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(500);
      expect(await cache.add('proof', 0.5)).toBe(false);
      await sleep(600);
      expect(await cache.add('proof', 0.5)).toBe(true);
    } finally {
      await cache.close();
      await inspect.close();
    }
  });

  it('answers as the core’s MemoryReplayCache does, for the same sequence of adds', async () => {
    const memory = new MemoryReplayCache();
    const redis = createRedisReplayCache({ url: server.url, prefix: `replay-same-${randomUUID()}:` });
    try {
      const sequence = ['a', 'b', 'a', 'c', 'b', 'a'];
      const answers = async (cache: ReplayCache) => {
        const out: boolean[] = [];
        for (const key of sequence) out.push(await cache.add(key, 60));
        return out;
      };
      expect(await answers(redis)).toEqual(await answers(memory));
    } finally {
      await redis.close();
    }
  });
});
