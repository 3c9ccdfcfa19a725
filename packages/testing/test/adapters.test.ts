import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AudienceEnforcementError,
  expectAudienceEnforced,
  startTestIssuer,
  type TestIssuer,
} from '../src/index.js';
import { expressApi, honoApi, koaApi } from './apps.js';

const ORDERS = 'https://orders.example.com';
const INVOICES = 'https://invoices.example.com';
const SHIPPING = 'https://shipping.example.com';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer({
    resources: [{ id: ORDERS, scopes: ['orders:read', 'orders:write'] }, INVOICES, SHIPPING],
  });
});
afterAll(() => issuer.close());

describe('the matrix passes against audguard’s adapters', () => {
  it('Express (supertest)', async () => {
    const app = expressApi({ issuer: issuer.issuer, audience: ORDERS });
    const results = await expectAudienceEnforced({
      issuer,
      resource: ORDERS,
      route: '/orders',
      requiredScopes: ['orders:read'],
      request: ({ path, headers }) => supertest(app).get(path).set(headers),
    });
    expect(results.map((result) => [result.id, result.received])).toEqual([
      ['valid', 200],
      ['no-token', 401],
      ['foreign-audience', 401],
      ['foreign-audience', 401],
      ['multi-audience', 401],
      ['shared-audience', 200],
      ['expired', 401],
      ['not-yet-valid', 401],
      ['wrong-issuer', 401],
      ['alg-none', 401],
      ['key-confusion', 401],
      ['unknown-key', 401],
      ['tampered', 401],
      ['wrong-type', 401],
      ['missing-scope', 403],
    ]);
  });

  it('Hono (app.request), on a POST route, with the exclusive audience policy', async () => {
    const app = honoApi({ issuer: issuer.issuer, audience: ORDERS, audiencePolicy: 'exclusive' });
    const results = await expectAudienceEnforced({
      issuer,
      resource: ORDERS,
      foreignResources: [INVOICES],
      route: 'POST /orders',
      requiredScopes: ['orders:write'],
      audiencePolicy: 'exclusive',
      request: ({ method, path, headers }) => app.request(path, { method, headers }),
    });
    expect(results.find((result) => result.id === 'valid')?.received).toBe(201);
    expect(results.find((result) => result.id === 'shared-audience')?.received).toBe(401);
  });

  it('Koa (supertest over app.callback())', async () => {
    const app = koaApi({ issuer: issuer.issuer, audience: ORDERS });
    await expectAudienceEnforced({
      issuer,
      resource: ORDERS,
      route: '/orders',
      requiredScopes: ['orders:read'],
      request: ({ path, headers }) => supertest(app.callback()).get(path).set(headers),
    });
  });

  it('any of them over real HTTP (fetch against a URL)', async () => {
    const server = expressApi({ issuer: issuer.issuer, audience: ORDERS }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    try {
      await expectAudienceEnforced({
        issuer,
        resource: ORDERS,
        route: '/orders',
        request: ({ method, path, headers }) => fetch(`http://127.0.0.1:${port}${path}`, { method, headers }),
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the audience policy: a stricter API is never a security fault', () => {
  const run = (app: ReturnType<typeof expressApi>, audiencePolicy?: 'any' | 'exclusive') =>
    expectAudienceEnforced({
      issuer,
      resource: ORDERS,
      route: '/orders',
      requiredScopes: ['orders:read'],
      ...(audiencePolicy === undefined ? {} : { audiencePolicy }),
      request: ({ path, headers }) => supertest(app).get(path).set(headers),
    });

  it('with no declared policy, an API refusing a token for it and another API passes, told as information', async () => {
    const results = await run(
      expressApi({ issuer: issuer.issuer, audience: ORDERS, audiencePolicy: 'exclusive' }),
    );
    const shared = results.find((result) => result.id === 'shared-audience');
    expect(shared).toMatchObject({ expected: '2xx/401', received: 401, passed: true });
    expect(shared?.info).toContain('refused with 401');
  });

  it('with no declared policy, an API accepting that token passes too, told as information', async () => {
    const results = await run(expressApi({ issuer: issuer.issuer, audience: ORDERS }));
    const shared = results.find((result) => result.id === 'shared-audience');
    expect(shared).toMatchObject({ expected: '2xx/401', received: 200, passed: true });
    expect(shared?.info).toContain('accepted');
  });

  it("audiencePolicy: 'any' holds the API to accepting it", async () => {
    const strict = expressApi({ issuer: issuer.issuer, audience: ORDERS, audiencePolicy: 'exclusive' });
    const error = await run(strict, 'any').catch((error: unknown) => error);
    expect(error).toBeInstanceOf(AudienceEnforcementError);
    expect((error as AudienceEnforcementError).failures).toMatchObject([
      { id: 'shared-audience', expected: '2xx', received: 401 },
    ]);
  });

  it("audiencePolicy: 'exclusive' holds the API to refusing it with 401", async () => {
    const error = await run(expressApi({ issuer: issuer.issuer, audience: ORDERS }), 'exclusive').catch(
      (error: unknown) => error,
    );
    expect(error).toBeInstanceOf(AudienceEnforcementError);
    expect((error as AudienceEnforcementError).failures).toMatchObject([
      { id: 'shared-audience', expected: 401, received: 200 },
    ]);
  });
});
