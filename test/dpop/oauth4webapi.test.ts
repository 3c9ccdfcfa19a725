/**
 * oauth4webapi — the client library users pick — obtains a DPoP-bound token from our authorization server over real
 * HTTP on loopback (authorization code + PKCE for a public client, `dpop_jkt`, server nonces, a refresh) and uses it
 * at an Express API guarded with `dpop: 'required'`; the same token without its proof, and a replayed proof, are
 * refused with the status, error and challenge RFC 9449 §7 asks for.
 *
 * The oauth4webapi calls follow its documentation (v3, github.com/panva/oauth4webapi/tree/main/docs):
 * `DPoP(client, keyPair)`, a handle that signs proofs and keeps server nonces, with `calculateThumbprint()` for
 * `dpop_jkt` (docs/functions/DPoP.md); `isDPoPNonceError(err)`, "whether an error requires retrying the request with
 * a fresh DPoP nonce" (docs/functions/isDPoPNonceError.md) — so one retry is the nonce round trip;
 * `authorizationCodeGrantRequest` / `processAuthorizationCodeResponse`, `refreshTokenGrantRequest` /
 * `processRefreshTokenResponse` and `protectedResourceRequest` with the `DPoP` option (their docs/functions pages);
 * `allowInsecureRequests` for http on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthorizationServer, createAuthorizationServer } from '@audguard/authorization-server';
import { guard } from '@audguard/express';
import express from 'express';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { challenges } from './challenge.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const client: oauth.Client = { client_id: 'spa' };
const insecure = { [oauth.allowInsecureRequests]: true } as const;

let api: Server;
let apiUrl: string;
let asServer: { url: string; close(): Promise<void> };
let authorizationServer: AuthorizationServer;
let metadata: oauth.AuthorizationServer;
/** Every DPoP header oauth4webapi sent to the API, in order. */
const sentProofs: string[] = [];
/** How many token requests came back `use_dpop_nonce`. */
let nonceRetries = 0;

beforeAll(async () => {
  // The API binds first: its URL is its resource identifier at the authorization server.
  const app = express();
  api = createServer(app);
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

  authorizationServer = await createAuthorizationServer({
    resources: [{ id: apiUrl, name: 'Orders', scopes: ['orders:read'] }],
    clients: [
      {
        clientId: 'spa',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [REDIRECT_URI],
        scopes: ['orders:read'],
      },
    ],
    autoApprove: 'alice',
    dpop: { nonce: { secret: 'oauth4webapi-e2e-nonce-secret-32bytes!' } },
  });
  asServer = await authorizationServer.listen();

  app.use(guard({ issuer: asServer.url, audience: apiUrl, dpop: 'required' }));
  app.get('/orders', (req, res) => {
    res.json({
      subject: req.auth?.subject,
      jkt: (req.auth?.claims.cnf as { jkt?: string } | undefined)?.jkt,
    });
  });

  const issuer = new URL(asServer.url);
  metadata = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
  );
});

afterAll(async () => {
  await asServer?.close();
  await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()));
});

/** A token-endpoint call, retried once when the server asks for a fresh nonce (the handle has kept it). */
async function withNonceRetry<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error;
    nonceRetries += 1;
    return call();
  }
}

/** Authorization code + PKCE with `dpop_jkt`, auto-approved; the code redeemed with a proof from `DPoP`. */
async function obtainTokens(DPoP: oauth.DPoPHandle): Promise<oauth.TokenEndpointResponse> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(String(metadata.authorization_endpoint));
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    scope: 'orders:read offline_access',
    resource: apiUrl,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    dpop_jkt: await DPoP.calculateThumbprint(),
  }).toString();
  const redirect = await fetch(url, { redirect: 'manual' });
  expect(redirect.status).toBe(302);
  const params = oauth.validateAuthResponse(
    metadata,
    client,
    new URL(String(redirect.headers.get('location'))),
    state,
  );
  return withNonceRetry(async () =>
    oauth.processAuthorizationCodeResponse(
      metadata,
      client,
      await oauth.authorizationCodeGrantRequest(
        metadata,
        client,
        oauth.None(),
        params,
        REDIRECT_URI,
        codeVerifier,
        {
          DPoP,
          ...insecure,
        },
      ),
    ),
  );
}

