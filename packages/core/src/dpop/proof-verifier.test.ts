/** `createDpopProofCheck` (`@audguard/core/protocol`): the resource server's proof check, for a token endpoint. */
import { beforeAll, describe, expect, it } from 'vitest';
import { type DpopKey, dpopKey, proof } from '../../test/dpop.js';
import type { AuthError } from '../errors.js';
import { createDpopProofCheck, dpopProofHeaders } from './proof-verifier.js';

const TOKEN_URL = 'https://as.example.com/token';
let client: DpopKey;
let other: DpopKey;

beforeAll(async () => {
  client = await dpopKey('ES256');
  other = await dpopKey('ES256');
});

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) throw new Error('accepted');
  return error as AuthError;
}

const post = (key: DpopKey, extra: Partial<Parameters<typeof proof>[1]> = {}) =>
  proof(key, { htm: 'POST', htu: TOKEN_URL, token: null, ...extra });

describe('createDpopProofCheck', () => {
  it("resolves to the proof key's RFC 7638 thumbprint, with no access token and no ath", async () => {
    const check = createDpopProofCheck();
    expect(await check.check(post(client), { method: 'POST', url: TOKEN_URL })).toBe(client.jkt);
  });

  it('compares htu after normalisation, ignoring the query', async () => {
    const check = createDpopProofCheck();
    const jkt = await check.check(post(client, { htu: 'HTTPS://AS.example.com:443/token' }), {
      method: 'POST',
      url: `${TOKEN_URL}?x=1`,
    });
    expect(jkt).toBe(client.jkt);
  });

  it('refuses another method, another URL, and a replay, with their reasons', async () => {
    const check = createDpopProofCheck();
    const request = { method: 'POST', url: TOKEN_URL };
    const wrongHtm = await refusal(check.check(post(client, { htm: 'GET' }), request));
    expect([wrongHtm.code, wrongHtm.reason]).toEqual(['invalid_dpop_proof', 'dpop_method_mismatch']);
    const wrongHtu = await refusal(
      check.check(post(client, { htu: 'https://as.example.com/other' }), request),
    );
    expect([wrongHtu.code, wrongHtu.reason]).toEqual(['invalid_dpop_proof', 'dpop_uri_mismatch']);
    const once = post(client);
    await check.check(once, request);
    const replay = await refusal(check.check(once, request));
    expect([replay.code, replay.reason]).toEqual(['invalid_dpop_proof', 'dpop_proof_replayed']);
  });

  it('with an access token, checks ath; with jkt, the key', async () => {
    const check = createDpopProofCheck();
    const request = { method: 'POST', url: TOKEN_URL, accessToken: 'at-1' };
    expect(await check.check(post(client, { token: 'at-1' }), request)).toBe(client.jkt);
    const noAth = await refusal(check.check(post(client), request));
    expect(noAth.reason).toBe('dpop_token_hash_mismatch');
    const otherKey = await refusal(
      check.check(post(other, { token: 'at-1' }), { ...request, jkt: client.jkt }),
    );
    expect([otherKey.code, otherKey.reason]).toEqual(['invalid_token', 'dpop_key_mismatch']);
  });

  it('with nonces, refuses a proof without the current nonce and names it; accepts it then', async () => {
    let now = Date.now();
    const check = createDpopProofCheck({ nonce: { secret: 'n'.repeat(32) }, now: () => now });
    const request = { method: 'POST', url: TOKEN_URL };
    const missing = await refusal(check.check(post(client), request));
    expect(missing.code).toBe('use_dpop_nonce');
    expect(missing.dpopNonce).toBe(await check.currentNonce(TOKEN_URL));
    expect(await check.check(post(client, { nonce: String(missing.dpopNonce) }), request)).toBe(client.jkt);
    // Nonces are bound to the origin: another server's nonce is not this one's.
    expect(await check.currentNonce('https://api.example.com/x')).not.toBe(missing.dpopNonce);
    now += 3 * 60_000;
    const stale = await refusal(
      check.check(post(client, { nonce: String(missing.dpopNonce), iat: Math.floor(now / 1000) }), request),
    );
    expect(stale.code).toBe('use_dpop_nonce');
  });

  it('checks its options once, and the URL of each request', async () => {
    expect(() => createDpopProofCheck({ algorithms: ['HS256' as never] })).toThrow(/asymmetric/);
    expect(() => createDpopProofCheck({ maxAge: 0 })).toThrow(/maxAge/);
    const check = createDpopProofCheck();
    await expect(check.check(post(client), { method: 'POST', url: '/token' })).rejects.toThrow(/http/);
    expect(check.algorithms).toContain('ES256');
    expect(check.algorithms).not.toContain('HS256');
  });

  it('dpopProofHeaders lists one entry per proof', () => {
    expect(dpopProofHeaders(new Request(TOKEN_URL, { headers: { dpop: 'a.b.c' } }))).toEqual(['a.b.c']);
    const two = new Headers([
      ['dpop', 'a.b.c'],
      ['dpop', 'd.e.f'],
    ]);
    expect(dpopProofHeaders(new Request(TOKEN_URL, { headers: two }))).toEqual(['a.b.c', 'd.e.f']);
    expect(dpopProofHeaders({ headers: {} })).toEqual([]);
  });
});
