// Token introspection end to end: our authorization server issues reference (opaque) tokens for one API and JWTs for
// another, and the core's `introspection` option asks its /introspect over real loopback HTTP — through the Express
// and Hono adapters and through `verifier.verify`. A live reference token is accepted with its claims; a revoked one,
// or one minted for another API, is refused with 401; signed answers (RFC 9701) work the same; and a JWT introspected
// instead of verified locally is refused as soon as it is revoked.
import type { AddressInfo } from 'node:net';
import {
  type AuthorizationServer,
  createAuthorizationServer,
  type ListeningServer,
} from '@audguard/authorization-server';
import {
  type AuthError,
  createVerifier,
  type IntrospectionOptions,
  type JsonWebKey,
  type Verifier,
} from '@audguard/core';
import { guard as expressGuard } from '@audguard/express';
import { guard as honoGuard } from '@audguard/hono';
import express from 'express';
import { Hono } from 'hono';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LEDGER = 'https://ledger.example.test';
const BILLING = 'https://billing.example.test';
const ORDERS = 'https://orders.example.test';
const AUDIT = 'https://audit.example.test';

let as: AuthorizationServer;
let asListener: ListeningServer;
const closers: (() => void)[] = [];
/** The audit API's private key: it introspects with private_key_jwt (RFC 7523), the AS knows its public half. */
let auditKey: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  auditKey = { ...(await exportJWK(pair.privateKey)), alg: 'ES256', kid: 'audit-1' };
  const auditPublic = { ...(await exportJWK(pair.publicKey)), alg: 'ES256', kid: 'audit-1' };
  as = await createAuthorizationServer({
    resources: [
      {
        id: LEDGER,
        scopes: ['ledger:read'],
        accessTokenFormat: 'reference',
        introspectionClients: ['ledger-api'],
      },
      {
        id: BILLING,
        scopes: ['billing:read'],
        accessTokenFormat: 'reference',
        introspectionClients: ['billing-api'],
      },
      { id: ORDERS, scopes: ['orders:read'], introspectionClients: ['orders-api'] },
      {
        id: AUDIT,
        scopes: ['audit:read'],
        accessTokenFormat: 'reference',
        introspectionClients: ['audit-api'],
      },
    ],
    clients: [
      {
        clientId: 'job',
        clientSecret: 'job-secret',
        grantTypes: ['client_credentials'],
        scopes: ['ledger:read', 'billing:read', 'orders:read', 'audit:read'],
      },
      { clientId: 'ledger-api', clientSecret: 'ledger-api-secret', grantTypes: [], scopes: [] },
      { clientId: 'billing-api', clientSecret: 'billing-api-secret', grantTypes: [], scopes: [] },
      { clientId: 'orders-api', clientSecret: 'orders-api-secret', grantTypes: [], scopes: [] },
      { clientId: 'audit-api', jwks: { keys: [auditPublic] }, grantTypes: [], scopes: [] },
    ],
  });
  asListener = await as.listen();
});

afterAll(async () => {
  for (const close of closers) close();
  await asListener?.close();
});

const JOB = `Basic ${Buffer.from('job:job-secret').toString('base64')}`;

