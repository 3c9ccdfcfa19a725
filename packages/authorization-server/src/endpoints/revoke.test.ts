import { describe, expect, it } from 'vitest';
import { codeTokens, create, post, token, verify } from '../../test/helpers.js';
import { MemoryStore } from '../store.js';

const client: [string, string] = ['client', 'secret'];
type AS = Awaited<ReturnType<typeof create>>;
const revoke = (as: AS, params: Record<string, string>, auth: [string, string] | undefined = client) =>
  post(as, '/revoke', params, auth);

describe('POST /revoke (RFC 7009)', () => {
  it('answers 200 with no-store for an unknown token', async () => {
    const as = await create();
    const res = await revoke(as, { token: 'never-issued' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('revokes a refresh token and its family: refresh fails and the access tokens are recorded revoked', async () => {
    const store = new MemoryStore();
    const as = await create({ store });
    const tokens = await codeTokens(as, { scope: 'read offline_access', resource: 'urn:invoices' });
    const res = await revoke(as, { token: tokens.body.refresh_token, token_type_hint: 'refresh_token' });
    expect(res.status).toBe(200);
    const refresh = await token(
      as,
      { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token },
      client,
    );
    expect(refresh.body.error).toBe('invalid_grant');
    const { payload } = await verify(as, tokens.body.access_token);
    expect(await store.get(`revoked:${payload.jti}`)).toBeDefined();
  });

  it('revokes an access token by recording its jti until it expires', async () => {
    let now = Date.now();
    const store = new MemoryStore({ now: () => now });
    const as = await create({ store, now: () => now });
    const issued = await token(as, { grant_type: 'client_credentials', scope: 'read' }, client);
    const { payload } = await verify(as, issued.body.access_token);
    expect(
      (await revoke(as, { token: issued.body.access_token, token_type_hint: 'access_token' })).status,
    ).toBe(200);
    expect(await store.get(`revoked:${payload.jti}`)).toBeDefined();
    now += 300_000;
    expect(await store.get(`revoked:${payload.jti}`)).toBeUndefined();
  });

  it('revokes without a hint, and ignores an unknown hint', async () => {
    const as = await create();
    const tokens = await codeTokens(as, { scope: 'read offline_access' });
    expect((await revoke(as, { token: tokens.body.refresh_token, token_type_hint: 'bogus' })).status).toBe(
      200,
    );
    const refresh = await token(
      as,
      { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token },
      client,
    );
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('refuses to revoke another client’s token and leaves it working', async () => {
    const as = await create();
    const tokens = await codeTokens(as, { scope: 'read offline_access' });
    const res = await revoke(as, { token: tokens.body.refresh_token }, ['invoice_worker', 'worker-secret']);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    const refresh = await token(
      as,
      { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token },
      client,
    );
    expect(refresh.status).toBe(200);
  });

  it('authenticates the client like the token endpoint', async () => {
    const as = await create();
    const res = await revoke(as, { token: 'x' }, ['client', 'wrong']);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('requires the token parameter', async () => {
    const as = await create();
    expect((await revoke(as, {})).body.error).toBe('invalid_request');
  });
});
