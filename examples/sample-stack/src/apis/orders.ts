// The orders API, on Express. Everything audguard needs is the three marked lines.
import { guard, protectedResource, protectedResourceMetadataUrl, requireScopes } from '@audguard/express';
import express from 'express';
import type { ApiOptions } from './options.js';

export function ordersApi({ issuer, resource, audiencePolicy }: ApiOptions): express.Express {
  const app = express();
  app.use(
    protectedResource({
      resource,
      authorizationServers: [issuer],
      scopesSupported: ['orders:read', 'orders:write'],
    }),
  );
  app.use(
    guard({
      issuer,
      audience: resource,
      audiencePolicy,
      resourceMetadata: protectedResourceMetadataUrl(resource),
    }),
  ); // (1) every route needs a token for this API

  app.get('/orders', requireScopes('orders:read'), (req, res) => {
    // (2) req.auth is the verified token
    res.json({
      api: 'orders',
      subject: req.auth?.subject,
      scopes: [...(req.auth?.scopes ?? [])],
      orders: [{ id: 1 }],
    });
  });
  app.post('/orders', requireScopes('orders:write'), (_req, res) => {
    // (3) a token without orders:write gets 403 insufficient_scope before reaching here
    res.status(201).json({ api: 'orders', created: { id: 2 } });
  });
  return app;
}
