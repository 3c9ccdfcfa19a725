import { createServer, IncomingMessage } from 'node:http';
import * as adapter from '@audguard/express';
import { guard, protectedResource, requireAnyScope, requireScopes } from '@audguard/express';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { runAdapterCases, runSetupCases } from './cases.js';
import {
  appRendering,
  echo,
  type Fixture,
  LOOKALIKE_TOKEN,
  RENDERED_BY_APP,
  type TestClaims,
} from './fixture.js';
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
  app.get('/mcp/write', guard(f.mcp, { scopes: ['orders:read'] }), requireScopes('orders:write'), reply);
  app.get('/implied', guard(f.implied), requireScopes('orders:read'), reply);
  const forge: RequestHandler = (req, _res, next) => {
    req.auth = LOOKALIKE_TOKEN;
    next();
  };
  app.get('/forged', optional, forge, requireScopes('orders:admin'), reply);
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

describe('express: nothing patched globally', () => {
  it('sets req.auth on a request whose prototype chain has no IncomingMessage, and requireScopes sees it', async () => {
    const { createFixture } = await import('./fixture.js');
    const f = await createFixture();
    const bare = express();
    // Some hosts hand Express requests that are not built on Node's IncomingMessage (another runtime's http module,
    // a serverless shim): the same methods on another prototype. The guard must not depend on anything installed
    // on IncomingMessage.prototype.
    const lookalike = Object.create(Object.getPrototypeOf(IncomingMessage.prototype));
    const { auth: _patched, ...methods } = Object.getOwnPropertyDescriptors(IncomingMessage.prototype);
    Object.defineProperties(lookalike, methods);
    Object.setPrototypeOf(bare.request, lookalike);
    bare.get('/orders', guard(f.main), requireScopes('orders:read'), (req, res) => {
      res.json(echo(req.auth));
    });
    const response = await request(bare).get('/orders').set('authorization', `Bearer ${f.tokens.readOnly}`);
    expect(response.status).toBe(200);
    expect(response.body.scopes).toEqual(['orders:read']);
  });

  it('defines no auth property on IncomingMessage.prototype', () => {
    expect(Object.getOwnPropertyDescriptor(IncomingMessage.prototype, 'auth')).toBeUndefined();
  });
});
