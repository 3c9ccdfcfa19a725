import { expectAudienceEnforced, startTestIssuer } from '@audguard/testing';
import supertest from 'supertest';
import { afterAll, it } from 'vitest';
import { ordersApi } from '../src/orders-express.js';

const ORDERS = 'https://orders.example.com';
const issuer = await startTestIssuer({ resources: [ORDERS, 'https://invoices.example.com'] });
afterAll(() => issuer.close());

it('refuses tokens minted for other APIs, and forged ones', async () => {
  const app = ordersApi({ issuer: issuer.issuer, audience: ORDERS });
  await expectAudienceEnforced({
    issuer,
    resource: ORDERS,
    route: '/orders',
    requiredScopes: ['orders:read'],
    request: ({ path, headers }) => supertest(app).get(path).set(headers),
  });
});
