/**
 * POST /introspect (RFC 7662, RFC 9701) as a resource server and an attacker see it: only an authenticated caller
 * gets an answer; a token is shown only to a caller speaking for a resource in its audience, and everything else —
 * another API's token, an expired, revoked, unknown or garbled one — is `{"active": false}` and nothing more.
 * Reference tokens (`accessTokenFormat: 'reference'`) live in the store for their lifetime, are answered for,
 * refreshed, and revoked. Signed answers verify with jose against the server's own JWKS.
 */
import {
  type AuthorizationServer,
  type AuthorizationServerConfig,
  createAuthorizationServer,
  MemoryStore,
} from '@audguard/authorization-server';
import {
  type CryptoKey,
  createLocalJWKSet,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { describe, expect, it } from 'vitest';
import {
  CALLBACK,
  config,
  expectOAuthError,
  type FormInit,
  ISSUER,
  jtiOf,
  MAX_BODY,
  post,
  type Reply,
  redeem,
  refresh,
  stringField,
  token,
  WORKER,
} from './as-helpers.js';

const INVOICES_API = ['invoices-api', 'invoices-api-secret'] as const;
const PRODUCTS_API = ['products-api', 'products-api-secret'] as const;
const LEDGER_API = ['ledger-api', 'ledger-api-secret'] as const;

/** The seeded server, plus: APIs registered as introspecting clients, and a resource with reference tokens. */
function introspectionConfig(overrides: Partial<AuthorizationServerConfig> = {}): AuthorizationServerConfig {
  const base = config();
  return {
    ...base,
    resources: [
      {
        id: 'urn:invoices',
        name: 'Invoices',
        scopes: ['read', 'write'],
        introspectionClients: ['invoices-api'],
      },
      {
        id: 'urn:products',
        name: 'Products',
        scopes: ['read', 'write'],
        introspectionClients: ['products-api'],
      },
      { id: 'https://orders.example.com', name: 'Orders', scopes: ['orders:read'] },
      {
        id: 'urn:ledger',
        name: 'Ledger',
        scopes: ['ledger:read'],
        requireResourceIndicator: true,
        accessTokenFormat: 'reference',
        introspectionClients: ['ledger-api'],
      },
    ],
    clients: [
      ...(base.clients ?? []).map((client) =>
        client.clientId === 'client' ? { ...client, scopes: [...client.scopes, 'ledger:read'] } : client,
      ),
      { clientId: 'invoices-api', clientSecret: 'invoices-api-secret', grantTypes: [], scopes: [] },
      { clientId: 'products-api', clientSecret: 'products-api-secret', grantTypes: [], scopes: [] },
      { clientId: 'ledger-api', clientSecret: 'ledger-api-secret', grantTypes: [], scopes: [] },
    ],
    ...overrides,
  };
}

interface World {
  as: AuthorizationServer;
  store: MemoryStore;
  /** Moves the server's clock (and its store's) forward. */
  advance(seconds: number): void;
}

async function world(overrides: Partial<AuthorizationServerConfig> = {}): Promise<World> {
  let now = Date.now();
  const clock = () => now;
  const store = new MemoryStore({ now: clock, sweepIntervalSeconds: 0 });
  const as = await createAuthorizationServer(introspectionConfig({ store, now: clock, ...overrides }));
  return { as, store, advance: (seconds) => (now += seconds * 1000) };
}

function introspect(
  as: AuthorizationServer,
  value: string,
  auth: readonly [string, string] | null = INVOICES_API,
  extra: { body?: FormInit; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return post(
    as,
    '/introspect',
    { token: value, ...extra.body },
    {
      ...(auth === null ? {} : { auth }),
      ...(extra.headers === undefined ? {} : { headers: extra.headers }),
    },
  );
}

/** `{"active": false}` exactly: nothing else said, not cached. */
function expectInactive(reply: Reply): void {
  expect(reply.status, reply.text).toBe(200);
  expect(reply.json).toEqual({ active: false });
  expect(reply.headers.get('cache-control')).toBe('no-store');
}

async function clientCredentials(as: AuthorizationServer, resource: string, scope = 'read'): Promise<string> {
  const auth = resource === 'urn:ledger' ? (['client', 'secret'] as const) : WORKER;
  return stringField(
    await token(as, { grant_type: 'client_credentials', scope, resource }, auth),
    'access_token',
  );
}

/** Code flow (auto-approved) for the confidential client, for `resource`, with a refresh token. */
async function codeFlow(as: AuthorizationServer, resource: string, scope: string) {
  const { createHash, randomBytes } = await import('node:crypto');
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: 'client',
    redirect_uri: CALLBACK,
    scope: `${scope} offline_access`,
    resource,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: 's',
  });
  const reply = await as.fetch(new Request(`${ISSUER}/authorize?${params}`));
  const code = new URL(reply.headers.get('location') ?? 'about:blank').searchParams.get('code') ?? '';
  const redeemed = await redeem(as, code, verifier, { resource });
  return { access: stringField(redeemed, 'access_token'), refresh: stringField(redeemed, 'refresh_token') };
}

