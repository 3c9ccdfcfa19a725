import { describe, expect, it } from 'vitest';
import { authorize, CALLBACK, codeTokens, create, token, verify } from '../../test/helpers.js';
import { MemoryKeyStore } from '../key-store.js';
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

  it('of 20 concurrent refreshes with one token exactly one wins, and its tokens keep working', async () => {
    const store = new MemoryStore();
    const as = await create({ store });
    const first = await seedGrant(as);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => refresh(as, first.body.refresh_token)),
    );

    const won = results.filter((res) => res.status === 200);
    expect(won).toHaveLength(1);
    for (const lost of results.filter((res) => res.status !== 200)) {
      expect({ status: lost.status, error: lost.body.error }).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
    }
    const [winner] = won;
    for (const access of [first.body.access_token, String(winner?.body.access_token)]) {
      const { payload } = await verify(as, access);
      expect(await store.get(`revoked:${payload.jti}`)).toBeUndefined();
    }
    const next = await refresh(as, String(winner?.body.refresh_token));
    expect(next.status, next.text).toBe(200);
  });

  it('a refresh with the rotated token after the race was won is reuse: the family is revoked', async () => {
    const store = new MemoryStore();
    const as = await create({ store });
    const first = await seedGrant(as);
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(as, first.body.refresh_token)));
    const winner = results.find((res) => res.status === 200);
    expect(winner).toBeDefined();

    expect((await refresh(as, first.body.refresh_token)).body.error).toBe('invalid_grant');
    expect((await refresh(as, String(winner?.body.refresh_token))).body.error).toBe('invalid_grant');
    const { payload } = await verify(as, String(winner?.body.access_token));
    expect(await store.get(`revoked:${payload.jti}`)).toBeDefined();
  });

  it('reuse of an older token while the current one is refreshed revokes the family, the refresh in flight too', async () => {
    const store = new MemoryStore();
    const as = await create({ store });
    const first = await seedGrant(as);
    const second = await refresh(as, first.body.refresh_token);
    const [current, reuse] = await Promise.all([
      refresh(as, second.body.refresh_token),
      refresh(as, first.body.refresh_token),
    ]);
    expect(reuse.body.error).toBe('invalid_grant');
    // The grant's tombstone catches the refresh in flight: it is refused, or what it issued is revoked.
    if (current.status !== 200) {
      expect(current.body.error).toBe('invalid_grant');
      return;
    }
    expect((await refresh(as, current.body.refresh_token)).body.error).toBe('invalid_grant');
    const { payload } = await verify(as, current.body.access_token);
    expect(await store.get(`revoked:${payload.jti}`)).toBeDefined();
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

/** A key store whose reads fail as a reconnecting Redis client's do (temporary) while `down` is set. */
class FlakyKeyStore extends MemoryKeyStore {
  down = false;
  override async load() {
    if (this.down)
      throw Object.assign(new Error('key store reconnecting'), { temporary: true, retryAfter: 1 });
    return super.load();
  }
}

describe('a key store failing while the store works (one reconnects before the other)', () => {
  it('answers 503 before taking the refresh token, so the retry the 503 invites succeeds', async () => {
    const keyStore = new FlakyKeyStore();
    const as = await create({ keyStore });
    const first = await seedGrant(as);
    keyStore.down = true;
    const failed = await refresh(as, first.body.refresh_token);
    expect([failed.status, failed.body.error, failed.headers.get('retry-after')]).toEqual([
      503,
      'temporarily_unavailable',
      '1',
    ]);
    keyStore.down = false;
    const retried = await refresh(as, first.body.refresh_token);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.refresh_token).toEqual(expect.any(String));
  });

  it('answers 503 before taking the code, so the client can redeem it once the key store is back', async () => {
    const keyStore = new FlakyKeyStore();
    const as = await create({ keyStore });
    const { code, verifier } = await authorize(as, { scope: 'read', resource: 'urn:invoices' });
    const redeem = () =>
      token(
        as,
        { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier },
        client,
      );
    keyStore.down = true;
    expect((await redeem()).status).toBe(503);
    keyStore.down = false;
    const retried = await redeem();
    expect(retried.status, retried.text).toBe(200);
    expect((await verify(as, retried.body.access_token)).payload.aud).toBe('urn:invoices');
  });
});
