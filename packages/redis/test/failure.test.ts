// When Redis is not there: every call fails within its bound with a temporary RedisUnavailableError, nothing is
// queued for later, the client's error events never crash the process, and service resumes by itself.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createRedisStore, RedisUnavailableError } from '../src/index.js';
import { describeRedis, redisServerInstalled } from './describe-redis.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

let server: RedisServer;
const TIMEOUT = 300;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  if (redisServerInstalled) server = await startRedisServer();
});
afterAll(() => server?.close());

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function timed<T>(promise: Promise<T>): Promise<{ ms: number; error: unknown }> {
  const start = performance.now();
  try {
    await promise;
    return { ms: performance.now() - start, error: undefined };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

function expectUnavailable(error: unknown): void {
  expect(error).toBeInstanceOf(RedisUnavailableError);
  expect(error).toMatchObject({ temporary: true, retryAfter: 1 });
}

it('with nothing listening: calls fail within the bound, and the error events go to onError, not a crash', async () => {
  const errors: Error[] = [];
  const store = createRedisStore({
    url: `redis://127.0.0.1:${await deadPort()}`,
    commandTimeout: TIMEOUT,
    onError: (error) => errors.push(error),
  });
  try {
    for (let i = 0; i < 5; i++) {
      const { ms, error } = await timed(store.get('k'));
      expectUnavailable(error);
      expect(ms).toBeLessThan(TIMEOUT + 200);
    }
    await sleep(300); // a few reconnection attempts, each an error event
    expect(errors.length).toBeGreaterThan(1);
    expect(errors.every((error) => error instanceof Error)).toBe(true);
  } finally {
    await store.close();
  }
});

it('by default logs the first error of an outage once, not every reconnection attempt', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const store = createRedisStore({ url: `redis://127.0.0.1:${await deadPort()}`, commandTimeout: TIMEOUT });
  try {
    await sleep(600);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/^createRedisStore: Redis error: /);
  } finally {
    await store.close();
    warn.mockRestore();
  }
});

describeRedis('an outage of a real redis-server', () => {
  it('a client you pass without an error listener gets one: its connection dropping does not crash the process', async () => {
    const client = createClient({ url: server.url });
    await client.connect();
    expect(client.listenerCount('error')).toBe(0);
    const errors: Error[] = [];
    const store = createRedisStore({ client, commandTimeout: TIMEOUT, onError: (e) => errors.push(e) });
    expect(client.listenerCount('error')).toBe(1);
    await store.set('k', 'v', 60);
    await server.stop();
    try {
      await sleep(200);
      expect(errors.length).toBeGreaterThan(0);
      expectUnavailable((await timed(store.get('k'))).error);
    } finally {
      await server.start();
    }
    await vi.waitFor(async () => expect(await store.get('k')).toBe('v'), { timeout: 5000, interval: 100 });
    await store.close();
    expect(client.listenerCount('error')).toBe(0);
    client.on('error', () => {});
    await client.close();
  });

  it('stopped: calls fail fast (nothing queued), and once it is back the store resumes by itself, data intact', async () => {
    const prefix = `outage-${randomUUID()}:`;
    const store = createRedisStore({ url: server.url, prefix, commandTimeout: TIMEOUT, onError: () => {} });
    try {
      await store.set('grant:1', 'kept', 600);
      await server.stop();
      await sleep(100);
      const attempts = await Promise.all(Array.from({ length: 10 }, () => timed(store.consume('grant:1'))));
      for (const { ms, error } of attempts) {
        expectUnavailable(error);
        expect(ms).toBeLessThan(TIMEOUT + 200);
      }
      await server.start();
      // A consume refused while Redis was down was never sent, so it cannot take the value later.
      await vi.waitFor(async () => expect(await store.get('grant:1')).toBe('kept'), {
        timeout: 5000,
        interval: 100,
      });
      expect(await store.consume('grant:1')).toBe('kept');
      expect(await store.consume('grant:1')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('frozen (SIGSTOP): each call fails within the bound instead of hanging, and resumes after SIGCONT', async () => {
    const store = createRedisStore({
      url: server.url,
      prefix: `frozen-${randomUUID()}:`,
      commandTimeout: TIMEOUT,
    });
    try {
      await store.set('k', 'v', 60);
      server.pause();
      const attempts = await Promise.all(Array.from({ length: 5 }, () => timed(store.get('k'))));
      for (const { ms, error } of attempts) {
        expectUnavailable(error);
        expect(ms).toBeGreaterThanOrEqual(TIMEOUT - 20);
        expect(ms).toBeLessThan(TIMEOUT + 200);
      }
    } finally {
      server.resume();
    }
    expect(await store.get('k')).toBe('v');
    await store.close();
  });

  it('an error reply that is a bug (WRONGTYPE) is not dressed up as an outage', async () => {
    const prefix = `wrongtype-${randomUUID()}:`;
    const inspect = createClient({ url: server.url });
    inspect.on('error', () => {});
    await inspect.connect();
    await inspect.rPush(`${prefix}k`, 'x');
    const store = createRedisStore({ url: server.url, prefix });
    try {
      const { error } = await timed(store.get('k'));
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(RedisUnavailableError);
      expect((error as Error).message).toMatch(/^WRONGTYPE/);
    } finally {
      await store.close();
      await inspect.close();
    }
  });
});
