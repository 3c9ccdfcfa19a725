/** The provider table over HTTP through Koa and @koa/router: `guard(options)` app-wide (or on the mount path). */
import { createServer } from 'node:http';
import { guard, requireAnyScope, requireScopes } from '@audguard/koa';
import Router from '@koa/router';
import Koa from 'koa';
import { nodeTarget } from '../adapters/transport.js';
import { PROVIDERS } from './index.js';
import { runFrameworkCases, seen } from './table.js';

runFrameworkCases('koa', PROVIDERS, (provider, options) => {
  const app = new Koa();
  const router = new Router();
  if (provider.mount === undefined) app.use(guard(options));
  else router.use(provider.mount, guard(options));
  for (const route of provider.routes) {
    const reply = (ctx: Koa.Context) => {
      ctx.body = seen(ctx.state.auth);
    };
    if (!route.scopes) router.get(route.path, reply);
    else if (route.match === 'any') router.get(route.path, requireAnyScope(...route.scopes), reply);
    else router.get(route.path, requireScopes(...route.scopes), reply);
  }
  app.use(router.routes());
  return nodeTarget(createServer(app.callback()));
});
