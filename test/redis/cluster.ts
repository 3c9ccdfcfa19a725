// Two authorization-server instances sharing one real redis-server, behind one issuer URL: a loopback HTTP front
// (the sample stack's round-robin) whose URL is every instance's issuer. Tests talk to an instance directly
// (`token(a, …)`: "at A") or through the front, as a resource server does.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthorizationServer } from '@audguard/authorization-server';
import { createRedisKeyStore, createRedisStore, type RedisKeyStore, type RedisStore } from '@audguard/redis';
import { getRequestListener } from '@hono/node-server';
import { roundRobin } from '../../examples/sample-stack/src/round-robin.js';
import { create } from '../../packages/authorization-server/test/helpers.js';

export { describeRedis, redisServerInstalled } from '../../packages/redis/test/describe-redis.js';
export { type RedisServer, startRedisServer } from '../../packages/redis/test/redis-server.js';

export interface Instance {
  readonly as: AuthorizationServer;
  readonly store: RedisStore;
  readonly keyStore: RedisKeyStore;
}

export interface Cluster {
  /** The front's URL: the issuer of every instance. */
  readonly issuer: string;
  readonly instances: readonly [Instance, Instance];
  /** Instance A and B. */
  readonly a: AuthorizationServer;
  readonly b: AuthorizationServer;
  /** Closes both instances' connections and starts two new ones on the same Redis, prefix and encryption key. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  url: string;
  /** Per Redis call, ms. Default is the package's (1000). */
  commandTimeout?: number;
  accessTokenLifetime?: number;
}

/** Two instances on one Redis (a fresh prefix per cluster, so clusters never see each other's keys). */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const prefix = `cluster-${randomUUID()}:`;
  const encryptionKey = randomBytes(32);
  const connection = {
    url: options.url,
    prefix,
    onError: () => {},
    ...(options.commandTimeout === undefined ? {} : { commandTimeout: options.commandTimeout }),
  };
  let instances: [Instance, Instance];
  const front: Server = createServer(getRequestListener(roundRobin(() => instances.map((i) => i.as))));
  front.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;

  const instance = async (): Promise<Instance> => {
    const store = createRedisStore(connection);
    const keyStore = createRedisKeyStore({ ...connection, encryptionKey });
    const as = await create({
      issuer,
      store,
      keyStore,
      ...(options.accessTokenLifetime === undefined
        ? {}
        : { accessTokenLifetime: options.accessTokenLifetime }),
    });
    return { as, store, keyStore };
  };
  const stop = (i: Instance) => Promise.all([i.store.close(), i.keyStore.close()]);
  instances = [await instance(), await instance()];

  return {
    issuer,
    get instances() {
      return instances;
    },
    get a() {
      return instances[0].as;
    },
    get b() {
      return instances[1].as;
    },
    async restart() {
      await Promise.all(instances.map(stop));
      instances = [await instance(), await instance()];
    },
    async close() {
      await Promise.all(instances.map(stop));
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
    },
  };
}