/** A GET of the API through oauth4webapi with its DPoP handle; records the proof it sent. */
function callApi(accessToken: string, DPoP: oauth.DPoPHandle): Promise<Response> {
  return oauth.protectedResourceRequest(
    accessToken,
    'GET',
    new URL(`${apiUrl}/orders`),
    undefined,
    undefined,
    {
      DPoP,
      ...insecure,
      [oauth.customFetch]: (input, init) => {
        const proof = new Headers(init?.headers).get('dpop');
        if (proof !== null) sentProofs.push(proof);
        return fetch(input, init as RequestInit);
      },
    },
  );
}

async function refusal(response: Response) {
  return {
    status: response.status,
    body: (await response.json()) as { error?: string },
    challenge: challenges(response.headers.get('www-authenticate') ?? undefined),
  };
}

describe('oauth4webapi against our authorization server and a DPoP-required API', () => {
  let DPoP: oauth.DPoPHandle;
  let tokens: oauth.TokenEndpointResponse;

  beforeAll(async () => {
    DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    tokens = await obtainTokens(DPoP);
  });

  it('obtains a DPoP-bound token, after one use_dpop_nonce round trip the library handles', async () => {
    expect(tokens.token_type).toBe('dpop');
    expect(nonceRetries).toBe(1);
    expect(metadata.dpop_signing_alg_values_supported).toContain('ES256');
  });

  it('calls the API with the token and its proof: 200, bound to the client key', async () => {
    const response = await callApi(tokens.access_token, DPoP);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subject: 'alice', jkt: await DPoP.calculateThumbprint() });
  });

  it('refuses the same token as Bearer (no proof): 401 invalid_token with the DPoP challenge', async () => {
    const response = await fetch(`${apiUrl}/orders`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const { status, body, challenge } = await refusal(response);
    expect(status).toBe(401);
    expect(body.error).toBe('invalid_token');
    expect(challenge.DPoP).toMatchObject({ error: 'invalid_token', algs: expect.stringContaining('ES256') });
  });

  it('refuses the token with the DPoP scheme but no proof: 400 invalid_request', async () => {
    const response = await fetch(`${apiUrl}/orders`, {
      headers: { authorization: `DPoP ${tokens.access_token}` },
    });
    const { status, body, challenge } = await refusal(response);
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
    expect(challenge.DPoP?.error).toBe('invalid_request');
  });

  it('refuses a replay of the proof oauth4webapi sent: 401 invalid_dpop_proof', async () => {
    expect((await callApi(tokens.access_token, DPoP)).status).toBe(200);
    const proof = sentProofs.at(-1);
    expect(proof).toBeDefined();
    const response = await fetch(`${apiUrl}/orders`, {
      headers: { authorization: `DPoP ${tokens.access_token}`, dpop: String(proof) },
    });
    const { status, body, challenge } = await refusal(response);
    expect(status).toBe(401);
    expect(body.error).toBe('invalid_dpop_proof');
    expect(challenge.DPoP?.error).toBe('invalid_dpop_proof');
  });

  it('refreshes with a proof from the same key; the new token works; another key cannot refresh', async () => {
    const refreshToken = String(tokens.refresh_token);
    const thief = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const stolen = await withNonceRetry(async () =>
      oauth.processRefreshTokenResponse(
        metadata,
        client,
        await oauth.refreshTokenGrantRequest(metadata, client, oauth.None(), refreshToken, {
          DPoP: thief,
          ...insecure,
        }),
      ),
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(stolen).toBeInstanceOf(oauth.ResponseBodyError);
    expect((stolen as oauth.ResponseBodyError).error).toBe('invalid_dpop_proof');
    expect((stolen as oauth.ResponseBodyError).status).toBe(400);

    const refreshed = await withNonceRetry(async () =>
      oauth.processRefreshTokenResponse(
        metadata,
        client,
        await oauth.refreshTokenGrantRequest(metadata, client, oauth.None(), refreshToken, {
          DPoP,
          ...insecure,
        }),
      ),
    );
    expect(refreshed.token_type).toBe('dpop');
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect((await callApi(refreshed.access_token, DPoP)).status).toBe(200);
  });
});
