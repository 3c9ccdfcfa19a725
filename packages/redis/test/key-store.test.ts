import { randomBytes, randomUUID } from 'node:crypto';
import type { StoredSigningKey } from '@audguard/authorization-server';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from '../../authorization-server/test/helpers.js';
import { createRedisKeyStore, type RedisKeyStore } from '../src/index.js';
import { describeRedis, redisServerInstalled } from './describe-redis.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

let server: RedisServer;
let inspect: ReturnType<typeof createClient>;
const open: RedisKeyStore[] = [];

beforeAll(async () => {
  if (!redisServerInstalled) return;
  server = await startRedisServer();
  inspect = createClient({ url: server.url });
  inspect.on('error', () => {});
  await inspect.connect();
});
afterAll(async () => {
  await Promise.all(open.map((store) => store.close()));
  await inspect?.close();
  await server?.close();
});

function keyStore(prefix: string, encryptionKey: Uint8Array): RedisKeyStore {
  const store = createRedisKeyStore({ url: server.url, prefix, encryptionKey });
  open.push(store);
  return store;
}

/** Every string Redis holds under `prefix`, whatever the key's type. */
async function everythingUnder(prefix: string): Promise<string[]> {
  const values: string[] = [];
  for (const key of await inspect.keys(`${prefix}*`)) {
    values.push(key);
    const type = await inspect.type(key);
    if (type === 'string') values.push(String(await inspect.get(key)));
    else if (type === 'list') values.push(...(await inspect.lRange(key, 0, -1)));
    else throw new Error(`unexpected ${type} at ${key}`);
  }
  return values;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

describe('encryptionKey', () => {
  it.each([
    ['31 bytes', randomBytes(31)],
    ['33 bytes', randomBytes(33)],
    ['a string', 'x'.repeat(32)],
    ['missing', undefined],
  ])('refuses %s, saying what to give', (_, encryptionKey) => {
    expect(() =>
      createRedisKeyStore({ url: 'redis://127.0.0.1:1', encryptionKey: encryptionKey as Uint8Array }),
    ).toThrow(/encryptionKey must be (32 bytes|a Uint8Array).*give 32 random bytes/);
  });
});

describeRedis('RedisKeyStore', () => {
  it('holds no private key material in Redis: only kid, alg, createdAt and AES-256-GCM ciphertext', async () => {
    const prefix = `at-rest-${randomUUID()}:`;
    const encryptionKey = randomBytes(32);
    const store = keyStore(prefix, encryptionKey);
    const as = await create({ keyStore: store, signingAlgorithm: 'RS256' });
    await as.rotateKeys();
    const stored = await store.load();
    expect(stored).toHaveLength(2);

    const held = (await everythingUnder(prefix)).join('\n');
    expect(await inspect.keys(`${prefix}*`)).toEqual(
      expect.arrayContaining([`${prefix}{signing-keys}:list`, `${prefix}{signing-keys}:version`]),
    );
    for (const key of stored) {
      for (const member of PRIVATE_MEMBERS) {
        const value = key.privateJwk[member];
        expect(typeof value).toBe('string');
        expect(held).not.toContain(value);
        // Nor any 16-character stretch of it, in case of a re-encoding.
        expect(held).not.toContain(String(value).slice(20, 36));
      }
      expect(held).toContain(key.kid);
    }
    expect(held).not.toMatch(/"(d|p|q|dp|dq|qi|n)"\s*:/);
    expect(held).not.toContain(encryptionKey.toString('base64'));
    const [entry] = await inspect.lRange(`${prefix}{signing-keys}:list`, 0, 0);
    expect(Object.keys(JSON.parse(String(entry))).sort()).toEqual([
      'alg',
      'createdAt',
      'ek',
      'key',
      'kid',
      'v',
    ]);
  });

  it('another encryptionKey cannot read the keys: the server refuses to start, saying why', async () => {
    const prefix = `wrong-key-${randomUUID()}:`;
    await create({ keyStore: keyStore(prefix, randomBytes(32)) });
    await expect(create({ keyStore: keyStore(prefix, randomBytes(32)) })).rejects.toThrow(
      /encrypted with another encryptionKey.*Every instance needs the same encryptionKey/,
    );
  });

  it('an altered ciphertext, or one moved to another entry, does not decrypt', async () => {
    const encryptionKey = randomBytes(32);
    const list = (prefix: string) => `${prefix}{signing-keys}:list`;

    const altered = `altered-${randomUUID()}:`;
    await create({ keyStore: keyStore(altered, encryptionKey) });
    const [raw] = await inspect.lRange(list(altered), 0, 0);
    const entry = JSON.parse(String(raw));
    entry.key = entry.key.replace(/\.(.)/, (_: string, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    await inspect.lSet(list(altered), 0, JSON.stringify(entry));
    await expect(keyStore(altered, encryptionKey).load()).rejects.toThrow(/does not decrypt/);

    const moved = `moved-${randomUUID()}:`;
    await create({ keyStore: keyStore(moved, encryptionKey) });
    const [original] = await inspect.lRange(list(moved), 0, 0);
    await inspect.lSet(list(moved), 0, JSON.stringify({ ...JSON.parse(String(original)), createdAt: 1 }));
    await expect(keyStore(moved, encryptionKey).load()).rejects.toThrow(/does not decrypt/);
  });

  it('load() answers the same list while nothing changed, and the new one after a change elsewhere', async () => {
    const prefix = `version-${randomUUID()}:`;
    const encryptionKey = randomBytes(32);
    const [a, b] = [keyStore(prefix, encryptionKey), keyStore(prefix, encryptionKey)];
    await create({ keyStore: a });
    const first = await b.load();
    expect(await b.load()).toBe(first);
    const [key] = first as [StoredSigningKey];
    expect(await a.add({ ...key, kid: 'next', createdAt: key.createdAt + 1 }, key.kid)).toBe(true);
    const second = await b.load();
    expect(second.map((k) => k.kid)).toEqual([key.kid, 'next']);
    expect(second[0]).toBe(first[0]); // an entry already decrypted is not decrypted again
  });

  it('add is a compare-and-append: against a stale current key it adds nothing', async () => {
    const prefix = `cas-${randomUUID()}:`;
    const store = keyStore(prefix, randomBytes(32));
    await create({ keyStore: store });
    const [key] = (await store.load()) as [StoredSigningKey];
    const results = await Promise.all(
      ['x', 'y', 'z'].map((kid) => store.add({ ...key, kid, createdAt: key.createdAt + 1 }, key.kid)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.add({ ...key, kid: 'late' }, undefined)).toBe(false);
    expect(await store.load()).toHaveLength(2);
    await store.remove(['x', 'y', 'z', 'never-there']);
    expect((await store.load()).map((k) => k.kid)).toEqual([key.kid]);
  });
});
