/** DPoP at the authorization server (RFC 9449 §5, §8, §10): proofs at /token, dpop_jkt, bound refresh tokens. */
import { MemoryReplayCache } from '@audguard/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DpopKey, dpopKey, dpopToken, proof } from '../test/dpop.js';
import { authorize, CALLBACK, create, get, ISSUER, token, verify } from '../test/helpers.js';
import type { AuthorizationServerConfig } from './config.js';

const TOKEN_URL = `${ISSUER}/token`;
const client: [string, string] = ['client', 'secret'];
const cc = { grant_type: 'client_credentials', scope: 'read', resource: 'urn:invoices' };
let key: DpopKey;
let other: DpopKey;

beforeAll(async () => {
  key = await dpopKey();
  other = await dpopKey();
});

const withDpop = (
  dpop: AuthorizationServerConfig['dpop'] = true,
  extra: Partial<AuthorizationServerConfig> = {},
) => create({ dpop, ...extra });

/** The answer's status, error and the headers every error must carry. */
function refusal(res: { status: number; body: { error: string }; headers: Headers }) {
  return {
    status: res.status,
    error: res.body.error,
    cacheControl: res.headers.get('cache-control'),
    contentType: res.headers.get('content-type'),
  };
}
const invalidProof = {
  status: 400,
  error: 'invalid_dpop_proof',
  cacheControl: 'no-store',
  contentType: 'application/json; charset=utf-8',
};

describe('DPoP at /token', () => {
  it('binds the access token to the proof key: token_type DPoP, cnf.jkt, no-store', async () => {
    const as = await withDpop();
    const res = await dpopToken(as, cc, [await proof(key, { htu: TOKEN_URL })], client);
    expect(res.status, res.text).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { payload } = await verify(as, res.body.access_token);
    expect(payload.cnf).toEqual({ jkt: key.jkt });
  });

  it('without a proof issues a Bearer token without cnf, as before', async () => {
    const as = await withDpop();
    const res = await dpopToken(as, cc, [], client);
    expect(res.body.token_type).toBe('Bearer');
    expect((await verify(as, res.body.access_token)).payload.cnf).toBeUndefined();
  });

  it('with dpop off, ignores the DPoP header', async () => {
    const as = await create();
    const res = await dpopToken(as, cc, [await proof(key, { htu: TOKEN_URL })], client);
    expect(res.body.token_type).toBe('Bearer');
    expect((await verify(as, res.body.access_token)).payload.cnf).toBeUndefined();
  });

  it('refuses a proof for another URL (host, path) or method with invalid_dpop_proof', async () => {
    const as = await withDpop();
    for (const claims of [
      { htu: 'https://evil.example/token' },
      { htu: `${ISSUER}/revoke` },
      { htu: TOKEN_URL, htm: 'GET' },
    ]) {
      const res = await dpopToken(as, cc, [await proof(key, claims)], client);
      expect(refusal(res), JSON.stringify(claims)).toEqual(invalidProof);
    }
  });

  it('builds htu from the issuer, never from Host', async () => {
    const as = await withDpop();
    // The request reaches the server under another host name: a proof naming that host is refused...
    const url = 'https://proxy.internal/token';
    const forHost = await dpopToken(as, cc, [await proof(key, { htu: url })], client, url);
    expect(refusal(forHost)).toEqual(invalidProof);
    // ...and one naming the issuer's token endpoint is accepted.
    const forIssuer = await dpopToken(as, cc, [await proof(key, { htu: TOKEN_URL })], client, url);
    expect(forIssuer.body.token_type).toBe('DPoP');
  });

  it('accepts a proof once: a replay is invalid_dpop_proof', async () => {
    const as = await withDpop();
    const once = await proof(key, { htu: TOKEN_URL });
    expect((await dpopToken(as, cc, [once], client)).status).toBe(200);
    const replay = await dpopToken(as, cc, [once], client);
    expect(refusal(replay)).toEqual(invalidProof);
    expect(replay.body.error_description).toMatch(/already used/);
  });

  it('shares the replay cache across instances: of 10 parallel uses of one proof on two servers, one wins', async () => {
    const replayCache = new MemoryReplayCache();
    const a = await withDpop({ replayCache });
    const b = await withDpop({ replayCache });
    const once = await proof(key, { htu: TOKEN_URL });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => dpopToken(i % 2 ? a : b, cc, [once], client)),
    );
    expect(results.filter((res) => res.status === 200)).toHaveLength(1);
    for (const res of results.filter((r) => r.status !== 200)) expect(refusal(res)).toEqual(invalidProof);
  });

  it('answers 503 with Retry-After when the replay cache fails, never accepting the proof', async () => {
    const as = await withDpop({
      replayCache: { add: () => Promise.reject(new Error('down')) },
    });
    const res = await dpopToken(as, cc, [await proof(key, { htu: TOKEN_URL })], client);
    expect([res.status, res.body.error, res.headers.get('retry-after')]).toEqual([
      503,
      'temporarily_unavailable',
      '1',
    ]);
  });

  it('refuses two DPoP headers, a stale proof and a malformed one', async () => {
    const as = await withDpop();
    const two = [await proof(key, { htu: TOKEN_URL }), await proof(key, { htu: TOKEN_URL })];
    expect(refusal(await dpopToken(as, cc, two, client))).toEqual(invalidProof);
    const stale = await proof(key, { htu: TOKEN_URL, iat: Math.floor(Date.now() / 1000) - 600 });
    expect(refusal(await dpopToken(as, cc, [stale], client))).toEqual(invalidProof);
    expect(refusal(await dpopToken(as, cc, ['not-a-jwt'], client))).toEqual(invalidProof);
  });

  it('with required, refuses a token request without a proof', async () => {
    const as = await withDpop({ required: true });
    const res = await dpopToken(as, cc, [], client);
    expect(refusal(res)).toEqual(invalidProof);
    expect(res.body.error_description).toMatch(/DPoP-bound tokens only/);
  });
});

