// Two authorization-server instances on one real redis-server, behind one issuer: every single-use and reuse rule
// holds across them, they sign and publish alike, and a restart of both keeps what was issued.
import { createVerifier } from '@audguard/core';
import { decodeProtectedHeader, type JWK } from 'jose';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  type Answer,
  authorize,
  CALLBACK,
  post,
  token,
} from '../../packages/authorization-server/test/helpers.js';
import type { RedisServer } from '../../packages/redis/test/redis-server.js';
import {
  type Cluster,
  describeRedis,
  redisServerInstalled,
  startCluster,
  startRedisServer,
} from './cluster.js';

let server: RedisServer;
let inspect: ReturnType<typeof createClient>;
let cluster: Cluster;
const client: [string, string] = ['client', 'secret'];
type AS = Cluster['a'];

beforeAll(async () => {
  if (!redisServerInstalled) return;
  server = await startRedisServer();
  inspect = createClient({ url: server.url });
  inspect.on('error', () => {});
  await inspect.connect();
});
afterEach(() => cluster?.close());
afterAll(async () => {
  await inspect?.close();
  await server?.close();
});

const redeem = (as: AS, code: string, verifier: string) =>
  token(
    as,
    { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier },
    client,
  );
const refresh = (as: AS, refreshToken: unknown) =>
  token(as, { grant_type: 'refresh_token', refresh_token: String(refreshToken) }, client);
const jti = (jwt: unknown) =>
  JSON.parse(Buffer.from(String(jwt).split('.')[1] ?? '', 'base64url').toString()).jti;
const kidOf = (jwt: unknown) => decodeProtectedHeader(String(jwt)).kid;
const jwks = async (as: AS) =>
  ((await (await as.fetch(new Request(`${as.issuer}/jwks`))).json()) as { keys: JWK[] }).keys.map(
    (k) => k.kid,
  );
/** Whether Redis holds the revocation of this access token (what a resource server sharing the store would read). */
const revoked = async (jwt: unknown) => (await inspect.keys(`*revoked:${jti(jwt)}`)).length === 1;

function expectInvalidGrant(answer: Answer): void {
  expect(answer.status).toBe(400);
  expect(answer.body.error).toBe('invalid_grant');
}

