/**
 * Races on one grant, replayed deterministically: a store operation of one request is held (GatedStore) while the
 * racing request runs, then released. A concurrent code redemption or refresh that loses the race is refused and
 * revokes nothing — the winner keeps its tokens (issue 19); a refresh racing a revocation must leave the family
 * revoked (RFC 7009 §2.1). Replays after the winner has issued revoke (as-codes, as-refresh).
 *
 * The describe blocks keep the names of the suites these cases belong to (as-codes.test.ts, as-refresh.test.ts).
 */
import type { AuthorizationServer } from '@audguard/authorization-server';
import { describe, expect, it } from 'vitest';
import {
  authorize,
  CLIENT,
  expectOAuthError,
  GatedStore,
  jtiOf,
  post,
  type Reply,
  redeem,
  refresh,
  setupWith,
  stringField,
  tokens,
  within,
} from './as-helpers.js';

/**
 * After a race that revoked a token family: the racing request was refused, or nothing it issued still works (its
 * refresh token is refused and its access token is listed as revoked).
 */
/** The winner of a race keeps its tokens: its access token is not revoked, its refresh token refreshes. */
async function expectFamilyAlive(as: AuthorizationServer, store: GatedStore, won: Reply): Promise<void> {
  expect(won.status, won.text).toBe(200);
  expect(await store.get(`revoked:${jtiOf(stringField(won, 'access_token'))}`)).toBeUndefined();
  expect((await refresh(as, stringField(won, 'refresh_token'))).status).toBe(200);
}

async function expectFamilyRevoked(as: AuthorizationServer, store: GatedStore, reply: Reply): Promise<void> {
  if (reply.status !== 200) {
    expectOAuthError(reply, 400, 'invalid_grant');
    return;
  }
  expectOAuthError(await refresh(as, stringField(reply, 'refresh_token')), 400, 'invalid_grant');
  expect(await store.get(`revoked:${jtiOf(stringField(reply, 'access_token'))}`)).toBeDefined();
}

describe('authorization code: refused redemptions, replay and PKCE downgrade', () => {
  /** The first redemption is held just before it saves its refresh token; the replay runs meanwhile. */
  async function concurrentCodeReplay() {
    const store = new GatedStore();
    const { as } = await setupWith(store);
    const { code, verifier } = await authorize(as);
    const gate = store.gate('set', 'rt:');
    const first = redeem(as, code, verifier);
    await within(gate.reached, 5000, 'the first redemption to reach the store');
    const replay = await within(redeem(as, code, verifier), 5000, 'the replay');
    gate.release();
    const won = await within(first, 5000, 'the first redemption');
    return { as, store, replay, won };
  }

  it('concurrent replay: the replay is refused, both requests complete (scenario check)', async () => {
    const { replay, won } = await concurrentCodeReplay();
    expectOAuthError(replay, 400, 'invalid_grant');
    if (won.status !== 200) expectOAuthError(won, 400, 'invalid_grant');
  });

  // Issue 19: a redemption that runs while the first is still issuing lost the race, and losing a race is not a
  // replay: the first keeps what it issued. A redemption after the first has issued is a replay and revokes.
  it('concurrent replay: the in-flight redemption keeps what it issued (losing a race is no replay)', async () => {
    const { as, store, won } = await concurrentCodeReplay();
    await expectFamilyAlive(as, store, won);
  });
});

describe('refresh tokens: refused refreshes and reuse', () => {
  // Issue 19: what tells a lost race from reuse is when the request came in, not when it reached the store. A
  // refresh received before the winner had issued, but held up on its way to the store until after, lost the race.
  it('a refresh received before the winner issued, slower to reach the store, lost the race: no revocation', async () => {
    const store = new GatedStore();
    const { as } = await setupWith(store);
    const { refresh: refreshToken } = await tokens(as);
    const gate = store.gate('get', 'rt:');
    const slow = refresh(as, refreshToken);
    await within(gate.reached, 5000, 'the slow refresh to reach the store');
    const won = await within(refresh(as, refreshToken), 5000, 'the winning refresh');
    gate.release();
    expectOAuthError(await within(slow, 5000, 'the slow refresh'), 400, 'invalid_grant');
    await expectFamilyAlive(as, store, won);
    // A use of the rotated token received after the win is reuse, and revokes.
    expectOAuthError(await refresh(as, refreshToken), 400, 'invalid_grant');
    expectOAuthError(await refresh(as, stringField(won, 'refresh_token')), 400, 'invalid_grant');
  });

  /** Two refreshes with one token; the winner is held just before it saves its new refresh token. */
  async function concurrentReuse() {
    const store = new GatedStore();
    const { as } = await setupWith(store);
    const issued = await tokens(as);
    const gate = store.gate('set', 'rt:');
    const first = refresh(as, issued.refresh);
    await within(gate.reached, 5000, 'the first refresh to reach the store');
    const reuse = await within(refresh(as, issued.refresh), 5000, 'the reuse');
    gate.release();
    const won = await within(first, 5000, 'the first refresh');
    return { as, store, reuse, won };
  }

  it('concurrent reuse: the reuse is refused, both requests complete (scenario check)', async () => {
    const { reuse, won } = await concurrentReuse();
    expectOAuthError(reuse, 400, 'invalid_grant');
    if (won.status !== 200) expectOAuthError(won, 400, 'invalid_grant');
  });

  // Issue 19: as for codes, a refresh that runs while the first is still rotating lost the race and revokes
  // nothing; a use of the rotated token after the first has issued is reuse and revokes the family.
  it('concurrent reuse: the in-flight refresh keeps what it issued (losing a race is no reuse)', async () => {
    const { as, store, won } = await concurrentReuse();
    await expectFamilyAlive(as, store, won);
  });

  /**
   * A refresh and a revocation of the same refresh token at once: the refresh has read the grant and is held just
   * before it takes the token; the revocation finds the token, revokes the grant and is held before deleting the
   * token; then the refresh completes, then the revocation.
   */
  async function concurrentRevocation() {
    const store = new GatedStore();
    const { as } = await setupWith(store);
    const issued = await tokens(as);
    const refreshGate = store.gate('consume', 'rt:');
    const refreshing = refresh(as, issued.refresh);
    await within(refreshGate.reached, 5000, 'the refresh to reach the store');
    const revokeGate = store.gate('delete', 'rt:');
    const revoking = post(as, '/revoke', { token: issued.refresh }, { auth: CLIENT });
    await within(revokeGate.reached, 5000, 'the revocation to reach the store');
    refreshGate.release();
    const refreshed = await within(refreshing, 5000, 'the refresh');
    revokeGate.release();
    const revoked = await within(revoking, 5000, 'the revocation');
    return { as, store, refreshed, revoked };
  }

  it('concurrent revocation: both requests complete (scenario check)', async () => {
    const { refreshed, revoked } = await concurrentRevocation();
    expect(revoked.status).toBe(200);
    if (refreshed.status !== 200) expectOAuthError(refreshed, 400, 'invalid_grant');
  });

  // /revoke answers 200 and revokes the grant while a refresh is in flight: the refresh must not bring the family
  // back when it saves (RFC 7009 §2.1; the grant's revocation tombstone).
  it('concurrent revocation: the revoked family stays revoked', async () => {
    const { as, store, refreshed } = await concurrentRevocation();
    await expectFamilyRevoked(as, store, refreshed);
  });
});
