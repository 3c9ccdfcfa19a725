import { ConfigurationError } from '@audguard/authorization-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAudienceEnforced } from './expect.js';
import { forgeExpired, forgeMissingScope, forgeTampered, forgeWrongIssuer } from './forgeries.js';
import { startTestIssuer, type TestIssuer, type TestIssuerOptions } from './issuer.js';

const ORDERS = 'https://orders.example.com';
const INVOICES = 'https://invoices.example.com';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer({ resources: [{ id: ORDERS, scopes: ['orders:read'] }, INVOICES] });
});
afterAll(() => issuer.close());

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('expected a refusal'),
    (error: unknown) => error as Error,
  );
}

describe('unknown option names are refused everywhere, naming the closest known one', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a typo', { autoAprove: true }, 'options: unknown option "autoAprove"; did you mean "autoApprove"?'],
    [
      'the name of another tool',
      { audience: ORDERS },
      'options: unknown option "audience"; known options are resources, clients,',
    ],
    [
      'a resource field',
      { resources: [{ id: ORDERS, scope: ['orders:read'] }, INVOICES] },
      'resources[0]: unknown option "scope"; did you mean "scopes"?',
    ],
    [
      'a client field (checked by the authorization server)',
      {
        clients: [
          { clientId: 'c', client_secret: 's', grantTypes: ['client_credentials'], scopes: [ORDERS] },
        ],
      },
      'clients[0]: unknown option "client_secret"; did you mean "clientSecret"?',
    ],
  ])('startTestIssuer(): %s', async (_name, options, message) => {
    const error = await rejection(
      startTestIssuer({ resources: [ORDERS, INVOICES], ...options } as TestIssuerOptions),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message.startsWith(message), error.message).toBe(true);
  });

  it('issuer.token()', async () => {
    const error = await rejection(issuer.token({ resource: ORDERS, scope: ['orders:read'] } as never));
    expect(error.message).toBe('audguard/testing: token(): unknown option "scope"; did you mean "scopes"?');
  });

  it.each<[string, () => Promise<string>, string]>([
    [
      'forgeExpired',
      () => forgeExpired(issuer, { resource: INVOICES, expiresFor: 10 } as never),
      'forgeExpired(): unknown option "expiresFor"; did you mean "expiredFor"?',
    ],
    [
      'forgeWrongIssuer',
      () => forgeWrongIssuer(issuer, { resource: ORDERS, isss: 'x' } as never),
      'forgeWrongIssuer(): unknown option "isss"; did you mean "iss"?',
    ],
    [
      'forgeTampered',
      () => forgeTampered(issuer, { resource: ORDERS, tamperedSubjet: 'x' } as never),
      'forgeTampered(): unknown option "tamperedSubjet"; did you mean "tamperedSubject"?',
    ],
    [
      'forgeMissingScope',
      () => forgeMissingScope(issuer, { resource: ORDERS, requiredScope: ['orders:read'] } as never),
      'forgeMissingScope(): unknown option "requiredScope"; did you mean "requiredScopes"?',
    ],
  ])('%s()', async (_name, forge, message) => {
    expect((await rejection(forge())).message).toBe(`audguard/testing: ${message}`);
  });

  it('each forgery still takes its own options and those of token()', async () => {
    await forgeExpired(issuer, { resource: ORDERS, subject: 's', expiredFor: 10 });
    await forgeWrongIssuer(issuer, { resource: ORDERS, iss: 'https://other.example.com' });
  });

  it('expectAudienceEnforced()', async () => {
    const error = await rejection(
      expectAudienceEnforced({
        issuer,
        resource: ORDERS,
        route: '/orders',
        request: () => ({ status: 200 }),
        requiredScope: ['orders:read'],
      } as never),
    );
    expect(error.message).toBe(
      'audguard/testing: expectAudienceEnforced(): unknown option "requiredScope"; did you mean "requiredScopes"?',
    );
  });
});
