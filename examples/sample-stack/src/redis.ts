// The stack's two-instance mode: each authorization-server instance gets its own Redis connections (a store and a
// key store), so the instances share nothing but Redis — as they would in separate processes or machines.
import { randomBytes, randomUUID } from 'node:crypto';
import type { KeyStore, Store } from '@audguard/authorization-server';
import type { ReplayCache } from '@audguard/core';
import { createRedisKeyStore, createRedisReplayCache, createRedisStore } from '@audguard/redis';

export interface StackRedisOptions {
  /** `redis://…` */
  url: string;
  /**
   * 32 bytes that encrypt the signing keys at rest. Default: random for this run, under a prefix of its own — so a
   * restart of the stack starts with fresh keys. Give one (the same every time) to keep them across restarts.
   */
  encryptionKey?: Uint8Array;
}

export interface RedisState {
  /** Where the stack's keys live: `audguard-stack:`, or `audguard-stack:<run>:` with a key made for this run. */
  readonly prefix: string;
  /** Whether the encryption key was made for this run. */
  readonly ephemeralKey: boolean;
  /**
   * A store, a key store and a DPoP replay cache on new connections, for one instance, and the login-form secret
   * every instance shares (a form one instance renders is posted to whichever the front picks).
   */
  instance(): { store: Store; keyStore: KeyStore; replayCache: ReplayCache; interactionSecret: Uint8Array };
  /** Closes every connection handed out. */
  close(): Promise<void>;
}

export function redisState(options: StackRedisOptions): RedisState {
  const ephemeralKey = options.encryptionKey === undefined;
  const encryptionKey = options.encryptionKey ?? randomBytes(32);
  const prefix = ephemeralKey ? `audguard-stack:${randomUUID()}:` : 'audguard-stack:';
  const open: { close(): Promise<void> }[] = [];
  const interactionSecret = randomBytes(32);
  return {
    prefix,
    ephemeralKey,
    instance() {
      const store = createRedisStore({ url: options.url, prefix });
      const keyStore = createRedisKeyStore({ url: options.url, prefix, encryptionKey });
      const replayCache = createRedisReplayCache({ url: options.url, prefix });
      open.push(store, keyStore, replayCache);
      return { store, keyStore, replayCache, interactionSecret };
    },
    async close() {
      await Promise.all(open.splice(0).map((connection) => connection.close()));
    },
  };
}

/** AUDGUARD_REDIS_URL (and AUDGUARD_KEY_ENCRYPTION_KEY, base64 of 32 bytes), or `undefined`: one in-memory instance. */
export function redisFromEnv(env: NodeJS.ProcessEnv = process.env): StackRedisOptions | undefined {
  const url = env.AUDGUARD_REDIS_URL;
  if (url === undefined || url === '') return undefined;
  const key = env.AUDGUARD_KEY_ENCRYPTION_KEY;
  if (key === undefined || key === '') return { url };
  const encryptionKey = Buffer.from(key, 'base64');
  if (encryptionKey.length !== 32) {
    throw new Error(
      'AUDGUARD_KEY_ENCRYPTION_KEY must be 32 bytes in base64: make one with `openssl rand -base64 32`.',
    );
  }
  return { url, encryptionKey };
}