describe('POST /introspect: who may ask', () => {
  it('is advertised in the RFC 8414 metadata, with its auth methods and signing algorithm', async () => {
    const { as } = await world();
    const metadata = (await (
      await as.fetch(new Request(`${ISSUER}/.well-known/oauth-authorization-server`))
    ).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      introspection_endpoint: `${ISSUER}/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      introspection_signing_alg_values_supported: ['ES256'],
    });
  });

  it('refuses an unauthenticated caller, a wrong secret and a public client with 401 invalid_client', async () => {
    const { as } = await world();
    const access = await clientCredentials(as, 'urn:invoices');
    expectOAuthError(await introspect(as, access, null), 401, 'invalid_client');
    expectOAuthError(await introspect(as, access, ['invoices-api', 'wrong']), 401, 'invalid_client');
    expectOAuthError(await introspect(as, access, ['nobody', 'secret']), 401, 'invalid_client');
    const spa = await introspect(as, access, null, { body: { client_id: 'spa' } });
    expectOAuthError(spa, 401, 'invalid_client');
    expect(spa.text).not.toContain('"active"');
  });

  it('accepts client_secret_post as well as client_secret_basic', async () => {
    const { as } = await world();
    const access = await clientCredentials(as, 'urn:invoices');
    const reply = await introspect(as, access, null, {
      body: { client_id: 'invoices-api', client_secret: 'invoices-api-secret' },
    });
    expect(reply.json?.active).toBe(true);
  });

  it.each<[string, FormInit | string, Record<string, string>, number]>([
    ['no token', {}, {}, 400],
    ['a repeated token', { token: ['a', 'b'] }, {}, 400],
    ['a JSON body', JSON.stringify({ token: 'a' }), { 'content-type': 'application/json' }, 400],
    ['a body over 64 KiB', `token=${'a'.repeat(MAX_BODY)}`, {}, 413],
  ])('refuses %s with invalid_request', async (_name, body, headers, status) => {
    const { as } = await world();
    const reply = await post(as, '/introspect', body, { auth: INVOICES_API, headers });
    expectOAuthError(reply, status, 'invalid_request');
  });

  it('counts failed authentications: past the limit even the right secret gets 429', async () => {
    const { as } = await world({ attemptLimits: { clientAuthentication: 2 } });
    const access = await clientCredentials(as, 'urn:invoices');
    for (let i = 0; i < 2; i++) {
      expectOAuthError(await introspect(as, access, ['invoices-api', 'guess']), 401, 'invalid_client');
    }
    const locked = await introspect(as, access);
    expectOAuthError(locked, 429, 'invalid_client');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('is neither served nor advertised when no resource lists introspectionClients', async () => {
    const as = await createAuthorizationServer(config());
    const metadata = (await (
      await as.fetch(new Request(`${ISSUER}/.well-known/oauth-authorization-server`))
    ).json()) as Record<string, unknown>;
    expect(metadata.introspection_endpoint).toBeUndefined();
    expect((await post(as, '/introspect', { token: 'x' }, { auth: ['client', 'secret'] })).status).toBe(404);
  });

  it('answers only POST', async () => {
    const { as } = await world();
    const reply = await as.fetch(new Request(`${ISSUER}/introspect?token=x`));
    expect([reply.status, reply.headers.get('allow')]).toEqual([405, 'POST']);
  });
});

describe('POST /introspect: what is shown', () => {
  it("shows a JWT access token's claims to the API in its audience, not cached", async () => {
    const { as } = await world();
    const access = await clientCredentials(as, 'urn:invoices');
    const reply = await introspect(as, access);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const claims = decodeJwt(access);
    expect(reply.json).toEqual({
      active: true,
      iss: ISSUER,
      sub: 'worker',
      aud: 'urn:invoices',
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      client_id: 'worker',
      scope: 'read',
      token_type: 'Bearer',
    });
  });

  it("answers another API's caller, and a client that speaks for no resource, {active: false}", async () => {
    const { as } = await world();
    const access = await clientCredentials(as, 'urn:invoices');
    expectInactive(await introspect(as, access, PRODUCTS_API));
    expectInactive(await introspect(as, access, LEDGER_API));
    // A confidential client with grants of its own, but no resource names it.
    expectInactive(await introspect(as, access, ['client', 'secret']));
  });

  it('shows a token for several audiences to each of them', async () => {
    const { as } = await world();
    const reply = await token(as, { grant_type: 'client_credentials', scope: 'read' });
    const access = stringField(reply, 'access_token');
    expect(decodeJwt(access).aud).toEqual(['urn:invoices', 'urn:products']);
    expect((await introspect(as, access, INVOICES_API)).json?.active).toBe(true);
    expect((await introspect(as, access, PRODUCTS_API)).json?.active).toBe(true);
  });

  it('answers {active: false} for an expired token', async () => {
    const { as, advance } = await world();
    const access = await clientCredentials(as, 'urn:invoices');
    advance(301);
    expectInactive(await introspect(as, access));
  });

  it('answers {active: false} for a revoked access token, and for those of a revoked grant', async () => {
    const { as } = await world();
    const access = await clientCredentials(as, 'urn:invoices');
    expect((await post(as, '/revoke', { token: access }, { auth: WORKER })).status).toBe(200);
    expectInactive(await introspect(as, access));

    const family = await codeFlow(as, 'urn:invoices', 'read');
    expect((await introspect(as, family.access)).json?.active).toBe(true);
    const revoked = await post(as, '/revoke', { token: family.refresh }, { auth: ['client', 'secret'] });
    expect(revoked.status).toBe(200);
    expectInactive(await introspect(as, family.access));
  });

  it.each([
    ['garbage', 'garbage'],
    ['a JWT-looking string', 'a.b.c'],
    ['a JWE-looking string', 'a.b.c.d.e'],
    ['a random string shaped like a reference token', 'A'.repeat(43)],
    ['an alg:none token', `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.e30.`],
  ])('answers {active: false} for %s, whatever the hint', async (_name, value) => {
    const { as, store } = await world();
    for (const hint of ['', 'access_token', 'refresh_token', 'bogus']) {
      const body: FormInit = hint === '' ? {} : { token_type_hint: hint };
      expectInactive(await introspect(as, value, INVOICES_API, { body }));
    }
    expect(store.size).toBe(0);
  });

  it('answers {active: false} for a tampered token, a refresh token and a token of another server', async () => {
    const { as } = await world();
    const access = await clientCredentials(as, 'urn:invoices');
    const [header, payload, signature] = access.split('.');
    const forged = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    forged.scope = 'read write';
    const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    expectInactive(await introspect(as, tampered));

    const family = await codeFlow(as, 'urn:invoices', 'read');
    expectInactive(
      await introspect(as, family.refresh, INVOICES_API, { body: { token_type_hint: 'refresh_token' } }),
    );

    const other = await world();
    expectInactive(await introspect(as, await clientCredentials(other.as, 'urn:invoices')));
  });
});

describe('reference tokens (accessTokenFormat: reference)', () => {
  it('issues an opaque string, kept in the store for its lifetime and answered for', async () => {
    const { as, store, advance } = await world();
    const access = await clientCredentials(as, 'urn:ledger', 'ledger:read');
    expect(access).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const reply = await introspect(as, access, LEDGER_API);
    expect(reply.json).toEqual({
      active: true,
      iss: ISSUER,
      sub: 'client',
      aud: 'urn:ledger',
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.any(String),
      client_id: 'client',
      scope: 'ledger:read',
      token_type: 'Bearer',
    });
    expect(Number(reply.json?.exp) - Number(reply.json?.iat)).toBe(300);
    // The token itself is no key: the store holds it under its hash only.
    expect(store.size).toBe(1);
    expect(await store.get(`reference:${access}`)).toBeUndefined();
    // Not to another API, and not once expired; the store forgets it then too.
    expectInactive(await introspect(as, access, INVOICES_API));
    advance(301);
    expectInactive(await introspect(as, access, LEDGER_API));
    store.sweep();
    expect(store.size).toBe(0);
  });

  it('is revoked by /revoke (by its client only), refreshed, and dies with its grant', async () => {
    const { as } = await world();
    const single = await clientCredentials(as, 'urn:ledger', 'ledger:read');
    const foreign = await post(as, '/revoke', { token: single }, { auth: WORKER });
    expectOAuthError(foreign, 400, 'invalid_request');
    expect((await introspect(as, single, LEDGER_API)).json?.active).toBe(true);
    const revoked = await post(
      as,
      '/revoke',
      { token: single, token_type_hint: 'access_token' },
      {
        auth: ['client', 'secret'],
      },
    );
    expect(revoked.status).toBe(200);
    expectInactive(await introspect(as, single, LEDGER_API));

    const first = await codeFlow(as, 'urn:ledger', 'ledger:read');
    expect(first.access).not.toContain('.');
    const refreshed = await refresh(as, first.refresh, { resource: 'urn:ledger' });
    const second = stringField(refreshed, 'access_token');
    expect(second).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await introspect(as, second, LEDGER_API)).json).toMatchObject({
      active: true,
      sub: 'user-alice',
    });
    expect((await introspect(as, first.access, LEDGER_API)).json?.active).toBe(true);
    // Revoking the (rotated) refresh token revokes the grant: both access tokens go inactive at once.
    const rotated = stringField(refreshed, 'refresh_token');
    expect((await post(as, '/revoke', { token: rotated }, { auth: ['client', 'secret'] })).status).toBe(200);
    expectInactive(await introspect(as, second, LEDGER_API));
    expectInactive(await introspect(as, first.access, LEDGER_API));
  });

  it('makes a token for several audiences a reference token when one of them asks for it', async () => {
    const { as } = await world({
      resources: [
        { id: 'urn:invoices', scopes: ['read'], introspectionClients: ['invoices-api'] },
        {
          id: 'urn:products',
          scopes: ['read'],
          accessTokenFormat: 'reference',
          introspectionClients: ['products-api'],
        },
      ],
      clients: [
        {
          clientId: 'worker',
          clientSecret: 'worker-secret',
          grantTypes: ['client_credentials'],
          scopes: ['read'],
        },
        { clientId: 'invoices-api', clientSecret: 'invoices-api-secret', grantTypes: [], scopes: [] },
        { clientId: 'products-api', clientSecret: 'products-api-secret', grantTypes: [], scopes: [] },
      ],
      users: [],
      autoApprove: false,
    });
    const access = stringField(
      await token(as, { grant_type: 'client_credentials', scope: 'read' }, WORKER),
      'access_token',
    );
    expect(access).not.toContain('.');
    expect((await introspect(as, access)).json).toMatchObject({
      active: true,
      aud: ['urn:invoices', 'urn:products'],
    });
  });
});

describe('RFC 9701 signed answers', () => {
  async function verifySigned(as: AuthorizationServer, reply: Reply, audience: string) {
    expect(reply.status, reply.text).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/token-introspection+jwt');
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const jwks = (await (await as.fetch(new Request(`${ISSUER}/jwks`))).json()) as Parameters<
      typeof createLocalJWKSet
    >[0];
    const { payload, protectedHeader } = await jwtVerify(reply.text, createLocalJWKSet(jwks), {
      issuer: ISSUER,
      audience,
      typ: 'token-introspection+jwt',
      maxTokenAge: 60,
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(typeof payload.iat).toBe('number');
    return payload.token_introspection as Record<string, unknown>;
  }

  it('signs the answer when asked, addressed to the caller, verifiable with the published keys', async () => {
    const { as } = await world();
    const access = await clientCredentials(as, 'urn:invoices');
    const plain = await introspect(as, access);
    const signed = await introspect(as, access, INVOICES_API, {
      headers: { accept: 'application/token-introspection+jwt' },
    });
    expect(await verifySigned(as, signed, 'invoices-api')).toEqual(plain.json);
  });

  it('signs inactive answers too, and honours a q=0 refusal of the signed type', async () => {
    const { as } = await world();
    const access = await clientCredentials(as, 'urn:invoices');
    const signed = await introspect(as, access, PRODUCTS_API, {
      headers: { accept: 'application/json;q=0.5, application/token-introspection+jwt' },
    });
    expect(await verifySigned(as, signed, 'products-api')).toEqual({ active: false });
    const refused = await introspect(as, access, INVOICES_API, {
      headers: { accept: 'application/token-introspection+jwt;q=0, application/json' },
    });
    expect(refused.json?.active).toBe(true);
  });

  it('a signed answer is no access token: its typ and aud keep it out of every API', async () => {
    const { as } = await world();
    const access = await clientCredentials(as, 'urn:invoices');
    const signed = await introspect(as, access, INVOICES_API, {
      headers: { accept: 'application/token-introspection+jwt' },
    });
    // Introspecting the signed answer itself finds nothing: it is not an at+jwt.
    expectInactive(await introspect(as, signed.text));
    expect(jtiOf(access)).toBe(decodeJwt(access).jti);
  });
});

describe('private_key_jwt callers (a configured client with jwks)', () => {
  async function keyedWorld() {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'api-key-1', alg: 'ES256' };
    const base = introspectionConfig();
    const clients = (base.clients ?? []).map((client) =>
      client.clientId === 'invoices-api'
        ? { clientId: 'invoices-api', jwks: { keys: [jwk] }, grantTypes: [], scopes: [] }
        : client,
    );
    return { ...(await world({ clients })), privateKey };
  }

  function assertion(key: CryptoKey, claims: { aud?: string; iss?: string } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'api-key-1' })
      .setIssuer(claims.iss ?? 'invoices-api')
      .setSubject(claims.iss ?? 'invoices-api')
      .setAudience(claims.aud ?? ISSUER)
      .setJti(crypto.randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key);
  }

  const assertionBody = (value: string): FormInit => ({
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: value,
  });

  it('answers a caller that signs an assertion for the issuer or the endpoint, once per assertion', async () => {
    const { as, privateKey } = await keyedWorld();
    const access = await clientCredentials(as, 'urn:invoices');
    const signed = await assertion(privateKey);
    const reply = await introspect(as, access, null, { body: assertionBody(signed) });
    expect(reply.json).toMatchObject({ active: true, aud: 'urn:invoices' });
    const endpoint = await assertion(privateKey, { aud: `${ISSUER}/introspect` });
    expect((await introspect(as, access, null, { body: assertionBody(endpoint) })).json?.active).toBe(true);
    // An assertion is single-use (RFC 7523 §3).
    expectOAuthError(
      await introspect(as, access, null, { body: assertionBody(signed) }),
      401,
      'invalid_client',
    );
  });

  it('refuses a secret, or an assertion signed by another key, from such a client', async () => {
    const { as } = await keyedWorld();
    const access = await clientCredentials(as, 'urn:invoices');
    expectOAuthError(await introspect(as, access, ['invoices-api', 'guess']), 401, 'invalid_client');
    const other = await generateKeyPair('ES256');
    const forged = await assertion(other.privateKey);
    expectOAuthError(
      await introspect(as, access, null, { body: assertionBody(forged) }),
      401,
      'invalid_client',
    );
  });

  it('advertises private_key_jwt for introspection, with the assertion algorithms', async () => {
    const { as } = await keyedWorld();
    const metadata = (await (
      await as.fetch(new Request(`${ISSUER}/.well-known/oauth-authorization-server`))
    ).json()) as Record<string, unknown>;
    expect(metadata.introspection_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
    ]);
    expect(metadata.introspection_endpoint_auth_signing_alg_values_supported).toContain('ES256');
    expect(metadata.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
  });
});

describe('configuration', () => {
  it.each<[string, Partial<AuthorizationServerConfig>, string]>([
    [
      'an unknown introspecting client',
      {
        resources: [{ id: 'urn:invoices', scopes: ['read'], introspectionClients: ['ghost'] }],
      },
      'resources[0].introspectionClients[0]: "ghost" is not a configured client; add it to clients',
    ],
    [
      'a public introspecting client',
      {
        resources: [{ id: 'urn:invoices', scopes: ['read'], introspectionClients: ['spa'] }],
        clients: [{ clientId: 'spa', grantTypes: [], scopes: [] }],
      },
      'resources[0].introspectionClients[0]: "spa" is a public client; give it a clientSecret or jwks (introspection callers must authenticate)',
    ],
    [
      'a client listed twice',
      {
        resources: [
          { id: 'urn:invoices', scopes: ['read'], introspectionClients: ['invoices-api', 'invoices-api'] },
        ],
      },
      'resources[0].introspectionClients[1]: "invoices-api" is listed twice',
    ],
    [
      'an unknown token format',
      { resources: [{ id: 'urn:invoices', scopes: ['read'], accessTokenFormat: 'opaque' as 'jwt' }] },
      "resources[0].accessTokenFormat: use 'jwt' (the default) or 'reference'",
    ],
    [
      'a client with both a secret and jwks',
      {
        resources: [{ id: 'urn:invoices', scopes: ['read'] }],
        clients: [
          {
            clientId: 'worker',
            clientSecret: 's',
            jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] },
            grantTypes: ['client_credentials'],
            scopes: ['read'],
          },
        ],
      },
      'clients[0].jwks: give clientSecret or jwks, not both',
    ],
    [
      'a private key in jwks',
      {
        resources: [{ id: 'urn:invoices', scopes: ['read'] }],
        clients: [
          {
            clientId: 'worker',
            jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' }] },
            grantTypes: ['client_credentials'],
            scopes: ['read'],
          },
        ],
      },
      'clients[0].jwks: jwks holds private or symmetric key material',
    ],
    [
      'reference tokens nobody may introspect',
      { resources: [{ id: 'urn:invoices', scopes: ['read'], accessTokenFormat: 'reference' }] },
      "resources[0].introspectionClients: accessTokenFormat 'reference' needs the client the API introspects with; without one no API can read its tokens",
    ],
    [
      'a misspelt option',
      { resources: [{ id: 'urn:invoices', scopes: ['read'], introspectionClient: ['x'] } as never] },
      'did you mean "introspectionClients"?',
    ],
    [
      'a client without grant types that introspects nothing',
      {
        resources: [{ id: 'urn:invoices', scopes: ['read'] }],
        clients: [{ clientId: 'idle', clientSecret: 's', grantTypes: [], scopes: [] }],
      },
      "clients[0].grantTypes: allow at least one grant type (only a client named in a resource's introspectionClients may have none)",
    ],
  ])('refuses %s, naming the field', async (_name, overrides, message) => {
    const base: AuthorizationServerConfig = {
      issuer: ISSUER,
      resources: [],
      clients: [
        { clientId: 'worker', clientSecret: 's', grantTypes: ['client_credentials'], scopes: ['read'] },
      ],
      ...overrides,
    };
    await expect(createAuthorizationServer(base)).rejects.toThrow(message);
  });
});
