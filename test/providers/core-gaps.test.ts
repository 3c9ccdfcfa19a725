/**
 * Where the core did not do what its documentation (or the issue) said, found while writing the recipes; fixed since.
 * Each test states the documented behaviour.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer } from 'node:http';
import { createVerifier, type DecisionEvent } from '@audguard/core';
import { guard, requireScopes } from '@audguard/express';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { nodeTarget } from '../adapters/transport.js';
import { at, providerKey, signToken } from './keys.js';

const ISSUER = 'https://sso.example.com/realms/acme';

async function keycloakLike() {
  const key = await providerKey();
  const options = { issuer: ISSUER, jwks: { keys: [key.jwk] } };
  const token = (claims: Record<string, unknown>) =>
    signToken(
      key,
      { typ: 'JWT', kid: key.kid },
      { iss: ISSUER, sub: 'jane', iat: at(-10), exp: at(290), ...claims },
    );
  return { options, token };
}

function recording() {
  const events: DecisionEvent[] = [];
  const record = (event: unknown) => events.push(event as DecisionEvent);
  subscribe('audguard:decision', record);
  return { events, stop: () => unsubscribe('audguard:decision', record) };
}

describe('gaps the recipes found in the core, now closed', () => {
  it('with audience AND clientId, a token without aud is refused (README: only "with no audience" may aud be absent)', async () => {
    // A Keycloak client without an audience mapper mints tokens with no `aud` at all. An API that names its
    // audience and also restricts clients must not accept them: the token says nothing about which API it is for.
    const { options, token } = await keycloakLike();
    const verifier = createVerifier({ ...options, audience: 'orders-api', clientId: ['web-app'] });
    await expect(verifier.verify(await token({ azp: 'web-app' }))).rejects.toMatchObject({
      reason: 'missing_claim',
      claim: 'aud',
    });
  });

  it('a 403 from requireScopes reaches the audguard:decision audit channel as a refusal', async () => {
    const { options, token } = await keycloakLike();
    const app = express();
    app.use(guard({ ...options, audience: 'orders-api' }));
    app.get('/orders', requireScopes('orders:write'), (_req, res) => {
      res.json({ ok: true });
    });
    const target = await nodeTarget(createServer(app));
    const { events, stop } = recording();
    try {
      const response = await target.send({
        path: '/orders',
        headers: [['Authorization', `Bearer ${await token({ aud: 'orders-api', scope: 'orders:read' })}`]],
      });
      expect(response.status).toBe(403);
      // Two decisions: the guard accepted the token, the route refused it for its scopes.
      expect(events.map((e) => [e.outcome, e.reason])).toEqual([
        ['accepted', undefined],
        ['refused', 'insufficient_scope'],
      ]);
    } finally {
      stop();
      await target.close();
    }
  });

  it('under an Express mount path, the audit event names the path the client requested', async () => {
    const { options, token } = await keycloakLike();
    const app = express();
    app.use('/data/tenant/:tenant', guard({ ...options, audience: 'orders-api' }));
    app.get('/data/tenant/:tenant/records', (_req, res) => {
      res.json({ ok: true });
    });
    const target = await nodeTarget(createServer(app));
    const { events, stop } = recording();
    try {
      const response = await target.send({
        path: '/data/tenant/acme/records',
        headers: [['Authorization', `Bearer ${await token({ aud: 'orders-api' })}`]],
      });
      expect(response.status).toBe(200);
      // Not "/records": the core reads `req.originalUrl`, since Express rewrites `req.url` below a mount path.
      expect(events.map((e) => e.path)).toEqual(['/data/tenant/acme/records']);
    } finally {
      stop();
      await target.close();
    }
  });
});