describeRedis('two instances on Redis', () => {
  it('a code issued by A is redeemed at B; a replay at A then fails and revokes what B issued', async () => {
    cluster = await startCluster({ url: server.url });
    const { a, b } = cluster;
    const { code, verifier } = await authorize(a, { scope: 'read offline_access' });
    const atB = await redeem(b, code, verifier);
    expect(atB.status).toBe(200);
    expect(await revoked(atB.body.access_token)).toBe(false);

    expectInvalidGrant(await redeem(a, code, verifier));
    expect(await revoked(atB.body.access_token)).toBe(true);
    expectInvalidGrant(await refresh(b, atB.body.refresh_token));
    expectInvalidGrant(await refresh(a, atB.body.refresh_token));
  });

  it('of 20 concurrent redemptions of one code across both instances exactly one wins, and its grant lives', async () => {
    cluster = await startCluster({ url: server.url });
    const { a, b } = cluster;
    const { code, verifier } = await authorize(b, { scope: 'read offline_access' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => redeem(i % 2 ? a : b, code, verifier)),
    );
    const won = results.filter((answer) => answer.status === 200);
    expect(won).toHaveLength(1);
    for (const lost of results.filter((answer) => answer.status !== 200)) expectInvalidGrant(lost);
    expect(await revoked(won[0]?.body.access_token)).toBe(false);
    expect((await refresh(a, won[0]?.body.refresh_token)).status).toBe(200);
  });

  it('of 20 concurrent refreshes with one token across both exactly one wins; a later reuse revokes the family', async () => {
    cluster = await startCluster({ url: server.url });
    const { a, b } = cluster;
    const { code, verifier } = await authorize(a, { scope: 'read offline_access' });
    const first = await redeem(a, code, verifier);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => refresh(i % 2 ? a : b, first.body.refresh_token)),
    );
    const won = results.filter((answer) => answer.status === 200);
    expect(won).toHaveLength(1);
    for (const lost of results.filter((answer) => answer.status !== 200)) expectInvalidGrant(lost);
    expect(await revoked(won[0]?.body.access_token)).toBe(false);

    expectInvalidGrant(await refresh(b, first.body.refresh_token));
    expect(await revoked(won[0]?.body.access_token)).toBe(true);
    expectInvalidGrant(await refresh(a, won[0]?.body.refresh_token));
  });

  it('a refresh token rotated at A and reused at B revokes the family at both', async () => {
    cluster = await startCluster({ url: server.url });
    const { a, b } = cluster;
    const { code, verifier } = await authorize(a, { scope: 'read offline_access' });
    const first = await redeem(a, code, verifier);
    const rotated = await refresh(a, first.body.refresh_token);
    expect(rotated.status).toBe(200);

    expectInvalidGrant(await refresh(b, first.body.refresh_token));
    expectInvalidGrant(await refresh(a, rotated.body.refresh_token));
    expectInvalidGrant(await refresh(b, rotated.body.refresh_token));
    expect(await revoked(first.body.access_token)).toBe(true);
    expect(await revoked(rotated.body.access_token)).toBe(true);
  });

  it('a token revoked at one instance is refused by both', async () => {
    cluster = await startCluster({ url: server.url });
    const { a, b } = cluster;
    const { code, verifier } = await authorize(a, { scope: 'read offline_access' });
    const issued = await redeem(b, code, verifier);
    expect((await post(a, '/revoke', { token: String(issued.body.refresh_token) }, client)).status).toBe(200);
    expectInvalidGrant(await refresh(a, issued.body.refresh_token));
    expectInvalidGrant(await refresh(b, issued.body.refresh_token));
    expect(await revoked(issued.body.access_token)).toBe(true);

    const cc = await token(b, { grant_type: 'client_credentials', scope: 'read' }, client);
    expect((await post(a, '/revoke', { token: String(cc.body.access_token) }, client)).status).toBe(200);
    expect(await revoked(cc.body.access_token)).toBe(true);
  });

  it('rotateKeys() on A: B signs with the new key at its next request, and both JWKS list old and new', async () => {
    cluster = await startCluster({ url: server.url });
    const { a, b } = cluster;
    const cc = (as: AS) => token(as, { grant_type: 'client_credentials', scope: 'read' }, client);
    const before = kidOf((await cc(b)).body.access_token);
    expect(kidOf((await cc(a)).body.access_token)).toBe(before);
    await a.rotateKeys();
    const after = kidOf((await cc(b)).body.access_token);
    expect(after).not.toBe(before);
    expect(kidOf((await cc(a)).body.access_token)).toBe(after);
    expect(await jwks(a)).toEqual([before, after]);
    expect(await jwks(b)).toEqual([before, after]);
  });

  it('restart both: tokens issued before still verify at a resource server, grants still refresh', async () => {
    cluster = await startCluster({ url: server.url });
    const resourceServer = () => createVerifier({ issuer: cluster.issuer, audience: 'urn:invoices' });
    const { code, verifier } = await authorize(cluster.a, { scope: 'read offline_access' });
    const issued = await redeem(cluster.b, code, verifier);
    const cc = await token(
      cluster.a,
      { grant_type: 'client_credentials', scope: 'read', resource: 'urn:invoices' },
      client,
    );
    await resourceServer().verify(String(issued.body.access_token), { scopes: ['read'] });

    await cluster.restart();
    // A resource server that has never seen the keys fetches them over HTTP from the restarted instances.
    const fresh = resourceServer();
    for (const jwt of [issued.body.access_token, cc.body.access_token]) {
      const verified = await fresh.verify(String(jwt), { scopes: ['read'] });
      expect(verified.issuer).toBe(cluster.issuer);
      expect(verified.audience).toContain('urn:invoices');
    }
    const refreshed = await refresh(cluster.a, issued.body.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(kidOf(refreshed.body.access_token)).toBe(kidOf(issued.body.access_token));
    await fresh.verify(String(refreshed.body.access_token));
    expect((await refresh(cluster.b, refreshed.body.refresh_token)).status).toBe(200);
  });

  it('the front takes turns: requests through the one issuer URL reach both instances', async () => {
    cluster = await startCluster({ url: server.url });
    const seen = new Set<string | null>();
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${cluster.issuer}/jwks`);
      expect(response.status).toBe(200);
      seen.add(response.headers.get('x-audguard-instance'));
    }
    expect([...seen].sort()).toEqual(['1', '2']);
  });
});
