/**
 * Authorization codes under abuse: redemptions with a wrong verifier, redirect URI or resource (refused without
 * burning the code), a code of another client, codes and refresh tokens swapped, a replayed code (which revokes what
 * the first redemption issued), and no way to obtain a code without PKCE. The concurrent replay is in
 * as-races.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  authorize,
  authorizeParams,
  authorizeRequest,
  CALLBACK,
  expectErrorRedirect,
  expectOAuthError,
  type FormInit,
  jtiOf,
  OTHER_CALLBACK,
  pkce,
  redeem,
  refresh,
  send,
  setup,
  stringField,
} from './as-helpers.js';

describe('authorization code: refused redemptions, replay and PKCE downgrade', () => {
  const mutations: [string, (c: { verifier: string; challenge: string }) => FormInit, string, number?][] = [
    ['a wrong code_verifier', () => ({ code_verifier: pkce().verifier }), 'invalid_grant'],
    ['no code_verifier', () => ({ code_verifier: '' }), 'invalid_grant'],
    ['the challenge as verifier (plain downgrade)', (c) => ({ code_verifier: c.challenge }), 'invalid_grant'],
    ['a verifier too short', (c) => ({ code_verifier: c.verifier.slice(0, 42) }), 'invalid_grant'],
    ['a verifier too long', (c) => ({ code_verifier: c.verifier.repeat(4) }), 'invalid_grant'],
    ['a verifier with bad characters', (c) => ({ code_verifier: `${c.verifier}+/` }), 'invalid_grant'],
    ['a different redirect_uri', () => ({ redirect_uri: OTHER_CALLBACK }), 'invalid_grant'],
    ['a redirect_uri with a trailing slash', () => ({ redirect_uri: `${CALLBACK}/` }), 'invalid_grant'],
    ['no redirect_uri (it was sent at /authorize)', () => ({ redirect_uri: '' }), 'invalid_grant'],
    ['a resource outside the grant', () => ({ resource: 'urn:products' }), 'invalid_target'],
    ['an unknown resource', () => ({ resource: 'urn:shipping' }), 'invalid_target'],
    ['a resource with a fragment', () => ({ resource: 'urn:invoices#x' }), 'invalid_target'],
    ['two resources', () => ({ resource: ['urn:invoices', 'urn:invoices'] }), 'invalid_target'],
    ['a scope parameter that is repeated', () => ({ scope: ['read', 'read'] }), 'invalid_request'],
  ];

  it.each(mutations)(
    'refuses a redemption with %s, stores nothing and does not burn the code',
    async (_name, mutate, error, status = 400) => {
      const { as, store } = await setup();
      const pair = await authorize(as);
      const before = store.size;
      expectOAuthError(await redeem(as, pair.code, pair.verifier, mutate(pair)), status, error);
      expect(store.size).toBe(before);
      const good = await redeem(as, pair.code, pair.verifier);
      expect(good.status, good.text).toBe(200);
    },
  );

  it('refuses a code issued to another client, without burning it', async () => {
    const { as, store } = await setup();
    const { code, verifier } = await authorize(as);
    const before = store.size;
    const stolen = await redeem(as, code, verifier, { client_id: 'spa' }, null);
    expectOAuthError(stolen, 400, 'invalid_grant');
    expect(store.size).toBe(before);
    expect((await redeem(as, code, verifier)).status).toBe(200);
  });

  it('refuses a code sent as a refresh token and a refresh token sent as a code', async () => {
    const { as } = await setup();
    const { code, verifier } = await authorize(as);
    expectOAuthError(await refresh(as, code), 400, 'invalid_grant');
    const issued = await redeem(as, code, verifier);
    const rt = stringField(issued, 'refresh_token');
    expectOAuthError(await redeem(as, rt, verifier), 400, 'invalid_grant');
    expect((await refresh(as, rt)).status).toBe(200);
  });

  it('a replayed code is refused and revokes what the first redemption issued', async () => {
    const { as, store } = await setup();
    const { code, verifier } = await authorize(as);
    const first = await redeem(as, code, verifier);
    expect(first.status).toBe(200);
    expectOAuthError(await redeem(as, code, verifier), 400, 'invalid_grant');
    expect(await store.get(`revoked:${jtiOf(stringField(first, 'access_token'))}`)).toBeDefined();
    expectOAuthError(await refresh(as, stringField(first, 'refresh_token')), 400, 'invalid_grant');
  });

  it('a code cannot be had without a PKCE challenge, so a later verifier has nothing to match', async () => {
    const { as, store } = await setup();
    const noChallenge = authorizeParams('');
    const reply = await send(as, authorizeRequest({ ...noChallenge, code_challenge_method: '' }));
    expectErrorRedirect(reply, 'invalid_request');
    expect(store.size).toBe(0);
    // Whatever the client then sends to /token, there is no code to redeem.
    expectOAuthError(await redeem(as, 'made-up', pkce().verifier), 400, 'invalid_grant');
    expect(store.size).toBe(0);
  });
});
