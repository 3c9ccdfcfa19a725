// The sample stack's two-instance mode (AUDGUARD_REDIS_URL): the whole walkthrough holds with two authorization-
// server instances on Redis behind the one issuer URL, and both instances take part.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { redisFromEnv } from '../../examples/sample-stack/src/redis.js';
import { type Stack, startStack } from '../../examples/sample-stack/src/stack.js';
import { runWalkthrough } from '../../examples/sample-stack/src/walkthrough.js';
import type { RedisServer } from '../../packages/redis/test/redis-server.js';
import { describeRedis, redisServerInstalled, startRedisServer } from './cluster.js';

let server: RedisServer;
let stack: Stack | undefined;
const ports = { as: 0, orders: 0, invoices: 0, inventory: 0, shipments: 0, ledger: 0 };
const quiet = { step: () => {}, check: () => {}, matrix: () => {} };

beforeAll(async () => {
  if (redisServerInstalled) server = await startRedisServer();
});
afterAll(async () => {
  await stack?.close();
  await server?.close();
});

describeRedis('sample stack on Redis', () => {
  it('runs the whole walkthrough on two instances behind one issuer, both answering', async () => {
    stack = await startStack({ ports, redis: { url: server.url, encryptionKey: randomBytes(32) } });
    expect(stack.authorizationServers).toHaveLength(2);
    expect(stack.redis?.prefix).toBe('audguard-stack:');
    const result = await runWalkthrough(stack, quiet);
    expect(result.checks.filter((check) => !check.ok)).toEqual([]);
    expect(result.checks.length).toBeGreaterThan(10);
    const instances = new Set<string | null>();
    for (let i = 0; i < 4; i++) {
      instances.add((await fetch(`${stack.urls.as}/jwks`)).headers.get('x-audguard-instance'));
    }
    expect([...instances].sort()).toEqual(['1', '2']);
  });
});

it('reads the two-instance mode from the environment, and refuses an encryption key that is not 32 bytes', () => {
  expect(redisFromEnv({})).toBeUndefined();
  expect(redisFromEnv({ AUDGUARD_REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual({
    url: 'redis://127.0.0.1:6379',
  });
  const key = randomBytes(32);
  expect(
    redisFromEnv({ AUDGUARD_REDIS_URL: 'redis://h', AUDGUARD_KEY_ENCRYPTION_KEY: key.toString('base64') }),
  ).toEqual({ url: 'redis://h', encryptionKey: key });
  expect(() =>
    redisFromEnv({
      AUDGUARD_REDIS_URL: 'redis://h',
      AUDGUARD_KEY_ENCRYPTION_KEY: randomBytes(16).toString('base64'),
    }),
  ).toThrow(/32 bytes in base64/);
});
