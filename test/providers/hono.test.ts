/** The provider table over HTTP through Hono on @hono/node-server: `guard(options)` on `*` (or `mount/*`). */
import type { Server } from 'node:http';
import { guard, requireAnyScope, requireScopes } from '@audguard/hono';
import { createAdaptorServer } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { nodeTarget } from '../adapters/transport.js';
import { PROVIDERS } from './index.js';
import { runFrameworkCases, seen } from './table.js';

runFrameworkCases('hono', PROVIDERS, (provider, options) => {
  const app = new Hono();
  app.use(provider.mount === undefined ? '*' : `${provider.mount}/*`, guard(options));
  const reply = (c: Context) => c.json(seen(c.get('auth')));
  for (const route of provider.routes) {
    if (!route.scopes) app.get(route.path, reply);
    else if (route.match === 'any') app.get(route.path, requireAnyScope(...route.scopes), reply);
    else app.get(route.path, requireScopes(...route.scopes), reply);
  }
  return nodeTarget(createAdaptorServer({ fetch: app.fetch }) as Server);
});
