// The inventory API, on Koa.
import { guard, requireScopes } from '@audguard/koa';
import Router from '@koa/router';
import Koa from 'koa';
import type { ApiOptions } from './orders-express.js';

export function inventoryApi({ issuer, audience }: ApiOptions): Koa {
  const app = new Koa();
  const router = new Router();
  router.get('/items', requireScopes('inventory:read'), (ctx) => {
    ctx.body = { subject: ctx.state.auth?.subject, items: [{ sku: 'A-1' }] };
  });
  app.use(guard({ issuer, audience }));
  app.use(router.routes());
  return app;
}
