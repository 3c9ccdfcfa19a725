/**
 * The servers under test. Each is the smallest app its framework allows: one GET route answering a small JSON, behind
 * the authentication middleware under test (none for the baselines). Peers are set up as their READMEs suggest.
 * Every module is imported on demand, so a server process loads its own framework and middleware only.
 */
import { createServer, type Server } from 'node:http';
import type { Verifier } from '@audguard/core';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { MiddlewareHandler } from 'hono';
import type Koa from 'koa';
import { BODY, FRAMEWORK_OF, ROUTE, type TargetSpec } from './protocol.js';
import { createReferenceVerifier } from './reference.js';

/** Thrown when a target cannot be built yet (an audguard adapter that does not export `guard` yet). */
export class TargetUnavailable extends Error {}

const ALGORITHMS = ['RS256', 'ES256'] as const;

/** Builds the target's HTTP server (not listening yet). `onServe` is called once per answered request. */
export async function buildTarget(spec: TargetSpec, onServe: () => void): Promise<Server> {
  const framework = FRAMEWORK_OF[spec.kind];
  const middleware = await authMiddleware(spec);
  if (framework === 'express') return expressApp(middleware as RequestHandler | undefined, onServe);
  if (framework === 'hono') return honoApp(middleware as MiddlewareHandler | undefined, onServe);
  return koaApp(middleware as Koa.Middleware | undefined, onServe);
}

async function authMiddleware(
  spec: TargetSpec,
): Promise<RequestHandler | MiddlewareHandler | Koa.Middleware | undefined> {
  const { issuer, audience, jwksUri, jwksMaxAgeMs } = spec;
  const maxAge = jwksMaxAgeMs === undefined ? {} : { cacheMaxAge: jwksMaxAgeMs };
  switch (spec.kind) {
    case 'express':
    case 'hono':
    case 'koa':
      return undefined;
    case 'audguard-express':
      return (await loadGuard<RequestHandler>('express', import('@audguard/express')))(
        await audguardVerifier(spec),
      );
    case 'audguard-hono':
      return (await loadGuard<MiddlewareHandler>('hono', import('@audguard/hono')))(
        await audguardVerifier(spec),
      );
    case 'audguard-koa':
      return (await loadGuard<Koa.Middleware>('koa', import('@audguard/koa')))(await audguardVerifier(spec));
    case 'express-oauth2-jwt-bearer': {
      const { auth } = await import('express-oauth2-jwt-bearer');
      return auth({ issuer, audience, jwksUri, ...maxAge });
    }
    case 'express-jwt+jwks-rsa': {
      const [{ expressjwt }, { default: jwksRsa }] = await Promise.all([
        import('express-jwt'),
        import('jwks-rsa'),
      ]);
      return expressjwt({
        secret: jwksRsa.expressJwtSecret({
          jwksUri,
          cache: true,
          rateLimit: true,
          jwksRequestsPerMinute: 5,
          ...maxAge,
        }),
        audience,
        issuer,
        algorithms: [...ALGORITHMS],
      });
    }
    case 'hono-jwk': {
      // Hono's jwk middleware fetches jwks_uri on every request (it has no key cache of its own).
      const { jwk } = await import('hono/jwk');
      return jwk({
        jwks_uri: jwksUri,
        alg: [...ALGORITHMS],
        verification: { iss: issuer, aud: audience, typ: 'at+jwt' },
      });
    }
    case 'koa-jwt+jwks-rsa': {
      const [{ default: koaJwt }, { default: jwksRsa }] = await Promise.all([
        import('koa-jwt'),
        import('jwks-rsa'),
      ]);
      return koaJwt({
        secret: jwksRsa.koaJwtSecret({
          jwksUri,
          cache: true,
          rateLimit: true,
          jwksRequestsPerMinute: 5,
          ...maxAge,
        }),
        audience,
        issuer,
        algorithms: [...ALGORITHMS],
      });
    }
    case 'express+jose':
      return joseMiddleware(spec);
    case 'express+node:crypto':
      return referenceMiddleware(spec);
    case 'express+noop':
      return function noop(_req, _res, next) {
        next();
      } satisfies RequestHandler;
    case 'express+async-noop':
      return async function asyncNoop(_req, _res, next) {
        await undefined;
        next();
      } satisfies RequestHandler;
  }
}

