import { createServer } from 'node:http';
import * as adapter from '@audguard/express';
import { guard, protectedResource, requireAnyScope, requireScopes } from '@audguard/express';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { runAdapterCases, runSetupCases } from './cases.js';
import { appRendering, echo, type Fixture, RENDERED_BY_APP, type TestClaims } from './fixture.js';
import { nodeTarget } from './transport.js';

/** The route table of cases.ts, in Express. */
function app(f: Fixture): express.Express {
  const reply = (req: Request, res: Response) => {
    res.json(echo((req as adapter.AuthenticatedRequest<TestClaims>).auth));
  };
  const optional = guard(f.main, { credentialsRequired: false });
  const appRendered = guard(f.main, { errors: 'next' });

  const app = express();
  app.use(protectedResource(f.metadata));
  app.use('/api', guard(f.main));
  app.get('/api/me', reply);
  app.get('/api/orders', requireScopes('orders:read', 'orders:write'), reply);
  app.get('/api/orders-any', requireAnyScope('orders:read', 'orders:admin'), reply);
  app.get('/optional', optional, reply);
  app.get('/optional/orders', optional, requireScopes('orders:read'), reply);
  app.get('/exclusive', guard(f.exclusive), reply);
  app.get('/down', guard(f.down), reply);
  app.get('/mcp', guard(f.mcp, { scopes: ['orders:read'] }), reply);
  app.post('/form', express.urlencoded({ extended: false }), guard(f.form), reply);
  app.get('/custom', appRendered, reply);
  app.get('/custom/admin', appRendered, requireScopes('orders:admin'), reply);
  app.get('/broken', guard(f.broken), reply);
  app.get('/unguarded', requireScopes('orders:read'), reply);

  // The app's own error middleware: where `errors: 'next'` hands refusals, and where other errors go.
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const { status, body } = appRendering(error);
    res.status(status).set(RENDERED_BY_APP, 'app').json(body);
  };
  app.use(onError);
  return app;
}

runAdapterCases('express', (f) => nodeTarget(createServer(app(f))));
runSetupCases('express', adapter);
