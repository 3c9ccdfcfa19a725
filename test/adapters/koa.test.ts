import { createServer } from 'node:http';
import * as adapter from '@audguard/koa';
import { guard, protectedResource, requireAnyScope, requireScopes } from '@audguard/koa';
import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import { runAdapterCases, runSetupCases } from './cases.js';
import { appRendering, echo, type Fixture, LOOKALIKE_TOKEN, RENDERED_BY_APP } from './fixture.js';
import { nodeTarget } from './transport.js';

/** The route table of cases.ts, in Koa with @koa/router. */
function app(f: Fixture): Koa {
  const reply = (ctx: Context) => {
    ctx.body = echo(ctx.state.auth);
  };
  const optional = guard(f.main, { credentialsRequired: false });
  const appRendered = guard(f.main, { errors: 'throw' });

  const api = new Router({ prefix: '/api' });
  api.use(guard(f.main));
  api.get('/me', reply);
  api.get('/orders', requireScopes('orders:read', 'orders:write'), reply);
  api.get('/orders-any', requireAnyScope('orders:read', 'orders:admin'), reply);

  const router = new Router();
  router.get('/optional', optional, reply);
  router.get('/optional/orders', optional, requireScopes('orders:read'), reply);
  router.get('/exclusive', guard(f.exclusive), reply);
  router.get('/down', guard(f.down), reply);
  router.get('/mcp', guard(f.mcp, { scopes: ['orders:read'] }), reply);
  router.get('/mcp/write', guard(f.mcp, { scopes: ['orders:read'] }), requireScopes('orders:write'), reply);
  router.get('/implied', guard(f.implied), requireScopes('orders:read'), reply);
  router.get(
    '/forged',
    optional,
    async (ctx, next) => {
      ctx.state.auth = LOOKALIKE_TOKEN;
      await next();
    },
    requireScopes('orders:admin'),
    reply,
  );
  router.post('/form', formBody, guard(f.form), reply);
  router.get('/custom', appRendered, reply);
  router.get('/custom/admin', appRendered, requireScopes('orders:admin'), reply);
  router.get('/broken', guard(f.broken), reply);
  router.get('/unguarded', requireScopes('orders:read'), reply);

  const app = new Koa();
  // The app's own error handling, upstream: where `errors: 'throw'` refusals and other errors land.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const { status, body } = appRendering(error);
      ctx.status = status;
      ctx.set(RENDERED_BY_APP, 'app');
      ctx.body = body;
    }
  });
  app.use(protectedResource(f.metadata));
  app.use(api.routes());
  app.use(router.routes());
  return app;
}

/** A minimal form parser (what koa-bodyparser does): leaves the parsed body on `ctx.request.body`. */
async function formBody(ctx: Context, next: Next): Promise<void> {
  if (ctx.is('application/x-www-form-urlencoded')) {
    let text = '';
    for await (const chunk of ctx.req) text += chunk;
    (ctx.request as { body?: unknown }).body = Object.fromEntries(new URLSearchParams(text));
  }
  await next();
}

runAdapterCases('koa', (f) => nodeTarget(createServer(app(f).callback())));
runSetupCases('koa', adapter);
