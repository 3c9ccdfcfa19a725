/**
 * Self-service clients live in the store, so two instances on one real redis-server share them: a client that
 * registered at A signs in and redeems at B, and a metadata document A fetched is not fetched again by B while it
 * is cached. (Configured clients stay in each instance's configuration.)
 */
import { randomUUID } from 'node:crypto';
import { createRedisStore, type RedisStore } from '@audguard/redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type DocumentHost,
  publicClientDocument,
  startDocumentHost,
  TEST_CA,
} from '../../packages/authorization-server/test/document-host.js';
import { authorize, create, token } from '../../packages/authorization-server/test/helpers.js';
import { describeRedis, redisServerInstalled } from '../../packages/redis/test/describe-redis.js';
import { type RedisServer, startRedisServer } from '../../packages/redis/test/redis-server.js';

const REDIRECT = 'http://127.0.0.1:7777/callback';
let redis: RedisServer;
let host: DocumentHost;
const stores: RedisStore[] = [];

beforeAll(async () => {
  host = await startDocumentHost();
  if (redisServerInstalled) redis = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await redis?.close();
  await host.close();
});

async function twoInstances() {
  const prefix = `shared-clients-${randomUUID()}:`;
  const instance = () => {
    const store = createRedisStore({ url: redis.url, prefix, onError: () => {} });
    stores.push(store);
    return create({
      store,
      clientRegistration: { defaultApplicationType: 'native' },
      clientIdMetadataDocuments: { allowLoopback: true, ca: TEST_CA },
    });
  };
  return Promise.all([instance(), instance()]);
}

describeRedis('self-service clients shared through Redis', () => {
  it('a client registered at A authorizes and redeems at B', async () => {
    const [a, b] = await twoInstances();
    const res = await a.fetch(
      new Request(`${a.issuer}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }),
      }),
    );
    expect(res.status).toBe(201);
    const clientId = String(((await res.json()) as { client_id: string }).client_id);
    const { code, verifier } = await authorize(b, {
      client_id: clientId,
      redirect_uri: REDIRECT,
      scope: 'read',
    });
    const tokens = await token(a, {
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(tokens.status, tokens.text).toBe(200);
  });

  it('a metadata document fetched by A is not fetched again by B within its cache lifetime', async () => {
    const [a, b] = await twoInstances();
    const path = `/shared/${randomUUID()}.json`;
    const clientId = host.url(path);
    host.serve(path, {
      headers: { 'cache-control': 'max-age=600' },
      body: publicClientDocument(clientId, [REDIRECT]),
    });
    const { code, verifier } = await authorize(a, {
      client_id: clientId,
      redirect_uri: REDIRECT,
      scope: 'read',
    });
    const tokens = await token(b, {
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(tokens.status, tokens.text).toBe(200);
    await authorize(b, { client_id: clientId, redirect_uri: REDIRECT, scope: 'read' });
    expect(host.requests.filter((p) => p === path)).toHaveLength(1);
  });
});
