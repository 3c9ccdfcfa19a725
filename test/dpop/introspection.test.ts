/**
 * Opaque tokens through the three adapters: the verifier asks a real introspection endpoint on loopback (a small
 * one, test/introspection-server.ts in the core; our authorization server's comes later), and each framework
 * answers what the core decided — 200, 401 with the Bearer challenge, or 503 with Retry-After and no challenge when
 * the server is slow, down or unusable.
 */
import { createServer, type Server } from 'node:http';
import type { JsonWebKey, VerifierOptions } from '@audguard/core';
import { guard as expressGuard } from '@audguard/express';
import { guard as honoGuard } from '@audguard/hono';
import { guard as koaGuard } from '@audguard/koa';
import Router from '@koa/router';
import express from 'express';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type IntrospectionServer,
  startIntrospectionServer,
} from '../../packages/core/test/introspection-server.js';
import { key } from '../hostile/attacks/forge.js';
import { type AttackResponse, close, listen, sendFetch, sendHttp } from '../hostile/attacks/wire.js';
import { challenges } from './challenge.js';
import { AUDIENCE, ISSUER } from './world.js';

let endpoint: IntrospectionServer;
const signer = key('ES256', 'as-introspection');

beforeAll(async () => {
  endpoint = await startIntrospectionServer({
    issuer: ISSUER,
    clientId: 'orders-api',
    clientSecret: 'secret',
  });
  const active = (claims: Record<string, unknown>) => (now: number) => ({
    active: true,
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'alice',
    scope: 'orders:read',
    exp: now + 300,
    ...claims,
  });
  endpoint.answer('good-token', active({}));
  endpoint.answer('billing-token', active({ aud: 'https://billing.example.com' }));
  endpoint.answer('revoked-token', { active: false });
});
afterAll(() => endpoint.stop());

function options(url: string): VerifierOptions {
  return {
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [signer.jwk as JsonWebKey] },
    introspection: {
      endpoint: url,
      clientId: 'orders-api',
      clientSecret: 'secret',
      timeoutMs: 500,
      cache: false,
    },
  };
}

type Send = (path: string, token: string) => Promise<AttackResponse>;

async function nodeApp(server: Server): Promise<{ send: Send; close(): Promise<void> }> {
  const origin = await listen(server);
  return {
    send: (path, token) => sendHttp(origin, { path, headers: [['Authorization', `Bearer ${token}`]] }),
    close: () => close(server),
  };
}

/** `/orders` asks the live endpoint; `/down` a closed port. */
const APPS: [string, (url: string, down: string) => Promise<{ send: Send; close(): Promise<void> }>][] = [
  [
    'express',
    (url, down) => {
      const app = express();
      app.get('/orders', expressGuard(options(url)), (req, res) => {
        res.json({ subject: req.auth?.subject });
      });
      app.get('/down', expressGuard(options(down)), (req, res) => {
        res.json({ subject: req.auth?.subject });
      });
      return nodeApp(createServer(app));
    },
  ],
  [
    'koa',
    (url, down) => {
      const router = new Router();
      router.get('/orders', koaGuard(options(url)), (ctx) => {
        ctx.body = { subject: ctx.state.auth?.subject };
      });
      router.get('/down', koaGuard(options(down)), (ctx) => {
        ctx.body = { subject: ctx.state.auth?.subject };
      });
      return nodeApp(createServer(new Koa().use(router.routes()).callback()));
    },
  ],
  [
    'hono',
    async (url, down) => {
      const app = new Hono();
      app.get('/orders', honoGuard(options(url)), (c) => c.json({ subject: c.get('auth').subject }));
      app.get('/down', honoGuard(options(down)), (c) => c.json({ subject: c.get('auth').subject }));
      const send: Send = (path, token) =>
        sendFetch((r) => app.request(r), { path, headers: [['Authorization', `Bearer ${token}`]] });
      return { send, close: async () => {} };
    },
  ],
];

describe.each(APPS)('%s', (_name, build) => {
  let app: Awaited<ReturnType<(typeof APPS)[number][1]>>;
  beforeAll(async () => {
    const closed = await startIntrospectionServer({ issuer: ISSUER, clientId: 'x', clientSecret: 'y' });
    const downUrl = closed.url;
    await closed.stop();
    app = await build(endpoint.url, downUrl);
  });
  afterAll(() => app.close());

  it('passes an active token', async () => {
    const response = await app.send('/orders', 'good-token');
    expect([response.status, response.json?.subject]).toEqual([200, 'alice']);
  });

  it.each([
    ['an inactive token', 'revoked-token'],
    ['a token for another audience', 'billing-token'],
    ['a token the server does not know', 'never-issued'],
  ])('refuses %s with 401 and the Bearer challenge', async (_label, token) => {
    const response = await app.send('/orders', token);
    expect(response.status).toBe(401);
    expect(challenges(response.headers['www-authenticate']).Bearer?.error).toBe('invalid_token');
  });

  it('answers 503 with Retry-After when the server is down', async () => {
    const response = await app.send('/down', 'good-token');
    expect([response.status, response.headers['retry-after'], response.json?.error]).toEqual([
      503,
      '1',
      'temporarily_unavailable',
    ]);
    expect(response.headers['www-authenticate']).toBeUndefined();
  });
});
