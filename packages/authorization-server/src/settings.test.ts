import { describe, expect, it } from 'vitest';
import { codeTokens, seedConfig } from '../test/helpers.js';
import type { AuthorizationServerConfig } from './config.js';
import { ConfigurationError } from './errors.js';
import { createAuthorizationServer } from './server.js';

async function fieldOf(config: AuthorizationServerConfig): Promise<string> {
  try {
    await createAuthorizationServer(config);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message.startsWith(`${error.field}: `)).toBe(true);
      return error.field;
    }
    throw error;
  }
  return 'no error';
}

const base = seedConfig();
const [invoices, products, orders] = base.resources;
const [client] = base.clients;
if (invoices === undefined || products === undefined || orders === undefined || client === undefined) {
  throw new Error('seed config changed');
}

describe('configuration is checked at start, naming the field to fix', () => {
  it.each<[string, Partial<AuthorizationServerConfig>, string]>([
    ['a relative issuer', { issuer: '/as' }, 'issuer'],
    ['an issuer with a query', { issuer: 'https://as.example.com?x=1' }, 'issuer'],
    ['an issuer with a fragment', { issuer: 'https://as.example.com#x' }, 'issuer'],
    ['an issuer that is not http(s)', { issuer: 'ftp://as.example.com' }, 'issuer'],
    ['no resources', { resources: [] }, 'resources'],
    ['a relative resource id', { resources: [{ id: '/invoices', scopes: ['read'] }] }, 'resources[0].id'],
    [
      'a resource id with a fragment',
      { resources: [{ id: 'https://api.example.com#frag', scopes: ['read'] }] },
      'resources[0].id',
    ],
    ['a resource declared twice', { resources: [invoices, invoices] }, 'resources[1].id'],
    ['a resource without scopes', { resources: [{ id: 'urn:x', scopes: [] }] }, 'resources[0].scopes'],
    [
      'offline_access as a resource scope',
      { resources: [{ id: 'urn:x', scopes: ['offline_access'] }] },
      'resources[0].scopes[0]',
    ],
    ['a scope with a space', { resources: [{ id: 'urn:x', scopes: ['a b'] }] }, 'resources[0].scopes[0]'],
    ['no clients', { clients: [] }, 'clients'],
    [
      'a client scope no resource owns',
      { clients: [{ ...client, scopes: ['delete'] }] },
      'clients[0].scopes[0]',
    ],
    [
      'a client scope outside its resources',
      { clients: [{ ...client, resources: ['https://orders.example.com'], scopes: ['read'] }] },
      'clients[0].scopes[0]',
    ],
    [
      'an unknown client resource',
      { clients: [{ ...client, resources: ['urn:nope'] }] },
      'clients[0].resources[0]',
    ],
    [
      'an unknown grant type',
      { clients: [{ ...client, grantTypes: ['password' as 'refresh_token'] }] },
      'clients[0].grantTypes',
    ],
    [
      'a public client with client_credentials',
      { clients: [{ clientId: 'p', grantTypes: ['client_credentials'], scopes: ['read'] }] },
      'clients[0].grantTypes',
    ],
    [
      'authorization_code without redirect URIs',
      { clients: [{ clientId: 'p', grantTypes: ['authorization_code'], scopes: ['read'] }] },
      'clients[0].redirectUris',
    ],
    [
      'a redirect URI with a fragment',
      {
        clients: [
          {
            clientId: 'p',
            grantTypes: ['authorization_code'],
            redirectUris: ['https://a/cb#x'],
            scopes: ['read'],
          },
        ],
      },
      'clients[0].redirectUris[0]',
    ],
    [
      'refresh_token without authorization_code',
      { clients: [{ ...client, grantTypes: ['client_credentials', 'refresh_token'] }] },
      'clients[0].grantTypes',
    ],
    ['a client registered twice', { clients: [client, client] }, 'clients[1].clientId'],
    ['nobody to log in for the code flow', { users: [], autoApprove: false }, 'users'],
    ['autoApprove true without users', { users: [], autoApprove: true }, 'autoApprove'],
    ['a zero access-token lifetime', { accessTokenLifetime: 0 }, 'accessTokenLifetime'],
    ['a fractional code lifetime', { authorizationCodeLifetime: 1.5 }, 'authorizationCodeLifetime'],
    ['an unsupported algorithm', { signingAlgorithm: 'HS256' as 'RS256' }, 'signingAlgorithm'],
  ])('refuses %s', async (_case, overrides, field) => {
    expect(await fieldOf({ ...base, ...overrides })).toBe(field);
  });

  it('accepts URN resource ids, a path in the issuer and autoApprove true with users', async () => {
    const as = await createAuthorizationServer({
      ...base,
      issuer: 'https://as.example.com/tenant',
      autoApprove: true,
    });
    expect(as.issuer).toBe('https://as.example.com/tenant');
  });
});

