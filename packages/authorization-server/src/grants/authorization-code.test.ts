import { describe, expect, it } from 'vitest';
import { authorize, CALLBACK, codeTokens, create, pkce, token, verify } from '../../test/helpers.js';
import { MemoryStore } from '../store.js';

const client: [string, string] = ['client', 'secret'];

const redeem = (
  as: Awaited<ReturnType<typeof create>>,
  code: string,
  verifier: string | undefined,
  extra: Record<string, string | string[]> = {},
) =>
  token(
    as,
    { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier, ...extra },
    client,
  );

describe('authorization_code: redemption', () => {
  it('issues an access token for the user, and a refresh token with offline_access', async () => {
    const as = await create();
    const res = await codeTokens(as, { scope: 'read offline_access', resource: 'urn:invoices' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'read',
      refresh_token: expect.any(String),
    });
    const { payload } = await verify(as, res.body.access_token);
    expect(payload).toMatchObject({
      sub: 'user-alice',
      client_id: 'client',
      aud: 'urn:invoices',
      scope: 'read',
    });
  });

  it('issues no refresh token without offline_access, and never puts offline_access in a token scope', async () => {
    const as = await create();
    const res = await codeTokens(as, { scope: 'read' });
    expect(res.body.refresh_token).toBeUndefined();
    const offline = await codeTokens(as, { scope: 'read offline_access' });
    expect(offline.body.scope).toBe('read');
    expect((await verify(as, offline.body.access_token)).payload.scope).toBe('read');
  });

  it('seed: several resources at /authorize, one named at redemption → aud that resource alone', async () => {
    const as = await create();
    const res = await codeTokens(
      as,
      { scope: 'read offline_access', resource: ['urn:invoices', 'urn:products'] },
      { resource: 'urn:invoices' },
    );
    expect((await verify(as, res.body.access_token)).payload.aud).toBe('urn:invoices');
  });

  it('without resource at redemption, derives aud from the scope but only within the grant', async () => {
    const as = await create();
    const res = await codeTokens(as, { scope: 'read', resource: 'urn:products' });
    expect((await verify(as, res.body.access_token)).payload.aud).toBe('urn:products');
  });

  it('without any resource anywhere, aud is every resource owning the scope', async () => {
    const as = await create();
    const res = await codeTokens(as, { scope: 'read' });
    expect((await verify(as, res.body.access_token)).payload.aud).toEqual(['urn:invoices', 'urn:products']);
  });

  it('refuses a resource outside the grant at redemption with invalid_target', async () => {
    const as = await create();
    const res = await codeTokens(
      as,
      { scope: 'read', resource: 'urn:invoices' },
      { resource: 'urn:products' },
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_target');
  });

  it('refuses two resources at redemption with invalid_target', async () => {
    const as = await create();
    const res = await codeTokens(
      as,
      { scope: 'read', resource: ['urn:invoices', 'urn:products'] },
      { resource: ['urn:invoices', 'urn:products'] },
    );
    expect(res.body.error).toBe('invalid_target');
  });

  it('a public client redeems with client_id alone and PKCE', async () => {
    const as = await create();
    const { code, verifier } = await authorize(as, { client_id: 'spa', scope: 'read' });
    const res = await token(as, {
      grant_type: 'authorization_code',
      client_id: 'spa',
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });
    expect(res.status).toBe(200);
  });

  it('refuses a code issued to another client', async () => {
    const as = await create();
    const { code, verifier } = await authorize(as, { client_id: 'spa', scope: 'read' });
    expect((await redeem(as, code, verifier)).body.error).toBe('invalid_grant');
  });

  it('refuses an unknown code and a missing code', async () => {
    const as = await create();
    expect((await redeem(as, 'nope', pkce().verifier)).body.error).toBe('invalid_grant');
    expect((await token(as, { grant_type: 'authorization_code' }, client)).body.error).toBe(
      'invalid_request',
    );
  });

  it('refuses an expired code', async () => {
    let now = Date.now();
    const as = await create({ now: () => now });
    const { code, verifier } = await authorize(as, { scope: 'read' });
    now += 60_000;
    expect((await redeem(as, code, verifier)).body.error).toBe('invalid_grant');
  });

  it('refuses a redirect_uri that differs from the authorization request, or is missing', async () => {
    const as = await create();
    const { code, verifier } = await authorize(as, { scope: 'read' });
    expect((await redeem(as, code, verifier, { redirect_uri: `${CALLBACK}/` })).body.error).toBe(
      'invalid_grant',
    );
    const res = await token(as, { grant_type: 'authorization_code', code, code_verifier: verifier }, client);
    expect(res.body.error).toBe('invalid_grant');
    // A failed attempt does not burn the code.
    expect((await redeem(as, code, verifier)).status).toBe(200);
  });
});

describe('authorization_code: PKCE', () => {
  it('refuses a missing code_verifier', async () => {
    const as = await create();
    const { code } = await authorize(as, { scope: 'read' });
    const res = await redeem(as, code, undefined);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses a wrong code_verifier', async () => {
    const as = await create();
    const { code } = await authorize(as, { scope: 'read' });
    expect((await redeem(as, code, pkce().verifier)).body.error).toBe('invalid_grant');
  });

  it('refuses the challenge replayed as a plain verifier', async () => {
    const as = await create();
    const { verifier, challenge } = pkce();
    const { code } = await authorize(as, { scope: 'read', code_challenge: challenge });
    expect((await redeem(as, code, challenge)).body.error).toBe('invalid_grant');
    expect((await redeem(as, code, verifier)).status).toBe(200);
  });
});

describe('authorization_code: single use', () => {
  it('refuses a replayed code and revokes what it issued: the refresh token and the access token', async () => {
    const store = new MemoryStore();
    const as = await create({ store });
    const { code, verifier } = await authorize(as, { scope: 'read offline_access' });
    const first = await redeem(as, code, verifier);
    expect(first.status).toBe(200);

    const replay = await redeem(as, code, verifier);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');

    const refresh = await token(
      as,
      { grant_type: 'refresh_token', refresh_token: first.body.refresh_token },
      client,
    );
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');

    const { payload } = await verify(as, first.body.access_token);
    expect(await store.get(`revoked:${payload.jti}`)).toBeDefined();
  });

  it('of 20 concurrent redemptions exactly one wins, and keeps working tokens (losing a race is no replay)', async () => {
    const store = new MemoryStore();
    const as = await create({ store });
    const { code, verifier } = await authorize(as, { scope: 'read offline_access' });
    const results = await Promise.all(Array.from({ length: 20 }, () => redeem(as, code, verifier)));

    const won = results.filter((res) => res.status === 200);
    expect(won).toHaveLength(1);
    for (const lost of results.filter((res) => res.status !== 200)) {
      expect({ status: lost.status, error: lost.body.error }).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
    }
    const [winner] = won;
    const { payload } = await verify(as, String(winner?.body.access_token));
    expect(await store.get(`revoked:${payload.jti}`)).toBeUndefined();
    const refreshed = await token(
      as,
      { grant_type: 'refresh_token', refresh_token: String(winner?.body.refresh_token) },
      client,
    );
    expect(refreshed.status, refreshed.text).toBe(200);
  });

  it('a redemption after the race was won is a replay: refused, and the winner’s tokens are revoked', async () => {
    const store = new MemoryStore();
    const as = await create({ store });
    const { code, verifier } = await authorize(as, { scope: 'read offline_access' });
    const results = await Promise.all(Array.from({ length: 5 }, () => redeem(as, code, verifier)));
    const winner = results.find((res) => res.status === 200);
    expect(winner).toBeDefined();

    const replay = await redeem(as, code, verifier);
    expect({ status: replay.status, error: replay.body.error }).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    const { payload } = await verify(as, String(winner?.body.access_token));
    expect(await store.get(`revoked:${payload.jti}`)).toBeDefined();
    const refreshed = await token(
      as,
      { grant_type: 'refresh_token', refresh_token: String(winner?.body.refresh_token) },
      client,
    );
    expect(refreshed.body.error).toBe('invalid_grant');
  });
});
