import { expectAudienceEnforced, startTestIssuer } from '@audguard/testing';
import { afterAll, it } from 'vitest';
import { invoicesApi } from '../src/invoices-hono.js';

const INVOICES = 'https://invoices.example.com';
const issuer = await startTestIssuer({ resources: [INVOICES, 'https://orders.example.com'] });
afterAll(() => issuer.close());

it('refuses tokens minted for other APIs or shared with them, and forged ones', async () => {
  const app = invoicesApi({ issuer: issuer.issuer, audience: INVOICES });
  await expectAudienceEnforced({
    issuer,
    resource: INVOICES,
    route: 'POST /invoices',
    requiredScopes: ['invoices:write'],
    audiencePolicy: 'exclusive',
    request: ({ method, path, headers }) => app.request(path, { method, headers }),
  });
});