describe('offline_access in a client’s scopes (how Duende and oidc-provider configurations list it)', () => {
  const listed = { ...client, scopes: ['read', 'offline_access', 'write', 'orders:read'] };

  it('is accepted for a client that may use refresh_token, and means what the grant type already allows', async () => {
    const withIt = await createAuthorizationServer(seedConfig({ clients: [listed] }));
    const without = await createAuthorizationServer(seedConfig({ clients: [client] }));
    for (const as of [withIt, without]) {
      const offline = await codeTokens(as, { scope: 'read offline_access', resource: 'urn:invoices' });
      expect(offline.status, offline.text).toBe(200);
      expect(offline.body.scope).toBe('read');
      expect(offline.body.refresh_token).toEqual(expect.any(String));
    }
    // No scope asked: the client's resource scopes, and no refresh token, exactly as without the listing.
    const [a, b] = await Promise.all([codeTokens(withIt), codeTokens(without)]);
    expect({ scope: a.body.scope, refresh: 'refresh_token' in a.body }).toEqual({
      scope: b.body.scope,
      refresh: 'refresh_token' in b.body,
    });
    expect(a.body.scope).not.toContain('offline_access');
  });

  it('is refused for a client without refresh_token, saying why', async () => {
    const config = seedConfig({
      clients: [
        { ...client, grantTypes: ['client_credentials', 'authorization_code'], scopes: listed.scopes },
      ],
    });
    await expect(createAuthorizationServer(config)).rejects.toThrow(
      'clients[0].scopes[1]: offline_access asks for refresh tokens, and this client may not use the refresh_token grant; add refresh_token to grantTypes or remove offline_access',
    );
  });

  it('does not count as a resource scope: a client listing only offline_access is refused', async () => {
    expect(await fieldOf(seedConfig({ clients: [{ ...client, scopes: ['offline_access'] }] }))).toBe(
      'clients[0].scopes',
    );
  });
});

describe('unknown option names are refused, naming the closest known one', () => {
  const [user] = base.users ?? [];
  it.each<[string, Partial<AuthorizationServerConfig> | Record<string, unknown>, string]>([
    ['a typo', { autoAprove: true }, 'config: unknown option "autoAprove"; did you mean "autoApprove"?'],
    [
      'another case',
      { accessTokenLifeTime: 60 },
      'config: unknown option "accessTokenLifeTime"; did you mean "accessTokenLifetime"?',
    ],
    [
      'snake case',
      { interaction_secret: 'x'.repeat(32) },
      'config: unknown option "interaction_secret"; did you mean "interactionSecret"?',
    ],
    [
      'a resource field',
      { resources: [{ ...invoices, requireResourceIndicators: true }] },
      'resources[0]: unknown option "requireResourceIndicators"; did you mean "requireResourceIndicator"?',
    ],
    [
      'a client field',
      { clients: [client, { ...client, clientId: 'other', client_secret: 'x' }] },
      'clients[1]: unknown option "client_secret"; did you mean "clientSecret"?',
    ],
    [
      'a user field',
      { users: [{ ...user, passwordhash: 'x' }] },
      'users[0]: unknown option "passwordhash"; did you mean "passwordHash"?',
    ],
    [
      'an attempt limit',
      { attemptLimits: { perUsers: 3 } },
      'attemptLimits: unknown option "perUsers"; did you mean "perUser"?',
    ],
    [
      'a name nothing is close to',
      { color: 'blue' },
      'config: unknown option "color"; known options are issuer, resources, clients',
    ],
  ])('%s', async (_name, overrides, message) => {
    const config = { ...seedConfig(), ...overrides } as AuthorizationServerConfig;
    const error = await createAuthorizationServer(config).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message.startsWith(message), (error as Error).message).toBe(true);
  });
});
