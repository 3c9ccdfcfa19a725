/**
 * POST /revoke under abuse (RFC 7009): malformed requests are refused and store nothing; unknown tokens of any shape
 * answer 200 with every hint; a client cannot revoke another client's tokens; a tampered access token revokes
 * nothing. Client authentication at /revoke is in as-client-auth.test.ts. And what revocation does not do: an API,
 * which verifies the JWT alone, keeps accepting a revoked access token until it expires.
 */
import { DEFAULTS } from '@audguard/authorization-server';
import { createVerifier } from '@audguard/core';
import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  expectOAuthError,
  type FormInit,
  ISSUER,
  jtiOf,
  MAX_BODY,
  post,
  refresh,
  setup,
  tokens,
  WORKER,
} from './as-helpers.js';

describe('POST /revoke under abuse', () => {
  it.each<[string, FormInit | string, Record<string, string>, number, string]>([
    ['no token', {}, {}, 400, 'invalid_request'],
    ['an empty token', { token: '' }, {}, 400, 'invalid_request'],
    ['a repeated token', { token: ['a', 'b'] }, {}, 400, 'invalid_request'],
    [
      'a repeated token_type_hint',
      { token: 'a', token_type_hint: ['access_token', 'refresh_token'] },
      {},
      400,
      'invalid_request',
    ],
    [
      'a JSON body',
      JSON.stringify({ token: 'a' }),
      { 'content-type': 'application/json' },
      400,
      'invalid_request',
    ],
    ['a body over 64 KiB', `token=${'a'.repeat(MAX_BODY)}`, {}, 413, 'invalid_request'],
  ])('refuses %s (%i %s) and stores nothing', async (_name, body, headers, status, error) => {
    const { as, store } = await setup();
    expectOAuthError(await post(as, '/revoke', body, { auth: CLIENT, headers }), status, error);
    expect(store.size).toBe(0);
  });

  it.each([
    ['garbage', 'garbage'],
    ['a JWT-looking string', 'a.b.c'],
    ['a JWE-looking string', 'a.b.c.d.e'],
    ['an alg:none token', `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.e30.`],
  ])('answers 200 for %s, with every hint, and stores nothing', async (_name, value) => {
    const { as, store } = await setup();
    for (const hint of ['', 'access_token', 'refresh_token', 'id_token', 'bogus']) {
      const body: FormInit = hint === '' ? { token: value } : { token: value, token_type_hint: hint };
      const reply = await post(as, '/revoke', body, { auth: CLIENT });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.headers.get('cache-control')).toBe('no-store');
    }
    expect(store.size).toBe(0);
  });

  it("refuses to revoke another client's refresh token, which keeps working", async () => {
    const { as, store } = await setup();
    const issued = await tokens(as);
    const before = store.size;
    const reply = await post(as, '/revoke', { token: issued.refresh }, { auth: WORKER });
    expectOAuthError(reply, 400, 'invalid_request');
    expect(store.size).toBe(before);
    expect((await refresh(as, issued.refresh)).status).toBe(200);
  });

  it("refuses to revoke another client's access token, which is not listed as revoked", async () => {
    const { as, store } = await setup();
    const issued = await tokens(as);
    const reply = await post(
      as,
      '/revoke',
      { token: issued.access, token_type_hint: 'access_token' },
      { auth: WORKER },
    );
    expectOAuthError(reply, 400, 'invalid_request');
    expect(await store.get(`revoked:${jtiOf(issued.access)}`)).toBeUndefined();
  });

  it('does not revoke an access token whose signature was tampered with', async () => {
    const { as, store } = await setup();
    const issued = await tokens(as);
    const [h, p, s] = issued.access.split('.') as [string, string, string];
    const forged = `${h}.${p}.${s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`}`;
    const reply = await post(
      as,
      '/revoke',
      { token: forged, token_type_hint: 'access_token' },
      { auth: CLIENT },
    );
    expect(reply.status).toBe(200);
    expect(await store.get(`revoked:${jtiOf(issued.access)}`)).toBeUndefined();
  });
});

describe('what revocation does not do (README, "Revocation")', () => {
  it('a revoked access token still verifies at an API, which checks the JWT alone, until its exp (300 s)', async () => {
    const { as } = await setup();
    const issued = await tokens(as);
    // Revoke both: the refresh token (its whole grant) and the access token itself.
    for (const token of [issued.refresh, issued.access]) {
      expect((await post(as, '/revoke', { token }, { auth: CLIENT })).status).toBe(200);
    }
    expectOAuthError(await refresh(as, issued.refresh), 400, 'invalid_grant');
    const api = createVerifier({
      issuer: ISSUER,
      audience: 'urn:invoices',
      jwksOptions: { fetch: (input, init) => as.fetch(new Request(input, init)) },
    });
    const accepted = await api.verify(issued.access);
    expect(accepted.subject).toBe('user-alice');
    expect(Number(accepted.claims.exp) - Number(accepted.claims.iat)).toBe(DEFAULTS.accessTokenLifetime);
    expect(DEFAULTS.accessTokenLifetime).toBe(300);
  });
});
