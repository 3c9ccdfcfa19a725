// The walkthrough's reference-token steps: the ledger API gets opaque tokens and checks each by introspection
// (RFC 7662) at the authorization server. A live one works, a JWT API cannot read it, and once revoked it is
// refused at once — what a JWT, verified locally until it expires, cannot do.
import { callApi, type OAuthClient } from './client.js';
import { CLIENTS, type Stack } from './stack.js';

/** The walkthrough's step and expectation recorders. */
export interface StepRecorder {
  begin(title: string): void;
  expect(label: string, ok: boolean, detail: string): boolean;
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export async function runReferenceTokenSteps(
  stack: Stack,
  client: OAuthClient,
  { begin, expect }: StepRecorder,
): Promise<void> {
  begin('Reference tokens: the ledger API introspects opaque tokens (RFC 7662)');
  const metadata = client.metadata as unknown as Record<string, unknown>;
  const endpoint = metadata.introspection_endpoint;
  expect(
    'metadata names the introspection endpoint',
    endpoint === `${stack.urls.as}/introspect`,
    `introspection_endpoint ${String(endpoint)}`,
  );
  const issued = await client.clientCredentials(CLIENTS.service, {
    scope: 'ledger:read',
    resource: stack.urls.ledger,
  });
  const opaque = String(issued.body.access_token ?? '');
  expect(
    `resource=${stack.urls.ledger} → an opaque reference token, not a JWT`,
    issued.status === 200 && opaque.length > 0 && !opaque.includes('.'),
    issued.status === 200 ? `${opaque.slice(0, 12)}… (${opaque.length} characters)` : `${issued.status}`,
  );
  const ledger = `${stack.urls.ledger}/ledger`;
  const accepted = await callApi(ledger, opaque);
  expect(
    'the ledger API asks the authorization server and accepts it → 200',
    accepted.status === 200 && accepted.body.subject === CLIENTS.service.clientId,
    `${accepted.status} subject ${String(accepted.body.subject)}`,
  );
  const atOrders = await callApi(`${stack.urls.orders}/orders`, opaque);
  expect(
    'the reference token at the orders API (JWTs only) → 401 invalid_token',
    atOrders.status === 401 && atOrders.body.error === 'invalid_token',
    `${atOrders.status} ${String(atOrders.body.error)}`,
  );
  const ordersJwt = await client.clientCredentials(CLIENTS.service, {
    scope: 'orders:read',
    resource: stack.urls.orders,
  });
  const jwtAtLedger = await callApi(ledger, String(ordersJwt.body.access_token ?? ''));
  expect(
    "an orders token at the ledger API → 401: not this API's",
    jwtAtLedger.status === 401 && jwtAtLedger.body.error === 'invalid_token',
    `${jwtAtLedger.status} ${String(jwtAtLedger.body.error)}`,
  );
  const revocation = await fetch(client.metadata.revocation_endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basic(CLIENTS.service.clientId, CLIENTS.service.clientSecret),
    },
    body: new URLSearchParams({ token: opaque, token_type_hint: 'access_token' }),
  });
  await revocation.body?.cancel();
  const refused = await callApi(ledger, opaque);
  expect(
    'revoked at the authorization server → refused at the next request, 401 invalid_token',
    revocation.status === 200 && refused.status === 401 && refused.body.error === 'invalid_token',
    `revoke ${revocation.status}, then ${refused.status} ${String(refused.body.error)}`,
  );
}
