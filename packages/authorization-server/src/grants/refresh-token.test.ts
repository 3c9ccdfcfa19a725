import { describe, expect, it } from 'vitest';
import { authorize, CALLBACK, codeTokens, create, token, verify } from '../../test/helpers.js';
import { MemoryStore } from '../store.js';

const client: [string, string] = ['client', 'secret'];
type AS = Awaited<ReturnType<typeof create>>;

const refresh = (as: AS, refreshToken: string, extra: Record<string, string | string[]> = {}) =>
  token(as, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, client);

const seedGrant = (as: AS) =>
  codeTokens(
    as,
    { scope: 'read offline_access', resource: ['urn:invoices', 'urn:products'] },
    { resource: 'urn:invoices' },
  );

describe('refresh_token', () => {
  it('seed: refreshes for the other resource of the grant, rotating the refresh token', async () => {
    const as = await create();
    const first = await seedGrant(as);
    const res = await refresh(as, first.body.refresh_token, { resource: 'urn:products' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('read');
    expect(res.body.refresh_token).toEqual(expect.any(String));
    expect(res.body.refresh_token).not.toBe(first.body.refresh_token);
    const { payload } = await verify(as, res.body.access_token);
    expect(payload).toMatchObject({
      aud: 'urn:products',
      sub: 'user-alice',
      client_id: 'client',
      scope: 'read',
    });
  });

  it('refuses a resource outside the grant with invalid_target', async () => {
    const as = await create();
    const first = await codeTokens(as, { scope: 'read offline_access', resource: 'urn:invoices' });
    const res = await refresh(as, first.body.refresh_token, { resource: 'urn:products' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_target');
  });

  it('refuses two resources with invalid_target', async () => {
    const as = await create();
    const first = await seedGrant(as);
    const res = await refresh(as, first.body.refresh_token, { resource: ['urn:invoices', 'urn:products'] });
    expect(res.body.error).toBe('invalid_target');
  });

  it('may narrow the scope but never widen it', async () => {
    const as = await create();
    const first = await codeTokens(as, { scope: 'read write offline_access', resource: 'urn:invoices' });
    expect(first.body.scope).toBe('read write');
    const narrowed = await refresh(as, first.body.refresh_token, { scope: 'write' });
    expect(narrowed.body.scope).toBe('write');
    const widened = await refresh(as, narrowed.body.refresh_token, { scope: 'write orders:read' });
    expect(widened.body.error).toBe('invalid_scope');
  });

  it('is bound to its client', async () => {
    const as = await create();
    const { code, verifier } = await authorize(as, { client_id: 'spa', scope: 'read offline_access' });
    const spa = await token(as, {
      grant_type: 'authorization_code',
      client_id: 'spa',
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });
    const stolen = await refresh(as, spa.body.refresh_token);
    expect(stolen.body.error).toBe('invalid_grant');
    // The rightful client can still use it.
    const own = await token(as, {
      grant_type: 'refresh_token',
      client_id: 'spa',
      refresh_token: spa.body.refresh_token,
    });
    expect(own.status).toBe(200);
  });

  it('refuses the reuse of a rotated token and revokes the whole family', async () => {
    const store = new MemoryStore();
    const as = await create({ store });
    const first = await seedGrant(as);
    const second = await refresh(as, first.body.refresh_token);
    expect(second.status).toBe(200);

    const reuse = await refresh(as, first.body.refresh_token);
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');

    const latest = await refresh(as, second.body.refresh_token);
    expect(latest.body.error).toBe('invalid_grant');
    for (const access of [first.body.access_token, second.body.access_token]) {
      const { payload } = await verify(as, access);
      expect(await store.get(`revoked:${payload.jti}`)).toBeDefined();
    }
  });

  it('refuses an unknown or expired refresh token', async () => {
    let now = Date.now();
    const as = await create({ now: () => now, refreshTokenLifetime: 3600 });
    expect((await refresh(as, 'nope')).body.error).toBe('invalid_grant');
    const first = await seedGrant(as);
    now += 3_600_000;
    expect((await refresh(as, first.body.refresh_token)).body.error).toBe('invalid_grant');
  });
});
