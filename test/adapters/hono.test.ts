import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import * as adapter from '@audguard/hono';
import { guard, isAuthError, protectedResource, requireAnyScope, requireScopes } from '@audguard/hono';
import { createAdaptorServer } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describe, expect, it } from 'vitest';
import { runAdapterCases, runSetupCases } from './cases.js';
import { appRendering, echo, type Fixture, LOOKALIKE_TOKEN, RENDERED_BY_APP } from './fixture.js';
import { fetchTarget, nodeTarget } from './transport.js';

/** The route table of cases.ts, in Hono. */
function app(f: Fixture): Hono {
  const reply = (c: Context) => c.json(echo(c.get('auth')));
  const optional = guard(f.main, { credentialsRequired: false });
  const renderByApp = (error: unknown, c: Context) => {
    const { status, body } = appRendering(error);
    return c.json(body, status as ContentfulStatusCode, { [RENDERED_BY_APP]: 'app' });
  };

  // Taking over rendering is Hono's own idiom: onError sees an HTTPException whose cause is the AuthError.
  const custom = new Hono();
  custom.onError((error, c) =>
    error instanceof HTTPException && isAuthError(error.cause)
      ? renderByApp(error.cause, c)
      : renderByApp(error, c),
  );
  custom.get('/', guard(f.main), reply);
  custom.get('/admin', guard(f.main), requireScopes('orders:admin'), reply);

  const app = new Hono();
  // A typical app-wide handler: HTTPExceptions (audguard's RFC 6750 responses among them) answer as they are.
  app.onError((error, c) => (error instanceof HTTPException ? error.getResponse() : renderByApp(error, c)));
  app.use(protectedResource(f.metadata));
  app.use('/api/*', guard(f.main));
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
  app.get(
    '/forged',
    optional,
    async (c, next) => {
      c.set('auth', LOOKALIKE_TOKEN);
      await next();
    },
    requireScopes('orders:admin'),
    reply,
  );
  app.post('/form', guard(f.form), reply);
  app.route('/custom', custom);
  app.get('/broken', guard(f.broken), reply);
  app.get('/unguarded', requireScopes('orders:read'), reply);
  return app;
}

runAdapterCases('hono (app.request)', (f) => {
  const hono = app(f);
  return fetchTarget((request) => hono.request(request));
});
runAdapterCases('hono (@hono/node-server)', (f) =>
  nodeTarget(createAdaptorServer({ fetch: app(f).fetch }) as Server),
);
runSetupCases('hono', adapter);

describe('hono: runtime neutrality', () => {
  it('the adapter imports nothing Node-only (it runs on Workers, Bun and Deno)', () => {
    const dir = new URL('../../packages/hono/src/', import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      const specifiers = [...source.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
      expect(
        specifiers.filter((s) => !/^(hono(\/.*)?|@audguard\/core(\/adapter)?|\.\/.*\.js)$/.test(s ?? '')),
        file,
      ).toEqual([]);
    }
  });

  it('without an onError, Hono’s default handler sends the RFC 6750 response', async () => {
    const { createFixture } = await import('./fixture.js');
    const f = await createFixture();
    const bare = new Hono().get('/me', guard(f.main), (c) => c.json(echo(c.get('auth'))));
    const response = await bare.request('/me', { headers: { Authorization: `Bearer ${f.tokens.expired}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_token"/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      error: 'invalid_token',
      error_description: 'The token has expired.',
    });
  });
});
