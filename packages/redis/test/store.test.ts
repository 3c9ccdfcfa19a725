import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeStoreContract } from '../../authorization-server/test/store-contract.js';
import { createRedisStore } from '../src/index.js';
import { describeRedis, redisServerInstalled } from './describe-redis.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

let server: RedisServer;
let inspect: ReturnType<typeof createClient>;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  if (!redisServerInstalled) return;
  server = await startRedisServer();
  inspect = createClient({ url: server.url });
  inspect.on('error', () => {});
  await inspect.connect();
});
afterAll(async () => {
  await inspect?.close();
  await server?.close();
});

describeRedis('RedisStore', () => {
  // `describeStoreContract` declares its suite inside this one, so it only runs with a real redis-server.
  describeStoreContract('RedisStore', () => {
    const store = createRedisStore({ url: server.url, prefix: `contract-${randomUUID()}:` });
    return { store, advance: (seconds) => sleep(seconds * 1000), close: () => store.close() };
  });

  it('keeps every key under its prefix, with the ttl the server asked for', async () => {
    const prefix = `layout-${randomUUID()}:`;
    const store = createRedisStore({ url: server.url, prefix });
    try {
      await store.set('code:abc', '{"grantId":"g"}', 60);
      expect(await inspect.get(`${prefix}code:abc`)).toBe('{"grantId":"g"}');
      const ttl = await inspect.pTTL(`${prefix}code:abc`);
      expect(ttl).toBeGreaterThan(59_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      expect(await inspect.keys(`${prefix}*`)).toEqual([`${prefix}code:abc`]);
      expect(await inspect.exists('code:abc')).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('an increment window gets its expiry in the same script; later increments leave it', async () => {
    const prefix = `incr-${randomUUID()}:`;
    const store = createRedisStore({ url: server.url, prefix });
    try {
      expect(await store.increment('attempts:x', 30)).toBe(1);
      const first = await inspect.pTTL(`${prefix}attempts:x`);
      expect(first).toBeGreaterThan(29_000);
      await sleep(1100);
      expect(await store.increment('attempts:x', 30)).toBe(2);
      expect(await inspect.pTTL(`${prefix}attempts:x`)).toBeLessThan(first - 1000);
    } finally {
      await store.close();
    }
  });

  it('falls back from EVALSHA to EVAL when Redis has forgotten the script (SCRIPT FLUSH)', async () => {
    const store = createRedisStore({ url: server.url, prefix: `flush-${randomUUID()}:` });
    try {
      expect(await store.increment('n', 60)).toBe(1);
      await inspect.scriptFlush();
      expect(await store.increment('n', 60)).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('works on a client you pass, and close() leaves that client open', async () => {
    const client = createClient({ url: server.url });
    client.on('error', () => {});
    await client.connect();
    const prefix = `own-${randomUUID()}:`;
    const store = createRedisStore({ client, prefix });
    await store.set('k', 'v', 60);
    expect(await store.consume('k')).toBe('v');
    await store.close();
    expect(client.isReady).toBe(true);
    expect(await client.ping()).toBe('PONG');
    await client.close();
  });

  it('two stores on one database, in two connections, see one state: one consume wins across both', async () => {
    const prefix = `shared-${randomUUID()}:`;
    const [a, b] = [
      createRedisStore({ url: server.url, prefix }),
      createRedisStore({ url: server.url, prefix }),
    ];
    try {
      await a.set('rt:x', 'grant', 60);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).consume('rt:x')),
      );
      expect(results.filter((value) => value === 'grant')).toHaveLength(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

it('refuses bad options with a message that says what to fix', () => {
  expect(() => createRedisStore({} as never)).toThrow(/give exactly one of url/);
  expect(() => createRedisStore({ url: 'http://localhost:6379' })).toThrow(/redis:\/\/ or rediss:\/\//);
  expect(() => createRedisStore({ url: 'redis://x', prefix: 7 as never })).toThrow(/prefix must be a string/);
  expect(() => createRedisStore({ url: 'redis://x', commandTimeout: 0 })).toThrow(/commandTimeout/);
  expect(() => createRedisStore({ client: createClient() })).toThrow(/connect\(\) was called/);
});
