// End to end: the reference authorization server and three APIs (Express, Hono, Koa) on ephemeral loopback ports,
// driven by a client that only speaks HTTP. The proof the project exists for: a token minted for one API is
// refused by every other.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceOf, callApi, OAuthClient } from '../../examples/sample-stack/src/client.js';
import { APIS, type Api, CLIENTS, type Stack, startStack } from '../../examples/sample-stack/src/stack.js';
import { runWalkthrough } from '../../examples/sample-stack/src/walkthrough.js';

let stack: Stack;
let client: OAuthClient;
const PATHS: Record<Api, string> = { orders: '/orders', invoices: '/invoices', inventory: '/inventory' };
const READ: Record<Api, string> = {
  orders: 'orders:read',
  invoices: 'invoices:read',
  inventory: 'inventory:read',
};

beforeAll(async () => {
  stack = await startStack({
    ports: { as: 0, orders: 0, invoices: 0, inventory: 0, shipments: 0, ledger: 0 },
  });
  client = await OAuthClient.discover(stack.urls.as);
});
afterAll(() => stack?.close());

async function tokenFor(api: Api, scope = READ[api]): Promise<string> {
  const result = await client.clientCredentials(CLIENTS.service, { scope, resource: stack.urls[api] });
  expect(result.status).toBe(200);
  return String(result.body.access_token);
}

/** Parses an RFC 6750 challenge into its auth-params (quoted-string values only, as RFC 6750 §3 requires). */
function parseChallenge(header: string | null): Record<string, string> {
  expect(header).toMatch(/^Bearer /);
  const params: Record<string, string> = {};
  const rest = (header as string).slice('Bearer '.length);
  const re = /\s*([a-z_]+)="([\x20\x21\x23-\x5B\x5D-\x7E]*)"\s*(,|$)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  for (match = re.exec(rest); match; match = re.exec(rest)) {
    params[match[1] as string] = match[2] as string;
    consumed = re.lastIndex;
  }
  expect(consumed).toBe(rest.length);
  return params;
}

describe('client credentials, one token per API', () => {
  for (const api of APIS) {
    it(`a token asked for the ${api} API is accepted there with the right claims`, async () => {
      const token = await tokenFor(api);
      expect(audienceOf(token)).toEqual([stack.urls[api]]);
      const response = await callApi(`${stack.urls[api]}${PATHS[api]}`, token);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ api, subject: CLIENTS.service.clientId, scopes: [READ[api]] });
    });
  }
});

describe('cross-audience replay matrix (3 × 3)', () => {
  for (const tokenApi of APIS) {
    for (const api of APIS) {
      const expected = tokenApi === api ? '200' : '401 invalid_token';
      it(`${tokenApi} token at the ${api} API → ${expected}`, async () => {
        const response = await callApi(`${stack.urls[api]}${PATHS[api]}`, await tokenFor(tokenApi));
        if (tokenApi === api) {
          expect(response.status).toBe(200);
          return;
        }
        expect(response.status).toBe(401);
        expect(response.body.error).toBe('invalid_token');
        const challenge = parseChallenge(response.challenge);
        expect(challenge.error).toBe('invalid_token');
        expect(challenge.error_description).toBeTruthy();
      });
    }
  }
});

describe('authorization code + PKCE across two resources', () => {
  it('redeems for one resource, refreshes for the other, refuses one outside the grant', async () => {
    const { webApp } = CLIENTS;
    const grant = await client.authorize({
      clientId: webApp.clientId,
      redirectUri: webApp.redirectUri,
      scope: 'orders:read invoices:read offline_access',
      resources: [stack.urls.orders, stack.urls.invoices],
    });
    expect(grant.error).toBeNull();
    const redeemed = await client.redeemCode({ ...grantParams(grant), resource: stack.urls.orders });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.scope).toBe('orders:read');
    const ordersToken = String(redeemed.body.access_token);
    expect(audienceOf(ordersToken)).toEqual([stack.urls.orders]);
    expect((await callApi(`${stack.urls.orders}/orders`, ordersToken)).body).toMatchObject({
      subject: 'alice',
    });

    const refreshed = await client.refresh({
      clientId: webApp.clientId,
      refreshToken: String(redeemed.body.refresh_token),
      resource: stack.urls.invoices,
    });
    expect(refreshed.status).toBe(200);
    expect(audienceOf(String(refreshed.body.access_token))).toEqual([stack.urls.invoices]);
    expect(
      (await callApi(`${stack.urls.invoices}/invoices`, String(refreshed.body.access_token))).status,
    ).toBe(200);

    const outside = await client.refresh({
      clientId: webApp.clientId,
      refreshToken: String(refreshed.body.refresh_token),
      resource: stack.urls.inventory,
    });
    expect(outside).toMatchObject({ status: 400, body: { error: 'invalid_target' } });

    function grantParams(g: { code: string | null; verifier: string }) {
      return {
        clientId: webApp.clientId,
        redirectUri: webApp.redirectUri,
        code: g.code ?? '',
        verifier: g.verifier,
      };
    }
  });
});

describe('a token requested without resource', () => {
  it('names every resource owning the scope; accepted under the default policy, refused under exclusive', async () => {
    const result = await client.clientCredentials(CLIENTS.service, { scope: 'audit:read' });
    expect(result.status).toBe(200);
    const token = String(result.body.access_token);
    expect(audienceOf(token).sort()).toEqual([stack.urls.orders, stack.urls.invoices].sort());
    // orders runs the default policy: the token is accepted (and then lacks orders:read → 403, not 401).
    const atOrders = await callApi(`${stack.urls.orders}/orders`, token);
    expect(atOrders.status).toBe(403);
    expect(parseChallenge(atOrders.challenge)).toMatchObject({
      error: 'insufficient_scope',
      scope: 'orders:read',
    });
    // invoices runs the exclusive policy.
    const atInvoices = await callApi(`${stack.urls.invoices}/invoices`, token);
    expect(atInvoices.status).toBe(401);
    expect(atInvoices.body.error).toBe('invalid_token');
  });
});

describe('revocation and scopes', () => {
  it('a revoked refresh token stops working', async () => {
    const { webApp } = CLIENTS;
    const grant = await client.authorize({
      clientId: webApp.clientId,
      redirectUri: webApp.redirectUri,
      scope: 'orders:read offline_access',
      resources: [stack.urls.orders],
    });
    const redeemed = await client.redeemCode({
      clientId: webApp.clientId,
      redirectUri: webApp.redirectUri,
      code: grant.code ?? '',
      verifier: grant.verifier,
    });
    const refreshToken = String(redeemed.body.refresh_token);
    expect(await client.revoke({ clientId: webApp.clientId, token: refreshToken })).toBe(200);
    const after = await client.refresh({ clientId: webApp.clientId, refreshToken });
    expect(after).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a missing scope answers 403 naming the scope needed', async () => {
    const response = await callApi(`${stack.urls.orders}/orders`, await tokenFor('orders'), 'POST');
    expect(response.status).toBe(403);
    expect(parseChallenge(response.challenge)).toMatchObject({
      error: 'insufficient_scope',
      scope: 'orders:write',
    });
  });
});

describe('the demo walkthrough', () => {
  it('holds every expectation', async () => {
    const result = await runWalkthrough(stack, { step() {}, check() {}, matrix() {} });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.matrix).toHaveLength(9);
  });
});
