/**
 * Refresh tokens under abuse: refreshes by another client, with a wider scope or another resource, or a wrong
 * secret (refused without rotating the token), and reuse of a rotated token (which revokes the family). The
 * concurrent reuse and revocation are in as-races.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  expectOAuthError,
  type FormInit,
  jtiOf,
  refresh,
  setup,
  stringField,
  token,
  tokens,
} from './as-helpers.js';

describe('refresh tokens: refused refreshes and reuse', () => {
  it.each<[string, FormInit, readonly [string, string] | null, number, string]>([
    ['another client', { client_id: 'spa' }, null, 400, 'invalid_grant'],
    ['a wider scope', { scope: 'read write' }, CLIENT, 400, 'invalid_scope'],
    ['a scope of another resource', { scope: 'orders:read' }, CLIENT, 400, 'invalid_scope'],
    ['a malformed scope', { scope: 'read "x"' }, CLIENT, 400, 'invalid_scope'],
    ['a resource outside the grant', { resource: 'urn:products' }, CLIENT, 400, 'invalid_target'],
    ['a relative resource', { resource: '/invoices' }, CLIENT, 400, 'invalid_target'],
    ['two resources', { resource: ['urn:invoices', 'urn:products'] }, CLIENT, 400, 'invalid_target'],
    ['a wrong client secret', {}, ['client', 'nope'], 401, 'invalid_client'],
  ])('refuses a refresh with %s without rotating the token', async (_name, extra, auth, status, error) => {
    const { as, store } = await setup();
    const issued = await tokens(as);
    const before = store.size;
    const reply = await token(
      as,
      { grant_type: 'refresh_token', refresh_token: issued.refresh, ...extra },
      auth,
    );
    expectOAuthError(reply, status, error);
    // A wrong secret is counted against the client (the throttle's one counter); nothing else is written.
    expect(store.size).toBe(before + (error === 'invalid_client' ? 1 : 0));
    const rotated = await refresh(as, issued.refresh);
    expect(rotated.status, rotated.text).toBe(200);
  });

  it('reuse of a rotated refresh token is refused and revokes the family', async () => {
    const { as, store } = await setup();
    const issued = await tokens(as);
    const second = await refresh(as, issued.refresh);
    expect(second.status).toBe(200);
    expectOAuthError(await refresh(as, issued.refresh), 400, 'invalid_grant');
    expectOAuthError(await refresh(as, stringField(second, 'refresh_token')), 400, 'invalid_grant');
    for (const access of [issued.access, stringField(second, 'access_token')]) {
      expect(await store.get(`revoked:${jtiOf(access)}`)).toBeDefined();
    }
  });
});
