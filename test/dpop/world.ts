/**
 * The DPoP attack matrix's world: our issuer's key, a client's DPoP key and a thief's, tokens bound to the client,
 * and the same app built with each adapter — `/orders` with `dpop: 'allowed'`, `/required/orders` with
 * `'required'`, `/mounted/orders` below a mount (Express's router, a koa-mount-style rewrite, Hono's `route`) —
 * reached over node:http (Express, Koa, @hono/node-server) and through `app.request` (Hono).
 */
import { createServer, type Server } from 'node:http';
import type { JsonWebKey, ReplayCache, VerifierOptions } from '@audguard/core';
import { guard as expressGuard } from '@audguard/express';
import { guard as honoGuard } from '@audguard/hono';
import { guard as koaGuard } from '@audguard/koa';
import { createAdaptorServer } from '@hono/node-server';
import Router from '@koa/router';
import express, { type ErrorRequestHandler } from 'express';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import Koa from 'koa';
import { type DpopKey, dpopKey } from '../../packages/core/test/dpop.js';
import { AUDIENCE, ISSUER, type Key, key, mint } from '../hostile/attacks/forge.js';
import {
  type AttackRequest,
  type AttackResponse,
  close,
  listen,
  sendFetch,
  sendHttp,
} from '../hostile/attacks/wire.js';

export { AUDIENCE, ISSUER } from '../hostile/attacks/forge.js';

export interface DpopKit {
  signer: Key;
  /** The client the tokens are bound to. */
  client: DpopKey;
  /** Someone else's key pair. */
  thief: DpopKey;
  /** Bound to `client` (cnf.jkt). */
  bound: string;
  /** Another token bound to `client`. */
  bound2: string;
  /** Not bound. */
  bearer: string;
}

export async function dpopKit(): Promise<DpopKit> {
  const signer = key('ES256', 'as-dpop');
  const client = await dpopKey('ES256');
  const thief = await dpopKey('ES256');
  return {
    signer,
    client,
    thief,
    bound: mint(signer, { claims: { cnf: { jkt: client.jkt } } }),
    bound2: mint(signer, { claims: { cnf: { jkt: client.jkt }, sub: 'bob' } }),
    bearer: mint(signer),
  };
}

export const ROUTES = {
  allowed: '/orders',
  required: '/required/orders',
  mounted: '/mounted/orders',
} as const;

/** The URL a client calls (what a proof's htu names) for a path. */
export const htu = (path: string) => `${AUDIENCE}${path}`;

function options(kit: DpopKit, mode: 'allowed' | 'required', replayCache?: ReplayCache): VerifierOptions {
  return {
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [kit.signer.jwk as JsonWebKey] },
    dpop: { mode, ...(replayCache === undefined ? {} : { replayCache }) },
  };
}

const echo = (auth: { subject?: string | undefined; claims: Record<string, unknown> } | undefined) => ({
  subject: auth?.subject,
  jkt: (auth?.claims.cnf as { jkt?: string } | undefined)?.jkt,
});

function expressApp(kit: DpopKit, replayCache?: ReplayCache): Server {
  const app = express();
  app.get(ROUTES.allowed, expressGuard(options(kit, 'allowed', replayCache)), (req, res) => {
    res.json(echo(req.auth));
  });
  app.get(ROUTES.required, expressGuard(options(kit, 'required', replayCache)), (req, res) => {
    res.json(echo(req.auth));
  });
  const mounted = express.Router();
  mounted.get('/orders', expressGuard(options(kit, 'allowed', replayCache)), (req, res) => {
    res.json(echo(req.auth));
  });
  app.use('/mounted', mounted);
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(500).json({ error: 'unexpected', message: String(error) });
  };
  app.use(onError);
  return createServer(app);
}

function koaApp(kit: DpopKit, replayCache?: ReplayCache): Server {
  const router = new Router();
  router.get(ROUTES.allowed, koaGuard(options(kit, 'allowed', replayCache)), (ctx) => {
    ctx.body = echo(ctx.state.auth);
  });
  router.get(ROUTES.required, koaGuard(options(kit, 'required', replayCache)), (ctx) => {
    ctx.body = echo(ctx.state.auth);
  });
  const mounted = new Router();
  mounted.get('/orders', koaGuard(options(kit, 'allowed', replayCache)), (ctx) => {
    ctx.body = echo(ctx.state.auth);
  });
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
  // What koa-mount does: strip the prefix from ctx.path (so from req.url) for the mounted app, then restore it.
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/mounted/')) return next();
    const prefixed = ctx.path;
    ctx.path = prefixed.slice('/mounted'.length);
    try {
      await (mounted.routes() as unknown as Koa.Middleware)(ctx, next);
    } finally {
      ctx.path = prefixed;
    }
  });
  return createServer(app.callback());
}

function honoApp(kit: DpopKit, replayCache?: ReplayCache): Hono {
  const app = new Hono();
  app.onError((error, c) =>
    error instanceof HTTPException
      ? error.getResponse()
      : c.json({ error: 'unexpected', message: String(error) }, 500),
  );
  app.get(ROUTES.allowed, honoGuard(options(kit, 'allowed', replayCache)), (c) =>
    c.json(echo(c.get('auth'))),
  );
  app.get(ROUTES.required, honoGuard(options(kit, 'required', replayCache)), (c) =>
    c.json(echo(c.get('auth'))),
  );
  const mounted = new Hono();
  mounted.get('/orders', honoGuard(options(kit, 'allowed', replayCache)), (c) => c.json(echo(c.get('auth'))));
  app.route('/mounted', mounted);
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

/** Each framework and transport, built with an optional shared replay cache (default: each verifier's own). */
export const TARGETS: [string, (kit: DpopKit, replayCache?: ReplayCache) => Promise<Target>][] = [
  ['express', (kit, cache) => nodeTarget(expressApp(kit, cache))],
  ['koa', (kit, cache) => nodeTarget(koaApp(kit, cache))],
  [
    'hono (app.request)',
    async (kit, cache) => {
      const app = honoApp(kit, cache);
      return { send: (request) => sendFetch((r) => app.request(r), request), close: async () => {} };
    },
  ],
  [
    'hono (@hono/node-server)',
    (kit, cache) => nodeTarget(createAdaptorServer({ fetch: honoApp(kit, cache).fetch }) as Server),
  ],
];
