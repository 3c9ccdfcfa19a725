import { decodeProtectedHeader, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { create, get, ISSUER, token, verify } from '../test/helpers.js';
import { type KeyStore, MemoryKeyStore, type StoredSigningKey } from './key-store.js';
import type { AuthorizationServer } from './server.js';

const credentials: [string, string] = ['client', 'secret'];
const ccToken = async (as: AuthorizationServer) =>
  String(
    (
      await token(
        as,
        { grant_type: 'client_credentials', scope: 'read', resource: 'urn:invoices' },
        credentials,
      )
    ).body.access_token,
  );
const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid;
const kids = async (as: AuthorizationServer) =>
  ((await get(as, `${ISSUER}/jwks`)).body.keys as JWK[]).map((key) => key.kid);

describe('a shared key store', () => {
  it('two servers on one key store sign with the same key and publish the same JWKS', async () => {
    const keyStore = new MemoryKeyStore();
    const [a, b] = [await create({ keyStore }), await create({ keyStore })];
    expect(kidOf(await ccToken(a))).toBe(kidOf(await ccToken(b)));
    expect(await kids(a)).toEqual(await kids(b));
    expect(await kids(a)).toHaveLength(1);
  });

  it('rotateKeys() on one is seen by the next request to the other: it signs with the new key, both publish both', async () => {
    const keyStore = new MemoryKeyStore();
    const [a, b] = [await create({ keyStore }), await create({ keyStore })];
    const before = kidOf(await ccToken(b));
    await a.rotateKeys();
    const after = kidOf(await ccToken(b));
    expect(after).not.toBe(before);
    expect(await kids(a)).toEqual([before, after]);
    expect(await kids(b)).toEqual([before, after]);
  });

  it('a server started again on the same key store keeps the keys: earlier tokens still verify', async () => {
    const keyStore = new MemoryKeyStore();
    const jwt = await ccToken(await create({ keyStore }));
    const restarted = await create({ keyStore });
    await verify(restarted, jwt);
    expect(kidOf(await ccToken(restarted))).toBe(kidOf(jwt));
  });

  it('of servers rotating at the same moment one key wins and all adopt it', async () => {
    const keyStore = new MemoryKeyStore();
    const servers = [await create({ keyStore }), await create({ keyStore }), await create({ keyStore })];
    await Promise.all(servers.map((as) => as.rotateKeys()));
    const signing = new Set(await Promise.all(servers.map(async (as) => kidOf(await ccToken(as)))));
    expect(signing.size).toBe(1);
    expect((await keyStore.load()).length).toBeGreaterThanOrEqual(2);
  });

  it('a configured algorithm unlike the stored key adds a key of that algorithm; the old one stays published', async () => {
    const keyStore = new MemoryKeyStore();
    const es = await create({ keyStore, signingAlgorithm: 'ES256' });
    const old = await ccToken(es);
    const rs = await create({ keyStore, signingAlgorithm: 'RS256' });
    expect(decodeProtectedHeader(await ccToken(rs)).alg).toBe('RS256');
    await verify(rs, old);
  });

  it('drops a retired key from the store once its tokens have expired, at the next rotation', async () => {
    let now = Date.now();
    const keyStore = new MemoryKeyStore();
    const as = await create({ keyStore, now: () => now, accessTokenLifetime: 60 });
    await as.rotateKeys();
    expect(await keyStore.load()).toHaveLength(2);
    now += 60_000;
    await as.rotateKeys();
    expect(await keyStore.load()).toHaveLength(2);
    expect(await kids(as)).toHaveLength(2);
  });

  it('starts again with a fresh key when the key store was emptied', async () => {
    const keyStore = new MemoryKeyStore();
    const as = await create({ keyStore });
    await keyStore.remove((await keyStore.load()).map((key) => key.kid));
    const jwt = await ccToken(as);
    await verify(as, jwt);
    expect(await keyStore.load()).toHaveLength(1);
  });

  it('refuses at start a stored key that is not the key its kid names', async () => {
    const keyStore = new MemoryKeyStore();
    await create({ keyStore });
    const [real] = await keyStore.load();
    const forged: KeyStore = {
      load: async () => [{ ...(real as StoredSigningKey), kid: 'attacker-chosen' }],
      add: async () => false,
      remove: async () => {},
    };
    await expect(create({ keyStore: forged })).rejects.toThrow(/not the key its kid names/);
  });
});

describe('storage failures', () => {
  const down = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { temporary: true });

  it('a key store that fails temporarily is answered 503 temporarily_unavailable with Retry-After, never 500', async () => {
    const keyStore = new MemoryKeyStore();
    let failing = false;
    const flaky: KeyStore = {
      load: () => (failing ? Promise.reject(down()) : keyStore.load()),
      add: (key, expected) => keyStore.add(key, expected),
      remove: (kids) => keyStore.remove(kids),
    };
    const as = await create({ keyStore: flaky });
    failing = true;
    for (const reply of [
      await token(as, { grant_type: 'client_credentials', scope: 'read' }, credentials),
      await get(as, `${ISSUER}/jwks`),
    ]) {
      expect(reply.status).toBe(503);
      expect(reply.headers.get('retry-after')).toBe('1');
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(reply.body.error).toBe('temporarily_unavailable');
      expect(reply.text).not.toContain('ECONNREFUSED');
    }
    failing = false;
    expect((await token(as, { grant_type: 'client_credentials', scope: 'read' }, credentials)).status).toBe(
      200,
    );
  });

  it('a store that fails temporarily is answered 503 with the Retry-After it names', async () => {
    const error = Object.assign(down(), { retryAfter: 4.2 });
    const fail = () => Promise.reject(error);
    const as = await create({
      store: { set: fail, get: fail, consume: fail, delete: fail, increment: fail },
    });
    const reply = await token(as, { grant_type: 'refresh_token', refresh_token: 'x' }, credentials);
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('5');
    expect(reply.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'The server cannot reach its storage; try again shortly.',
    });
  });

  it('a key store unreachable at start makes createAuthorizationServer reject, naming the cause', async () => {
    const fail = () => Promise.reject(down());
    await expect(create({ keyStore: { load: fail, add: fail, remove: fail } })).rejects.toThrow(
      /keyStore\.load\(\) failed: connect ECONNREFUSED/,
    );
  });

  it('refuses a keyStore without the KeyStore methods, naming the field', async () => {
    await expect(create({ keyStore: { load: async () => [] } as unknown as KeyStore })).rejects.toThrow(
      /^keyStore: it has no add\(\) method/,
    );
  });
});
