// The inventory API, on Koa.
import { guard, protectedResource, protectedResourceMetadataUrl, requireScopes } from '@audguard/koa';
import Router from '@koa/router';
import Koa from 'koa';
import type { ApiOptions } from './options.js';

export function inventoryApi({ issuer, resource, audiencePolicy }: ApiOptions): Koa {
  const app = new Koa();
  const router = new Router();
  router.get('/inventory', requireScopes('inventory:read'), (ctx) => {
    const auth = ctx.state.auth;
    ctx.body = {
      api: 'inventory',
      subject: auth?.subject,
      scopes: [...(auth?.scopes ?? [])],
      items: [{ sku: 'A-1' }],
    };
  });
  app.use(
    protectedResource({ resource, authorizationServers: [issuer], scopesSupported: ['inventory:read'] }),
  );
  app.use(
    guard({
      issuer,
      audience: resource,
      audiencePolicy,
      resourceMetadata: protectedResourceMetadataUrl(resource),
    }),
  );
  app.use(router.routes());
  return app;
}
