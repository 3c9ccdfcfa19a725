// The walkthrough's DPoP part (RFC 9449): a token bound to the client's key works at the shipments API (dpop:
// 'required') with a fresh proof; the same token without its proof, a replayed proof, and a proof by another key are
// refused. Each step states what should happen and records whether it did.
import { callApiWith, type OAuthClient } from './client.js';
import { DpopKey } from './dpop-client.js';
import { CLIENTS, type Stack } from './stack.js';

/** Records one expectation; true when it held. */
type Expect = (label: string, ok: boolean, detail: string) => boolean;

const claimsOf = (token: string): Record<string, unknown> => {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
  } catch {
    return {};
  }
};

export async function dpopWalkthrough(stack: Stack, client: OAuthClient, expect: Expect): Promise<void> {
  const key = new DpopKey();
  const tokenEndpoint = client.metadata.token_endpoint;
  expect(
    'the authorization server lists dpop_signing_alg_values_supported',
    (client.metadata.dpop_signing_alg_values_supported ?? []).includes('ES256'),
    (client.metadata.dpop_signing_alg_values_supported ?? []).join(' '),
  );
  const issued = await client.clientCredentials(CLIENTS.service, {
    scope: 'shipments:read',
    resource: stack.urls.shipments,
    dpopProof: key.proof('POST', tokenEndpoint),
  });
  const token = String(issued.body.access_token ?? '');
  const cnf = claimsOf(token).cnf as { jkt?: unknown } | undefined;
  expect(
    'client credentials with a DPoP proof → token_type DPoP, cnf.jkt = the client key',
    issued.status === 200 && issued.body.token_type === 'DPoP' && cnf?.jkt === key.thumbprint,
    issued.status === 200
      ? `token_type ${String(issued.body.token_type)}, cnf.jkt ${String(cnf?.jkt)}`
      : `${issued.status} ${String(issued.body.error)}`,
  );

  const url = `${stack.urls.shipments}/shipments`;
  const proof = key.proof('GET', url, token);
  const ok = await callApiWith(url, { authorization: `DPoP ${token}`, dpop: proof });
  expect(
    'the token with a fresh proof → 200',
    ok.status === 200 && ok.body.boundTo === key.thumbprint,
    `${ok.status}`,
  );
  const bearer = await callApiWith(url, { authorization: `Bearer ${token}` });
  expect(
    'the same token without its proof (as Bearer) → 401 invalid_token, DPoP challenge',
    bearer.status === 401 &&
      bearer.body.error === 'invalid_token' &&
      /(^|, )DPoP .*error="invalid_token"/.test(bearer.challenge ?? ''),
    `${bearer.status} ${String(bearer.body.error)}`,
  );
  const replayed = await callApiWith(url, { authorization: `DPoP ${token}`, dpop: proof });
  expect(
    'the same proof replayed → 401 invalid_dpop_proof',
    replayed.status === 401 &&
      replayed.body.error === 'invalid_dpop_proof' &&
      /error="invalid_dpop_proof"/.test(replayed.challenge ?? ''),
    `${replayed.status} ${String(replayed.body.error)}`,
  );
  const thief = new DpopKey();
  const stolen = await callApiWith(url, {
    authorization: `DPoP ${token}`,
    dpop: thief.proof('GET', url, token),
  });
  expect(
    "the token with a proof by another key (a thief's) → 401 invalid_token",
    stolen.status === 401 && stolen.body.error === 'invalid_token',
    `${stolen.status} ${String(stolen.body.error)}`,
  );
}
