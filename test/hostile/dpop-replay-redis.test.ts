/**
 * DPoP replay across instances (RFC 9449 §11.1): two instances of one API, each its own verifier, share a replay
 * cache on a real redis-server. Of 20 parallel requests with one proof, spread over both, exactly one gets 200 —
 * through Express, Koa and Hono. And a Redis that stops answering makes DPoP requests 503, never a pass.
 */
import { randomUUID } from 'node:crypto';
import { createRedisReplayCache, type RedisReplayCache } from '@audguard/redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { proof } from '../../packages/core/test/dpop.js';
import { describeRedis, redisServerInstalled } from '../../packages/redis/test/describe-redis.js';
import { type RedisServer, startRedisServer } from '../../packages/redis/test/redis-server.js';
import { challenges } from '../dpop/challenge.js';
import { type DpopKit, dpopKit, htu, ROUTES, TARGETS, type Target } from '../dpop/world.js';
import type { AttackRequest } from './attacks/wire.js';

let redis: RedisServer;
let kit: DpopKit;
const caches: RedisReplayCache[] = [];

beforeAll(async () => {
  kit = await dpopKit();
  if (redisServerInstalled) redis = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(caches.map((cache) => cache.close()));
  await redis?.close();
});

function request(path: string = ROUTES.required): AttackRequest {
  const p = proof(kit.client, { htu: htu(path), token: kit.bound });
  return {
    path,
    headers: [
      ['Authorization', `DPoP ${kit.bound}`],
      ['DPoP', p],
    ],
  };
}

describeRedis('DPoP replay across two instances sharing Redis', () => {
  for (const [name, build] of TARGETS) {
    it(`${name}: of 20 parallel uses of one proof over two instances, exactly one 200`, async () => {
      const prefix = `dpop-${randomUUID()}:`;
      const cache = () => {
        const c = createRedisReplayCache({ url: redis.url, prefix });
        caches.push(c);
        return c;
      };
      const instances: Target[] = [await build(kit, cache()), await build(kit, cache())];
      try {
        for (const path of [ROUTES.required, ROUTES.allowed]) {
          const sent = request(path);
          const responses = await Promise.all(
            Array.from({ length: 20 }, (_, i) => (instances[i % 2] as Target).send(sent)),
          );
          const statuses = responses.map((r) => r.status);
          expect(
            statuses.filter((s) => s === 200),
            statuses.join(' '),
          ).toHaveLength(1);
          for (const refused of responses.filter((r) => r.status !== 200)) {
            expect(refused.status).toBe(401);
            expect(refused.json?.error).toBe('invalid_dpop_proof');
            expect(challenges(refused.headers['www-authenticate']).DPoP?.error).toBe('invalid_dpop_proof');
          }
          // A fresh proof still passes on either instance.
          expect((await (instances[1] as Target).send(request(path))).status).toBe(200);
        }
      } finally {
        await Promise.all(instances.map((instance) => instance.close()));
      }
    });
  }

  it('answers 503 with Retry-After while Redis does not answer, then recovers', async () => {
    const [, build] = TARGETS[0] as (typeof TARGETS)[number];
    const cache = createRedisReplayCache({
      url: redis.url,
      prefix: `dpop-${randomUUID()}:`,
      commandTimeout: 300,
    });
    caches.push(cache);
    const target = await build(kit, cache);
    try {
      expect((await target.send(request())).status).toBe(200);
      redis.pause();
      const started = Date.now();
      const down = await target.send(request());
      expect(Date.now() - started).toBeLessThan(2000);
      expect([down.status, down.headers['retry-after'], down.json?.error]).toEqual([
        503,
        '1',
        'temporarily_unavailable',
      ]);
      redis.resume();
      let status = 0;
      for (let i = 0; i < 20 && status !== 200; i++) {
        status = (await target.send(request())).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
    } finally {
      redis.resume();
      await target.close();
    }
  });
});
