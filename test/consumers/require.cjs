// A CommonJS consumer: require() of every export of every audguard package, then real requests through each
// adapter, checked by the testing kit. Copied into a fresh CommonJS project by check.ts and run there with node.
'use strict';
const assert = require('node:assert/strict');
const { once } = require('node:events');
const { createServer } = require('node:http');

const PACKAGES = ['core', 'express', 'hono', 'koa', 'authorization-server', 'testing', 'redis', 'mcp'];
const ORDERS = 'https://orders.example.com';
const INVOICES = 'https://invoices.example.com';

async function listen(handler) {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

async function main() {
  for (const name of PACKAGES) {
    const manifest = require(`@audguard/${name}/package.json`);
    for (const subpath of Object.keys(manifest.exports)) {
      if (subpath === './package.json') continue;
      const id = `@audguard/${name}${subpath.slice(1)}`;
      const names = Object.keys(require(id));
      assert.ok(names.length > 0, `${id} exports nothing`);
      console.log(`ok require('${id}'): ${names.length} exports`);
    }
  }

  const { createVerifier, isAuthError } = require('@audguard/core');
  const { isScopeToken } = require('@audguard/core/protocol');
  const { createAuthorizationServer } = require('@audguard/authorization-server');
  const { expectAudienceEnforced, startTestIssuer } = require('@audguard/testing');
  assert.equal(isScopeToken('orders:read'), true);

  const as = await createAuthorizationServer({
    issuer: 'https://as.example.com',
    resources: [{ id: ORDERS, scopes: ['orders:read'] }],
    clients: [
      { clientId: 'c', clientSecret: 's', grantTypes: ['client_credentials'], scopes: ['orders:read'] },
    ],
  });
  const metadata = await as.fetch(
    new Request('https://as.example.com/.well-known/oauth-authorization-server'),
  );
  assert.equal(metadata.status, 200);
  console.log('ok the authorization server answers its metadata request');

  const issuer = await startTestIssuer({ resources: [ORDERS, INVOICES] });
  try {
    const verifier = createVerifier({ issuer: issuer.issuer, audience: ORDERS });
    const token = await verifier.verify(await issuer.token({ resource: ORDERS, scopes: ['orders:read'] }));
    assert.equal(token.subject, 'test-user');
    const refused = await verifier.verify(await issuer.token({ resource: INVOICES })).catch((e) => e);
    assert.ok(isAuthError(refused) && refused.reason === 'audience_mismatch', String(refused));
    console.log('ok the verifier accepts a token for its API and refuses one for another');

    const checks = { issuer, resource: ORDERS, route: '/orders', requiredScopes: ['orders:read'] };
    const overHttp = (url) => (r) => fetch(new URL(r.path, url), { method: r.method, headers: r.headers });

    const express = require('express');
    const ex = require('@audguard/express');
    const expressApp = express()
      .use(ex.guard({ issuer: issuer.issuer, audience: ORDERS }))
      .get('/orders', ex.requireScopes('orders:read'), (req, res) => res.json({ subject: req.auth.subject }));
    const expressServer = await listen(expressApp);
    try {
      const results = await expectAudienceEnforced({ ...checks, request: overHttp(expressServer.url) });
      console.log(`ok express through require(): ${results.length} checks held`);
    } finally {
      expressServer.close();
    }

    const { Hono } = require('hono');
    const hn = require('@audguard/hono');
    const honoApp = new Hono()
      .use(hn.guard({ issuer: issuer.issuer, audience: ORDERS }))
      .get('/orders', hn.requireScopes('orders:read'), (c) => c.json({ subject: c.get('auth').subject }));
    const honoResults = await expectAudienceEnforced({
      ...checks,
      request: (r) => honoApp.request(r.path, { method: r.method, headers: r.headers }),
    });
    console.log(`ok hono through require(): ${honoResults.length} checks held`);

    const Koa = require('koa');
    const kj = require('@audguard/koa');
    const koaApp = new Koa()
      .use(kj.guard({ issuer: issuer.issuer, audience: ORDERS, scopes: ['orders:read'] }))
      .use((ctx) => {
        ctx.body = { subject: ctx.state.auth.subject };
      });
    const koaServer = await listen(koaApp.callback());
    try {
      const results = await expectAudienceEnforced({ ...checks, request: overHttp(koaServer.url) });
      console.log(`ok koa through require(): ${results.length} checks held`);
    } finally {
      koaServer.close();
    }
  } finally {
    await issuer.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