describe('DPoP nonces at /token (RFC 9449 §8)', () => {
  const nonce = { secret: 'a-secret-of-at-least-32-bytes-long!' };

  it('refuses a proof without the nonce with use_dpop_nonce and DPoP-Nonce, then accepts it with', async () => {
    const as = await withDpop({ nonce });
    const first = await dpopToken(as, cc, [await proof(key, { htu: TOKEN_URL })], client);
    expect({
      status: first.status,
      error: first.body.error,
      cache: first.headers.get('cache-control'),
    }).toEqual({
      status: 400,
      error: 'use_dpop_nonce',
      cache: 'no-store',
    });
    const issued = first.headers.get('dpop-nonce');
    expect(issued).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const retry = await dpopToken(
      as,
      cc,
      [await proof(key, { htu: TOKEN_URL, nonce: String(issued) })],
      client,
    );
    expect(retry.status, retry.text).toBe(200);
    expect(retry.body.token_type).toBe('DPoP');
    expect(retry.headers.get('dpop-nonce')).toBe(issued);
  });

  it('refuses a made-up nonce with use_dpop_nonce naming the current one', async () => {
    const as = await withDpop({ nonce });
    const res = await dpopToken(as, cc, [await proof(key, { htu: TOKEN_URL, nonce: 'made-up' })], client);
    expect(res.body.error).toBe('use_dpop_nonce');
    expect(res.headers.get('dpop-nonce')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe('dpop_jkt: a code bound to a key (RFC 9449 §10)', () => {
  const redeem = (as: Awaited<ReturnType<typeof create>>, code: string, verifier: string, proofs: string[]) =>
    dpopToken(
      as,
      { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier },
      proofs,
      client,
    );

  it('refuses redemption without a proof or with another key, and does not burn the code', async () => {
    const as = await withDpop();
    const { code, verifier } = await authorize(as, { scope: 'read', dpop_jkt: key.jkt });
    const none = await redeem(as, code, verifier, []);
    expect(refusal(none)).toEqual(invalidProof);
    expect(none.body.error_description).toMatch(/bound to a DPoP key/);
    const wrong = await redeem(as, code, verifier, [await proof(other, { htu: TOKEN_URL })]);
    expect(refusal(wrong)).toEqual(invalidProof);
    expect(wrong.body.error_description).toMatch(/another key/);
    const right = await redeem(as, code, verifier, [await proof(key, { htu: TOKEN_URL })]);
    expect(right.status, right.text).toBe(200);
    expect((await verify(as, right.body.access_token)).payload.cnf).toEqual({ jkt: key.jkt });
  });

  it('refuses a dpop_jkt that is no thumbprint by redirect with invalid_request', async () => {
    const as = await withDpop();
    const res = await get(
      as,
      `${ISSUER}/authorize?response_type=code&client_id=client&redirect_uri=${encodeURIComponent(CALLBACK)}` +
        '&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&dpop_jkt=short',
    );
    expect(res.status).toBe(302);
    const location = new URL(String(res.headers.get('location')));
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });
});

describe('refresh tokens and DPoP (RFC 9449 §5)', () => {
  /** The public client `spa` gets tokens with a proof from `key`. */
  async function publicTokens(as: Awaited<ReturnType<typeof create>>) {
    const { code, verifier } = await authorize(as, { client_id: 'spa', scope: 'read offline_access' });
    const res = await dpopToken(
      as,
      {
        grant_type: 'authorization_code',
        client_id: 'spa',
        code,
        redirect_uri: CALLBACK,
        code_verifier: verifier,
      },
      [await proof(key, { htu: TOKEN_URL })],
    );
    expect(res.status, res.text).toBe(200);
    return res.body.refresh_token;
  }
  const refresh = (as: Awaited<ReturnType<typeof create>>, refreshToken: string, proofs: string[]) =>
    dpopToken(as, { grant_type: 'refresh_token', client_id: 'spa', refresh_token: refreshToken }, proofs);

  it("binds a public client's refresh token to its key: another key or none is refused", async () => {
    const as = await withDpop();
    const rt = await publicTokens(as);
    const wrong = await refresh(as, rt, [await proof(other, { htu: TOKEN_URL })]);
    expect(refusal(wrong)).toEqual(invalidProof);
    expect(refusal(await refresh(as, rt, []))).toEqual(invalidProof);
    // The refusals did not spend the token: the right key refreshes, and the rotated token stays bound.
    const right = await refresh(as, rt, [await proof(key, { htu: TOKEN_URL })]);
    expect(right.status, right.text).toBe(200);
    expect(right.body.token_type).toBe('DPoP');
    expect((await verify(as, right.body.access_token)).payload.cnf).toEqual({ jkt: key.jkt });
    const rotated = right.body.refresh_token;
    expect(refusal(await refresh(as, rotated, [await proof(other, { htu: TOKEN_URL })]))).toEqual(
      invalidProof,
    );
    expect((await refresh(as, rotated, [await proof(key, { htu: TOKEN_URL })])).status).toBe(200);
  });

  it("leaves a confidential client's refresh token unbound (its authentication constrains it)", async () => {
    const as = await withDpop();
    const { code, verifier } = await authorize(as, { scope: 'read offline_access' });
    const first = await dpopToken(
      as,
      { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier },
      [await proof(key, { htu: TOKEN_URL })],
      client,
    );
    expect(first.body.token_type).toBe('DPoP');
    const res = await token(
      as,
      { grant_type: 'refresh_token', refresh_token: first.body.refresh_token },
      client,
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });
});

describe('DPoP metadata and configuration', () => {
  const metadata = async (as: Awaited<ReturnType<typeof create>>) =>
    (await get(as, `${ISSUER}/.well-known/oauth-authorization-server`)).body;

  it('lists dpop_signing_alg_values_supported when on, and only then', async () => {
    expect((await metadata(await create())).dpop_signing_alg_values_supported).toBeUndefined();
    const all = (await metadata(await withDpop())).dpop_signing_alg_values_supported;
    expect(all).toEqual(expect.arrayContaining(['ES256', 'RS256', 'EdDSA']));
    expect(all).not.toContain('HS256');
    const some = await metadata(await withDpop({ algorithms: ['ES256'] }));
    expect(some.dpop_signing_alg_values_supported).toEqual(['ES256']);
  });

  it('refuses a proof signed with an algorithm left out of algorithms', async () => {
    const as = await withDpop({ algorithms: ['EdDSA'] });
    expect(refusal(await dpopToken(as, cc, [await proof(key, { htu: TOKEN_URL })], client))).toEqual(
      invalidProof,
    );
  });

  it('checks its options at start, naming the field', async () => {
    await expect(withDpop({ maxAge: 0 })).rejects.toThrow(/^dpop\.maxAge: .*positive/);
    await expect(withDpop({ algorithms: ['HS256' as never] })).rejects.toThrow(/^dpop\.algorithms: /);
    await expect(withDpop({ nonce: { secret: 'short' } })).rejects.toThrow(
      /^dpop\.nonce\.secret: .*32 bytes/,
    );
    await expect(withDpop({ requierd: true } as never)).rejects.toThrow(/did you mean "required"/);
    await expect(withDpop({ required: 'yes' as never })).rejects.toThrow(/^dpop\.required: /);
  });
});
