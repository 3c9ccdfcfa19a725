/** The provider table over HTTP through Express: `guard(options)` app-wide (or on the provider's mount path). */
import { createServer } from 'node:http';
import { guard, requireAnyScope, requireScopes } from '@audguard/express';
import express, { type RequestHandler } from 'express';
import { nodeTarget } from '../adapters/transport.js';
import { PROVIDERS } from './index.js';
import { runFrameworkCases, seen } from './table.js';

runFrameworkCases('express', PROVIDERS, (provider, options) => {
  const app = express();
  if (provider.mount === undefined) app.use(guard(options));
  else app.use(provider.mount, guard(options));
  for (const route of provider.routes) {
    const checks: RequestHandler[] = [];
    if (route.scopes) {
      checks.push(route.match === 'any' ? requireAnyScope(...route.scopes) : requireScopes(...route.scopes));
    }
    app.get(route.path, ...checks, (req, res) => {
      res.json(seen(req.auth));
    });
  }
  return nodeTarget(createServer(app));
});
