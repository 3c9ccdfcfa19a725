// The reference authorization server's token endpoint (client_credentials), in memory and on Redis (store + key
// store), over HTTP on loopback, in alternating rounds. Run from the repository root:
//   npx tsx --conditions=@audguard/source packages/redis/scripts/throughput.ts
// It starts its own redis-server (or uses AUDGUARD_REDIS_URL) and prints requests per second, CPU per request and
// the ratios. The load runs in the same process as the server, as the bench's probes do on a 2-core machine.
import { randomBytes } from 'node:crypto';
import {
  type AuthorizationServerConfig,
  createAuthorizationServer,
  type SigningAlgorithm,
} from '@audguard/authorization-server';
import { createRedisKeyStore, createRedisStore } from '@audguard/redis';
import { startRedisServer } from '../test/redis-server.js';

const SECONDS = Number(process.env.SECONDS ?? 2);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const WARMUP_SECONDS = 2;

const config = (signingAlgorithm: SigningAlgorithm): AuthorizationServerConfig => ({
  resources: [{ id: 'urn:bench', scopes: ['read'] }],
  clients: [
    { clientId: 'bench', clientSecret: 'bench-secret', grantTypes: ['client_credentials'], scopes: ['read'] },
  ],
  signingAlgorithm,
});

/** Requests per second of `/token` at `url` with CONCURRENCY clients for `seconds`; every answer must be 200. */
async function load(url: string, seconds: number): Promise<number> {
  const headers = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Authorization: `Basic ${Buffer.from('bench:bench-secret').toString('base64')}`,
  };
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const response = await fetch(`${url}/token`, {
          method: 'POST',
          headers,
          body: 'grant_type=client_credentials',
        });
        if (response.status !== 200)
          throw new Error(`/token answered ${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
        done++;
      }
    }),
  );
  return done / seconds;
}

interface Target {
  url: string;
  close(): Promise<void>;
}

async function start(signingAlgorithm: SigningAlgorithm, redisUrl: string | undefined): Promise<Target> {
  const connection = redisUrl === undefined ? undefined : { url: redisUrl, prefix: `bench-${Date.now()}:` };
  const store = connection && createRedisStore(connection);
  const keyStore = connection && createRedisKeyStore({ ...connection, encryptionKey: randomBytes(32) });
  const as = await createAuthorizationServer({
    ...config(signingAlgorithm),
    ...(store === undefined ? {} : { store }),
    ...(keyStore === undefined ? {} : { keyStore }),
  });
  const listener = await as.listen();
  return {
    url: listener.url,
    close: async () => {
      await listener.close();
      await Promise.all([store?.close(), keyStore?.close()]);
    },
  };
}

/** Requests per second and this process's CPU microseconds per request (redis-server's own CPU not included). */
async function round(target: Target, seconds: number): Promise<{ rps: number; cpu: number }> {
  const before = process.cpuUsage();
  const rps = await load(target.url, seconds);
  const used = process.cpuUsage(before);
  return { rps, cpu: (used.user + used.system) / (rps * seconds) };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const server = process.env.AUDGUARD_REDIS_URL === undefined ? await startRedisServer() : undefined;
const redisUrl = process.env.AUDGUARD_REDIS_URL ?? (server?.url as string);
try {
  console.log(
    `POST /token client_credentials over loopback HTTP, ${CONCURRENCY} concurrent clients, ${ROUNDS} alternating ` +
      `rounds of ${SECONDS} s per store (medians; ratio = redis / memory)\n`,
  );
  console.log('alg     memory req/s   redis req/s   throughput ratio   CPU µs/req memory   redis   ratio');
  for (const alg of ['RS256', 'ES256'] as const) {
    const memory = await start(alg, undefined);
    const redis = await start(alg, redisUrl);
    try {
      await load(memory.url, WARMUP_SECONDS);
      await load(redis.url, WARMUP_SECONDS);
      const results = {
        memory: [] as { rps: number; cpu: number }[],
        redis: [] as { rps: number; cpu: number }[],
      };
      for (let i = 0; i < ROUNDS; i++) {
        // Alternate which goes first, so drift in the machine's load falls on both alike.
        const order = i % 2 === 0 ? (['memory', 'redis'] as const) : (['redis', 'memory'] as const);
        for (const name of order)
          results[name].push(await round(name === 'memory' ? memory : redis, SECONDS));
      }
      const rps = (name: 'memory' | 'redis') => median(results[name].map((r) => r.rps));
      const cpu = (name: 'memory' | 'redis') => median(results[name].map((r) => r.cpu));
      const ratios = results.redis.map((r, i) => r.rps / (results.memory[i]?.rps ?? Number.NaN));
      console.log(
        `${alg.padEnd(7)} ${rps('memory').toFixed(0).padStart(12)}   ${rps('redis').toFixed(0).padStart(11)}   ` +
          `${median(ratios).toFixed(2).padStart(16)}   ${cpu('memory').toFixed(0).padStart(17)}   ` +
          `${cpu('redis').toFixed(0).padStart(5)}   ${(cpu('redis') / cpu('memory')).toFixed(2).padStart(5)}`,
      );
    } finally {
      await Promise.all([memory.close(), redis.close()]);
    }
  }
} finally {
  await server?.close();
}