async function form(path: string, body: Record<string, string>): Promise<Response> {
  return fetch(`${as.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: JOB },
    body: new URLSearchParams(body),
  });
}

async function token(resource: string): Promise<string> {
  const response = await form('/token', { grant_type: 'client_credentials', resource });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function revoke(value: string): Promise<void> {
  expect((await form('/revoke', { token: value })).status).toBe(200);
}

/** A verifier for `audience` that introspects as `clientId`; no answer cache, so a revocation shows at once. */
function verifierFor(
  audience: string,
  clientId: string,
  extra: Partial<IntrospectionOptions> = {},
): Verifier {
  return createVerifier({
    issuer: as.issuer,
    audience,
    introspection: {
      endpoint: `${as.issuer}/introspect`,
      clientId,
      clientSecret: `${clientId}-secret`,
      cache: false,
      ...extra,
    },
  });
}

async function listen(app: { listen: express.Express['listen'] }): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closers.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An Express API at `/entries` answering the token's subject, client and scopes. */
async function expressApi(verifier: Verifier): Promise<string> {
  const app = express();
  app.get('/entries', expressGuard(verifier), (req, res) => {
    res.json({ sub: req.auth?.subject, client: req.auth?.clientId, scopes: [...(req.auth?.scopes ?? [])] });
  });
  return `${await listen(app)}/entries`;
}

/** The same API on Hono (served by the web-standard handler, no socket needed). */
function honoApi(verifier: Verifier): (value: string) => Promise<Response> {
  const app = new Hono();
  app.use('/entries', honoGuard(verifier));
  app.get('/entries', (c) => {
    const auth = c.get('auth');
    return c.json({ sub: auth?.subject, scopes: [...(auth?.scopes ?? [])] });
  });
  return (value) =>
    Promise.resolve(
      app.fetch(new Request('http://api.test/entries', { headers: { authorization: `Bearer ${value}` } })),
    );
}

const call = (url: string, value: string) => fetch(url, { headers: { authorization: `Bearer ${value}` } });

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error as AuthError,
  );
  if (outcome === undefined) throw new Error('accepted');
  return outcome;
}

describe('reference tokens checked by introspection against our authorization server', () => {
  it('accepts a live reference token with its claims (Express over HTTP)', async () => {
    const url = await expressApi(verifierFor(LEDGER, 'ledger-api'));
    const opaque = await token(LEDGER);
    expect(opaque).not.toContain('.');
    const response = await call(url, opaque);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'job', client: 'job', scopes: ['ledger:read'] });
  });

  it('refuses a revoked reference token with 401 invalid_token', async () => {
    const url = await expressApi(verifierFor(LEDGER, 'ledger-api'));
    const opaque = await token(LEDGER);
    expect((await call(url, opaque)).status).toBe(200);
    await revoke(opaque);
    const response = await call(url, opaque);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it("refuses another API's reference token with 401: the AS shows it to that API only", async () => {
    const url = await expressApi(verifierFor(LEDGER, 'ledger-api'));
    const response = await call(url, await token(BILLING));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    // And the API it is for accepts it.
    const billing = await expressApi(verifierFor(BILLING, 'billing-api'));
    expect((await call(billing, await token(BILLING))).status).toBe(200);
  });

  it('works the same on Hono, and with client_secret_post', async () => {
    const api = honoApi(verifierFor(LEDGER, 'ledger-api', { authMethod: 'client_secret_post' }));
    const opaque = await token(LEDGER);
    const response = await api(opaque);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'job', scopes: ['ledger:read'] });
    await revoke(opaque);
    expect((await api(opaque)).status).toBe(401);
  });

  it('accepts signed answers (RFC 9701) verified with the AS keys, and still honours revocation', async () => {
    const verifier = verifierFor(LEDGER, 'ledger-api', { signedResponses: true });
    const opaque = await token(LEDGER);
    const accepted = await verifier.verify(opaque, { scopes: ['ledger:read'] });
    expect([accepted.subject, accepted.issuer, accepted.audience]).toEqual(['job', as.issuer, [LEDGER]]);
    const url = await expressApi(verifier);
    expect((await call(url, opaque)).status).toBe(200);
    await revoke(opaque);
    expect((await refusal(verifier.verify(opaque))).reason).toBe('token_inactive');
  });

  it('authenticates with private_key_jwt (the core signs an assertion per request, aud = the issuer)', async () => {
    const verifier = createVerifier({
      issuer: as.issuer,
      audience: AUDIT,
      introspection: {
        endpoint: `${as.issuer}/introspect`,
        clientId: 'audit-api',
        privateKey: auditKey as JsonWebKey,
        cache: false,
      },
    });
    const opaque = await token(AUDIT);
    for (let i = 0; i < 2; i++) expect((await verifier.verify(opaque)).subject).toBe('job');
    await revoke(opaque);
    expect((await refusal(verifier.verify(opaque))).reason).toBe('token_inactive');
  });

  it('refuses wrong introspection credentials as the server being unusable (503), never as a bad token', async () => {
    const verifier = verifierFor(LEDGER, 'ledger-api', { clientSecret: 'wrong' });
    const error = await refusal(verifier.verify(await token(LEDGER)));
    expect([error.reason, error.status]).toEqual(['introspection_unavailable', 503]);
  });
});

describe('JWT access tokens introspected instead of verified locally (jwts: true)', () => {
  it('accepts a live JWT and refuses it the moment it is revoked', async () => {
    const verifier = verifierFor(ORDERS, 'orders-api', { jwts: true });
    const jwt = await token(ORDERS);
    expect(jwt.split('.')).toHaveLength(3);
    const url = await expressApi(verifier);
    expect((await call(url, jwt)).status).toBe(200);
    await revoke(jwt);
    expect((await call(url, jwt)).status).toBe(401);
    // A verifier that checks the JWT locally does not see the revocation: the reason to introspect.
    const local = createVerifier({ issuer: as.issuer, audience: ORDERS });
    expect((await local.verify(jwt)).subject).toBe('job');
  });

  it("refuses another API's (reference) token through introspection (401)", async () => {
    const verifier = verifierFor(ORDERS, 'orders-api', { jwts: true });
    const error = await refusal(verifier.verify(await token(LEDGER)));
    expect([error.reason, error.status]).toEqual(['token_inactive', 401]);
  });
});
