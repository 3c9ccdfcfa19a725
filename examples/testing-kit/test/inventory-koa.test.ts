import { expectAudienceEnforced, startTestIssuer } from '@audguard/testing';
import supertest from 'supertest';
import { afterAll, it } from 'vitest';
import { inventoryApi } from '../src/inventory-koa.js';

const INVENTORY = 'https://inventory.example.com';
const issuer = await startTestIssuer({ resources: [INVENTORY, 'https://orders.example.com'] });
afterAll(() => issuer.close());

it('refuses tokens minted for other APIs, and forged ones', async () => {
  const app = inventoryApi({ issuer: issuer.issuer, audience: INVENTORY });
  await expectAudienceEnforced({
    issuer,
    resource: INVENTORY,
    route: '/items',
    requiredScopes: ['inventory:read'],
    request: ({ path, headers }) => supertest(app.callback()).get(path).set(headers),
  });
});
