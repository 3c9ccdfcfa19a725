/**
 * What the attack matrix attacks: the kit (our keys behind a loopback JWKS, another trusted issuer, the attacker and
 * the attacker's server), three routes with different guard options, the same app built with each adapter, and the
 * four transports that reach it (Express and Koa on node:http, Hono through `app.request` and @hono/node-server).
 */
import { createServer, type Server } from 'node:http';
import type { JsonWebKey, VerifierOptions } from '@audguard/core';
import { guard as expressGuard } from '@audguard/express';
import { guard as honoGuard } from '@audguard/hono';
import { guard as koaGuard } from '@audguard/koa';
import { createAdaptorServer } from '@hono/node-server';
import Router from '@koa/router';
import express, { type ErrorRequestHandler } from 'express';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import Koa from 'koa';
import { AUDIENCE, ISSUER, type Key, OTHER_ISSUER } from './forge.js';
import {
  type AttackRequest,
  type AttackResponse,
  type CountingServer,
  close,
  listen,
  sendFetch,
  sendHttp,
} from './wire.js';

// ---- The world ------------------------------------------------------------------------------------------------

export interface Kit {
  /** Our issuer's keys, served by the loopback JWKS. */
  ec: Key;
  rsa: Key;
  /** Another trusted issuer's key (static JWKS). */
  other: Key;
  attacker: Key;
  /** Where the attacker's `jku`/`x5u` point: it must never be hit. */
  evil: CountingServer;
  jwks: CountingServer;
}

export const ROUTES = ['/api', '/exclusive', '/strict'] as const;
export type Route = (typeof ROUTES)[number];

function routeOptions(k: Kit): Record<Route, VerifierOptions> {
  const base: VerifierOptions = {
    issuer: [
      { issuer: ISSUER, jwksUri: `${k.jwks.origin}/jwks` },
      { issuer: OTHER_ISSUER, jwks: { keys: [k.other.jwk as JsonWebKey] } },
    ],
    audience: AUDIENCE,
    jwksOptions: { timeoutMs: 2000 },
  };
  return {
    '/api': base,
    '/exclusive': { ...base, audiencePolicy: 'exclusive' },
    '/strict': { ...base, tokenType: 'strict' },
  };
}

interface Echo {
  subject: string | undefined;
  issuer: string | undefined;
  audience: readonly string[] | undefined;
}
const echo = (
  auth: { subject?: string | undefined; issuer: string; audience: readonly string[] } | undefined,
) => ({ subject: auth?.subject, issuer: auth?.issuer, audience: auth?.audience }) satisfies Echo;

// ---- The three apps -------------------------------------------------------------------------------------------

function expressApp(k: Kit): Server {
  const app = express();
  for (const [path, options] of Object.entries(routeOptions(k))) {
    app.get(path, expressGuard(options), (req, res) => {
      res.json(echo(req.auth));
    });
  }
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(500).json({ error: 'unexpected', message: String(error) });
  };
  app.use(onError);
  return createServer(app);
}

function koaApp(k: Kit): Server {
  const router = new Router();
  for (const [path, options] of Object.entries(routeOptions(k))) {
    router.get(path, koaGuard(options), (ctx) => {
      ctx.body = echo(ctx.state.auth);
    });
  }
  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      ctx.status = 500;
      ctx.body = { error: 'unexpected', message: String(error) };
    }
  });
  app.use(router.routes());
  return createServer(app.callback());
}

function honoApp(k: Kit): Hono {
  const app = new Hono();
  app.onError((error, c) =>
    error instanceof HTTPException
      ? error.getResponse()
      : c.json({ error: 'unexpected', message: String(error) }, 500),
  );
  for (const [path, options] of Object.entries(routeOptions(k))) {
    app.get(path, honoGuard(options), (c) => c.json(echo(c.get('auth'))));
  }
  return app;
}

export interface Target {
  send(request: AttackRequest): Promise<AttackResponse>;
  close(): Promise<void>;
}

async function nodeTarget(server: Server): Promise<Target> {
  const origin = await listen(server);
  return { send: (request) => sendHttp(origin, request), close: () => close(server) };
}

export const TARGETS: [string, (k: Kit) => Promise<Target>][] = [
  ['express', (k) => nodeTarget(expressApp(k))],
  ['koa', (k) => nodeTarget(koaApp(k))],
  [
    'hono (app.request)',
    async (k) => {
      const app = honoApp(k);
      return { send: (request) => sendFetch((r) => app.request(r), request), close: async () => {} };
    },
  ],
  ['hono (@hono/node-server)', (k) => nodeTarget(createAdaptorServer({ fetch: honoApp(k).fetch }) as Server)],
];
