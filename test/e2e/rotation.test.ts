// Key rotation under traffic, end to end: the authorization server rotates its signing key while an Express API
// keeps serving. Old-key tokens keep working until they expire, new-key tokens are accepted after one JWKS refetch,
// and no request in between is wrongly refused.
import type { AddressInfo } from 'node:net';
import {
  type AuthorizationServer,
  createAuthorizationServer,
  type ListeningServer,
} from '@audguard/authorization-server';
import { createVerifier, type Verifier } from '@audguard/core';
import { guard } from '@audguard/express';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';

const RESOURCE = 'https://orders.example.test';
const LIFETIME = 2; // seconds of the shared test clock

let as: AuthorizationServer;
let asListener: ListeningServer;
let verifier: Verifier;
/**
 * One clock for the authorization server and the API, moved by the test: tokens expire when the test says, not when
 * a loaded machine happens to be slow, and the wait for expiry costs no real time.
 */
let now = Date.now();
const clock = () => now;
/** Every fetch the verifier makes (discovery documents and key sets). */
let keyFetches = 0;
let apiUrl: string;
let closeApi: () => void;

beforeAll(async () => {
  as = await createAuthorizationServer({
    resources: [{ id: RESOURCE, scopes: ['orders:read'] }],
    clients: [
      {
        clientId: 'job',
        clientSecret: 'job-secret',
        grantTypes: ['client_credentials'],
        scopes: ['orders:read'],
      },
    ],
    accessTokenLifetime: LIFETIME,
    now: clock,
  });
  asListener = await as.listen();
  verifier = createVerifier({
    issuer: as.issuer,
    audience: RESOURCE,
    clockTolerance: 0,
    clock,
    jwksOptions: {
      fetch: (input, init) => {
        keyFetches++;
        return fetch(input, init);
      },
    },
  });
  const app = express();
  app.get('/orders', guard(verifier), (_req, res) => {
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
  closeApi = () => server.close();
});

afterAll(async () => {
  closeApi?.();
  await asListener?.close();
});

async function token(): Promise<string> {
  const response = await as.fetch(
    new Request(`${as.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('job:job-secret').toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE }),
    }),
  );
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

const kidOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[0] as string, 'base64url').toString()).kid;

async function burst(tokens: string[], rounds: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const responses = await Promise.all(
      tokens.map((t) => fetch(apiUrl, { headers: { authorization: `Bearer ${t}` } })),
    );
    for (const r of responses) {
      statuses.push(r.status);
      await r.body?.cancel();
    }
  }
  return statuses;
}

it('rotates signing keys under traffic without a wrong refusal', async () => {
  const oldTokens = await Promise.all([token(), token(), token()]);
  expect(await burst(oldTokens, 3)).toEqual(Array(9).fill(200));
  const fetchesBefore = keyFetches;

  await as.rotateKeys();
  const newTokens = await Promise.all([token(), token(), token()]);
  expect(kidOf(newTokens[0] as string)).not.toBe(kidOf(oldTokens[0] as string));

  // Old and new tokens interleaved, concurrently: every one accepted.
  const statuses = await burst([...oldTokens, ...newTokens, ...oldTokens, ...newTokens], 5);
  expect(statuses.filter((s) => s !== 200)).toEqual([]);

  // The new key cost exactly one key-set fetch, however many requests carried it at once.
  const fetchesAfter = keyFetches;
  expect(fetchesAfter - fetchesBefore).toBe(1);

  // Old-key tokens stop working when they expire — not before, and not because of the rotation.
  now += (LIFETIME + 1) * 1000;
  const expired = await fetch(apiUrl, { headers: { authorization: `Bearer ${oldTokens[0]}` } });
  expect(expired.status).toBe(401);
  expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
  const fresh = await token();
  expect((await fetch(apiUrl, { headers: { authorization: `Bearer ${fresh}` } })).status).toBe(200);
});