async function audguardVerifier(spec: TargetSpec): Promise<Verifier> {
  const { createVerifier } = await import('@audguard/core');
  return createVerifier({
    issuer: spec.issuer,
    audience: spec.audience,
    jwksUri: spec.jwksUri,
    ...(spec.cache === undefined ? {} : { cache: spec.cache }),
    ...(spec.jwksMaxAgeMs === undefined ? {} : { jwksOptions: { maxAgeMs: spec.jwksMaxAgeMs } }),
  });
}

/**
 * `guard(verifier)` from an adapter, checked at run time so the harness still runs while an adapter is unfinished.
 * The import is a literal at the call site so the bundler sees it.
 */
async function loadGuard<M>(adapter: string, module: Promise<unknown>): Promise<(verifier: Verifier) => M> {
  const { guard } = (await module) as { guard?: unknown };
  if (typeof guard !== 'function')
    throw new TargetUnavailable(`@audguard/${adapter} does not export guard() yet`);
  return guard as (verifier: Verifier) => M;
}

/** Express with a hand-written middleware on jose's `jwtVerify` + `createRemoteJWKSet` (jose's defaults). */
async function joseMiddleware(spec: TargetSpec): Promise<RequestHandler> {
  const { createRemoteJWKSet, jwtVerify } = await import('jose');
  const keys = createRemoteJWKSet(
    new URL(spec.jwksUri),
    spec.jwksMaxAgeMs === undefined ? {} : { cacheMaxAge: spec.jwksMaxAgeMs },
  );
  const options = { issuer: spec.issuer, audience: spec.audience, algorithms: [...ALGORITHMS] };
  return async function joseBearer(req, res, next) {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) {
      res.status(401).set('www-authenticate', 'Bearer').json({ error: 'invalid_request' });
      return;
    }
    try {
      const { payload } = await jwtVerify(header.slice(7), keys, options);
      res.locals.auth = payload;
    } catch {
      res
        .status(401)
        .set('www-authenticate', 'Bearer error="invalid_token"')
        .json({ error: 'invalid_token' });
      return;
    }
    next();
  };
}

/** Express with the minimal synchronous node:crypto verifier (see reference.ts). */
function referenceMiddleware(spec: TargetSpec): RequestHandler {
  const verify = createReferenceVerifier({
    issuer: spec.issuer,
    audience: spec.audience,
    keys: spec.publicKeys,
  });
  return function referenceBearer(req, res, next) {
    const header = req.headers.authorization;
    const claims = header?.startsWith('Bearer ') ? verify(header.slice(7)) : undefined;
    if (!claims) {
      res
        .status(401)
        .set('www-authenticate', 'Bearer error="invalid_token"')
        .json({ error: 'invalid_token' });
      return;
    }
    res.locals.auth = claims;
    next();
  };
}

type HttpError = { status?: unknown; statusCode?: unknown };

function statusOf(error: unknown): number {
  const e = (error ?? {}) as HttpError;
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

async function expressApp(middleware: RequestHandler | undefined, onServe: () => void): Promise<Server> {
  const { default: express } = await import('express');
  const app = express();
  if (middleware) app.use(middleware);
  app.get(ROUTE, (_req, res) => {
    onServe();
    res.json(BODY);
  });
  // Peers report failures through next(err); answer with their status instead of Express's HTML page.
  const errors: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(statusOf(error)).json({ error: 'unauthorized' });
  };
  app.use(errors);
  return createServer(app);
}

async function honoApp(middleware: MiddlewareHandler | undefined, onServe: () => void): Promise<Server> {
  const [{ Hono }, { HTTPException }, { createAdaptorServer }] = await Promise.all([
    import('hono'),
    import('hono/http-exception'),
    import('@hono/node-server'),
  ]);
  const app = new Hono();
  if (middleware) app.use(ROUTE, middleware);
  app.get(ROUTE, (c) => {
    onServe();
    return c.json(BODY);
  });
  // Hono's jwk middleware throws a plain Error when the JWKS cannot be fetched; answer without logging each one.
  app.onError((error, c) =>
    error instanceof HTTPException
      ? error.getResponse()
      : c.json({ error: 'server_error' }, statusOf(error) as 500),
  );
  return createAdaptorServer({ fetch: app.fetch }) as Server;
}

async function koaApp(middleware: Koa.Middleware | undefined, onServe: () => void): Promise<Server> {
  const [{ default: Koa }, { default: Router }] = await Promise.all([import('koa'), import('@koa/router')]);
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  router.get(ROUTE, (ctx) => {
    onServe();
    ctx.body = BODY;
  });
  if (middleware) app.use(middleware);
  app.use(router.routes());
  return createServer(app.callback());
}
