// The client walkthrough behind `pnpm demo`: request tokens the way RFC 8707 intends, then replay every token at
// every API. Each step states what should happen and records whether it did.

import { audienceOf, callApi, OAuthClient } from './client.js';
import { APIS, type Api, CLIENTS, type Stack } from './stack.js';
import { dpopWalkthrough } from './walkthrough-dpop.js';
import { runReferenceTokenSteps } from './walkthrough-introspection.js';

export interface Check {
  step: string;
  label: string;
  ok: boolean;
  detail: string;
}

export interface MatrixCell {
  token: Api;
  api: Api;
  status: number;
  error: string | undefined;
  ok: boolean;
}

export interface WalkthroughResult {
  checks: Check[];
  matrix: MatrixCell[];
}

/** Where the walkthrough reports as it goes (the demo prints; tests collect). */
export interface Reporter {
  step(title: string): void;
  check(check: Check): void;
  matrix(cells: MatrixCell[]): void;
}

const PATHS: Record<Api, string> = { orders: '/orders', invoices: '/invoices', inventory: '/inventory' };
const READ_SCOPE: Record<Api, string> = {
  orders: 'orders:read',
  invoices: 'invoices:read',
  inventory: 'inventory:read',
};

export async function runWalkthrough(stack: Stack, reporter: Reporter): Promise<WalkthroughResult> {
  const checks: Check[] = [];
  let step = '';
  const begin = (title: string) => {
    step = title;
    reporter.step(title);
  };
  const expect = (label: string, ok: boolean, detail: string) => {
    const check = { step, label, ok, detail };
    checks.push(check);
    reporter.check(check);
    return ok;
  };
  const url = (api: Api) => `${stack.urls[api]}${PATHS[api]}`;

  begin('Discovery (RFC 8414)');
  const client = await OAuthClient.discover(stack.urls.as);
  expect(
    'metadata document names the issuer and S256 PKCE',
    client.metadata.issuer === stack.urls.as &&
      (client.metadata.code_challenge_methods_supported ?? []).includes('S256'),
    `issuer ${client.metadata.issuer}`,
  );

  begin('Client credentials: one token per API, asked for with resource=<API URL>');
  const tokens = {} as Record<Api, string>;
  for (const api of APIS) {
    const result = await client.clientCredentials(CLIENTS.service, {
      scope: READ_SCOPE[api],
      resource: stack.urls[api],
    });
    const token = String(result.body.access_token ?? '');
    tokens[api] = token;
    const aud = token ? audienceOf(token) : [];
    expect(
      `resource=${stack.urls[api]} scope=${READ_SCOPE[api]}`,
      result.status === 200 &&
        aud.length === 1 &&
        aud[0] === stack.urls[api] &&
        result.body.scope === READ_SCOPE[api],
      result.status === 200
        ? `aud ${aud.join(' ')}, scope "${String(result.body.scope)}"`
        : `${result.status} ${String(result.body.error)}`,
    );
  }

  begin('Cross-audience replay: every token at every API');
  const matrix: MatrixCell[] = [];
  for (const tokenApi of APIS) {
    for (const api of APIS) {
      const response = await callApi(url(api), tokens[tokenApi]);
      const error = typeof response.body.error === 'string' ? response.body.error : undefined;
      const expected =
        tokenApi === api ? response.status === 200 : response.status === 401 && error === 'invalid_token';
      const challengeOk =
        tokenApi === api || /^Bearer .*error="invalid_token"/.test(response.challenge ?? '');
      matrix.push({ token: tokenApi, api, status: response.status, error, ok: expected && challengeOk });
    }
  }
  reporter.matrix(matrix);
  for (const cell of matrix) {
    checks.push({
      step,
      label: `${cell.token} token at the ${cell.api} API`,
      ok: cell.ok,
      detail: `${cell.status}${cell.error ? ` ${cell.error}` : ''}`,
    });
  }

  begin('Authorization code + PKCE for two APIs, then one token per API');
  const { webApp } = CLIENTS;
  const grant = await client.authorize({
    clientId: webApp.clientId,
    redirectUri: webApp.redirectUri,
    scope: 'orders:read invoices:read offline_access',
    resources: [stack.urls.orders, stack.urls.invoices],
  });
  expect(
    'authorize with resource=orders and resource=invoices → code',
    grant.code !== null,
    grant.error ?? 'code issued',
  );
  const redeemed = await client.redeemCode({
    clientId: webApp.clientId,
    redirectUri: webApp.redirectUri,
    code: grant.code ?? '',
    verifier: grant.verifier,
    resource: stack.urls.orders,
  });
  const ordersToken = String(redeemed.body.access_token ?? '');
  expect(
    'redeem the code for the orders API → aud orders, scope narrowed to orders:read',
    redeemed.status === 200 &&
      audienceOf(ordersToken).join() === stack.urls.orders &&
      redeemed.body.scope === 'orders:read',
    `${redeemed.status} scope "${String(redeemed.body.scope)}"`,
  );
  const refreshToken = String(redeemed.body.refresh_token ?? '');
  const forInvoices = await client.refresh({
    clientId: webApp.clientId,
    refreshToken,
    resource: stack.urls.invoices,
  });
  const invoicesToken = String(forInvoices.body.access_token ?? '');
  expect(
    'refresh for the invoices API → aud invoices, scope invoices:read',
    forInvoices.status === 200 && audienceOf(invoicesToken).join() === stack.urls.invoices,
    `${forInvoices.status} scope "${String(forInvoices.body.scope)}"`,
  );
  const ordersCall = await callApi(url('orders'), ordersToken);
  const invoicesCall = await callApi(url('invoices'), invoicesToken);
  const swapped = await callApi(url('invoices'), ordersToken);
  expect(
    'each user token works at its own API',
    ordersCall.status === 200 && invoicesCall.status === 200,
    `${ordersCall.status}, ${invoicesCall.status}`,
  );
  expect(
    'the orders token replayed at invoices → 401',
    swapped.status === 401,
    `${swapped.status} ${String(swapped.body.error)}`,
  );
  const rotated = String(forInvoices.body.refresh_token ?? '');
  const outside = await client.refresh({
    clientId: webApp.clientId,
    refreshToken: rotated,
    resource: stack.urls.inventory,
  });
  expect(
    'refresh for inventory, outside the grant → invalid_target',
    outside.status === 400 && outside.body.error === 'invalid_target',
    `${outside.status} ${String(outside.body.error)}`,
  );

  begin('No resource parameter: a multi-audience token');
  const shared = await client.clientCredentials(CLIENTS.service, { scope: 'audit:read' });
  const sharedToken = String(shared.body.access_token ?? '');
  const sharedAud = sharedToken ? audienceOf(sharedToken) : [];
  expect(
    'scope=audit:read without resource → aud names orders and invoices',
    shared.status === 200 && sharedAud.includes(stack.urls.orders) && sharedAud.includes(stack.urls.invoices),
    `aud ${sharedAud.join(' ')}`,
  );
  const atOrders = await callApi(`${stack.urls.orders}/orders`, sharedToken);
  expect(
    'orders (default policy): audience ok, orders:read missing → 403 insufficient_scope',
    atOrders.status === 403 && atOrders.body.error === 'insufficient_scope',
    `${atOrders.status} ${String(atOrders.body.error)}`,
  );
  const atInvoices = await callApi(url('invoices'), sharedToken);
  expect(
    'invoices (exclusive policy) refuses a token shared with another API → 401',
    atInvoices.status === 401 && atInvoices.body.error === 'invalid_token',
    `${atInvoices.status} ${String(atInvoices.body.error)}`,
  );
  const noIndicator = await client.clientCredentials(CLIENTS.service, { scope: 'inventory:read' });
  expect(
    'inventory requires a resource indicator: its scope alone → invalid_target',
    noIndicator.status === 400 && noIndicator.body.error === 'invalid_target',
    `${noIndicator.status} ${String(noIndicator.body.error)}`,
  );

  begin('Scopes and revocation');
  const write = await callApi(url('orders'), ordersToken, 'POST');
  expect(
    'POST /orders with only orders:read → 403, challenge names orders:write',
    write.status === 403 && /scope="orders:write"/.test(write.challenge ?? ''),
    `${write.status} ${write.challenge ?? ''}`,
  );
  const again = await client.refresh({
    clientId: webApp.clientId,
    refreshToken: rotated,
    resource: stack.urls.orders,
  });
  expect(
    'the refused request did not burn the refresh token: it still rotates',
    again.status === 200 && typeof again.body.refresh_token === 'string',
    `${again.status}`,
  );
  const latest = String(again.body.refresh_token ?? '');
  const revoked = await client.revoke({ clientId: webApp.clientId, token: latest });
  const afterRevoke = await client.refresh({
    clientId: webApp.clientId,
    refreshToken: latest,
    resource: stack.urls.orders,
  });
  expect(
    'a revoked refresh token stops working → invalid_grant',
    revoked === 200 && afterRevoke.status === 400 && afterRevoke.body.error === 'invalid_grant',
    `revoke ${revoked}, then ${afterRevoke.status} ${String(afterRevoke.body.error)}`,
  );
  const forged = `${tokens.orders.slice(0, tokens.orders.lastIndexOf('.') + 1)}${'A'.repeat(342)}`;
  const forgedCall = await callApi(url('orders'), forged);
  expect(
    'a token with a forged signature → 401 invalid_token',
    forgedCall.status === 401,
    `${forgedCall.status}`,
  );

  begin("DPoP (RFC 9449): a sender-constrained token at the shipments API (dpop: 'required')");
  await dpopWalkthrough(stack, client, expect);

  await runReferenceTokenSteps(stack, client, { begin, expect });
  return { checks, matrix };
}
