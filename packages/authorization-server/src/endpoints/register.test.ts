import { describe, expect, it } from 'vitest';
import {
  type Answer,
  authorize,
  authorizeUrl,
  create,
  get,
  ISSUER,
  seedConfig,
  token,
  verify,
} from '../../test/helpers.js';
import type { AuthorizationServerConfig } from '../config.js';
import { createAuthorizationServer } from '../server.js';
import { MemoryStore } from '../store.js';

const NATIVE_REDIRECT = 'http://127.0.0.1:8123/callback';
const WEB_REDIRECT = 'https://app.example.com/cb';

async function server(overrides: Partial<AuthorizationServerConfig> = {}) {
  let now = Date.now();
  const store = new MemoryStore({ now: () => now, sweepIntervalSeconds: 0 });
  const as = await create({ now: () => now, store, clientRegistration: true, ...overrides });
  return { as, store, advance: (seconds: number) => (now += seconds * 1000) };
}

async function register(
  as: Awaited<ReturnType<typeof create>>,
  metadata: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await as.fetch(
    new Request(`${ISSUER}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof metadata === 'string' ? metadata : JSON.stringify(metadata),
    }),
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) };
}

const publicNative = {
  client_name: 'Desktop MCP client',
  redirect_uris: [NATIVE_REDIRECT],
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'none',
  application_type: 'native',
};

describe('POST /register (RFC 7591)', () => {
  it('registers a public native client: 201 with client_id, client_id_issued_at and the metadata as registered', async () => {
    const { as } = await server();
    const res = await register(as, { ...publicNative, logo_uri: 'https://x/logo.png', unknown_field: 1 });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      client_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      client_id_issued_at: expect.any(Number),
      redirect_uris: [NATIVE_REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      application_type: 'native',
      client_name: 'Desktop MCP client',
      scope: 'read write orders:read offline_access',
    });
    expect(Math.abs(Number(res.body.client_id_issued_at) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('registers a confidential client by default (client_secret_basic) with a secret that expires with the registration', async () => {
    const { as } = await server();
    const res = await register(as, { redirect_uris: [WEB_REDIRECT] });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      application_type: 'web',
      grant_types: ['authorization_code'],
    });
    expect(res.body.client_secret_expires_at).toBe(Number(res.body.client_id_issued_at) + 2_592_000);
  });

  it('lets a registered public client complete the code flow, with iss on the response', async () => {
    const { as } = await server();
    const { body } = await register(as, publicNative);
    const clientId = String(body.client_id);
    const { code, verifier, location } = await authorize(as, {
      client_id: clientId,
      redirect_uri: NATIVE_REDIRECT,
      scope: 'read offline_access',
      resource: 'urn:invoices',
    });
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    const res = await token(as, {
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      redirect_uri: NATIVE_REDIRECT,
      code_verifier: verifier,
    });
    expect(res.status, res.text).toBe(200);
    expect((await verify(as, res.body.access_token)).payload).toMatchObject({
      client_id: clientId,
      aud: 'urn:invoices',
    });
    expect(res.body.refresh_token).toEqual(expect.any(String));
  });

  it('takes a declared scope as where the client starts, not as a cap: it may step up within the policy', async () => {
    const { as } = await server();
    const { body } = await register(as, { ...publicNative, scope: 'read offline_access' });
    expect(body.scope).toBe('read write orders:read offline_access');
    const { code, verifier } = await authorize(as, {
      client_id: String(body.client_id),
      redirect_uri: NATIVE_REDIRECT,
      scope: 'read write',
      resource: 'urn:invoices',
    });
    const res = await token(as, {
      grant_type: 'authorization_code',
      client_id: String(body.client_id),
      code,
      redirect_uri: NATIVE_REDIRECT,
      code_verifier: verifier,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.scope).toBe('read write');
  });

  it('sends errors back by redirect with iss (RFC 9207), and its consent page says it registered itself', async () => {
    const { as } = await server({ autoApprove: false });
    const { body } = await register(as, publicNative);
    const params = {
      client_id: String(body.client_id),
      redirect_uri: NATIVE_REDIRECT,
      response_type: 'code',
    };
    const bad = await as.fetch(new Request(authorizeUrl(as, { ...params, state: 's' })));
    const location = new URL(bad.headers.get('location') ?? 'about:blank');
    expect(`${location.origin}${location.pathname}`).toBe(NATIVE_REDIRECT);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      error: 'invalid_request',
      state: 's',
      iss: ISSUER,
    });
    const page = await get(
      as,
      authorizeUrl(as, {
        ...params,
        scope: 'read',
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
      }),
    );
    expect(page.status).toBe(200);
    expect(page.text).toContain('<strong>Desktop MCP client</strong> asks for access');
    expect(page.text).toContain('registered itself with this server: its name is its own claim');
    expect(page.text).toContain('goes back to <strong>127.0.0.1:8123</strong>');
  });

  it('lets a registered confidential client redeem with the method it registered, and only that one', async () => {
    const { as } = await server();
    const { body } = await register(as, {
      redirect_uris: [WEB_REDIRECT],
      token_endpoint_auth_method: 'client_secret_post',
    });
    const [clientId, secret] = [String(body.client_id), String(body.client_secret)];
    const { code, verifier } = await authorize(as, {
      client_id: clientId,
      redirect_uri: WEB_REDIRECT,
      scope: 'read',
    });
    const params = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: WEB_REDIRECT,
      code_verifier: verifier,
    };
    const basicAuth = await token(as, params, [clientId, secret]);
    expect([basicAuth.status, basicAuth.body.error_description]).toEqual([
      401,
      expect.stringMatching(/registered client_secret_post/),
    ]);
    const wrong = await token(as, { ...params, client_id: clientId, client_secret: `${secret}x` });
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
    const ok = await token(as, { ...params, client_id: clientId, client_secret: secret });
    expect(ok.status, ok.text).toBe(200);
  });

  it('stores only the hash of a registered secret', async () => {
    const { as, store } = await server();
    const { body } = await register(as, { redirect_uris: [WEB_REDIRECT] });
    const stored = await store.get(`client:${body.client_id}`);
    expect(stored).toBeDefined();
    expect(stored).not.toContain(String(body.client_secret));
  });

  it('forgets the client when its registration ends', async () => {
    const { as, advance } = await server({ clientRegistration: { lifetime: 60 } });
    const { body } = await register(as, publicNative);
    advance(61);
    const res = await get(
      as,
      authorizeUrl(as, { client_id: String(body.client_id), redirect_uri: NATIVE_REDIRECT }),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('The client is unknown.');
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['no redirect URIs', { redirect_uris: [] }, 'invalid_redirect_uri', /at least one/],
    [
      'a web client with http',
      { redirect_uris: ['http://app.example.com/cb'] },
      'invalid_redirect_uri',
      /web client must use https/,
    ],
    [
      'a web client on localhost',
      { redirect_uris: ['https://localhost/cb'] },
      'invalid_redirect_uri',
      /must not redirect to localhost/,
    ],
    [
      'a web client with a loopback IP',
      { redirect_uris: [NATIVE_REDIRECT] },
      'invalid_redirect_uri',
      /web client must use https/,
    ],
    [
      'a native client with http on a public host',
      { application_type: 'native', redirect_uris: ['http://app.example.com/cb'] },
      'invalid_redirect_uri',
      /loopback host/,
    ],
    ['a fragment', { redirect_uris: [`${WEB_REDIRECT}#x`] }, 'invalid_redirect_uri', /fragment/],
    ['a relative URI', { redirect_uris: ['/cb'] }, 'invalid_redirect_uri', /not an absolute URI/],
    [
      'a javascript: URI',
      { application_type: 'native', redirect_uris: ['javascript:alert(1)'] },
      'invalid_redirect_uri',
      /javascript:/,
    ],
    [
      'eleven redirect URIs',
      { redirect_uris: Array.from({ length: 11 }, (_, i) => `${WEB_REDIRECT}${i}`) },
      'invalid_redirect_uri',
      /at most 10/,
    ],
    [
      'client_credentials',
      { redirect_uris: [WEB_REDIRECT], grant_types: ['authorization_code', 'client_credentials'] },
      'invalid_client_metadata',
      /Only the authorization_code and refresh_token/,
    ],
    [
      'implicit',
      { redirect_uris: [WEB_REDIRECT], response_types: ['token'] },
      'invalid_client_metadata',
      /response_types may only be code/,
    ],
    [
      'private_key_jwt',
      { redirect_uris: [WEB_REDIRECT], token_endpoint_auth_method: 'private_key_jwt' },
      'invalid_client_metadata',
      /Client ID Metadata Document/,
    ],
    [
      'an unknown auth method',
      { redirect_uris: [WEB_REDIRECT], token_endpoint_auth_method: 'tls_client_auth' },
      'invalid_client_metadata',
      /must be client_secret_basic/,
    ],
    [
      'an application type of its own',
      { redirect_uris: [WEB_REDIRECT], application_type: 'browser' },
      'invalid_client_metadata',
      /web or native/,
    ],
    [
      'a scope not offered',
      { redirect_uris: [WEB_REDIRECT], scope: 'read admin' },
      'invalid_client_metadata',
      /does not offer/,
    ],
    [
      'offline_access without refresh_token',
      { redirect_uris: [WEB_REDIRECT], scope: 'read offline_access' },
      'invalid_client_metadata',
      /refresh_token grant/,
    ],
    [
      'a name with a bidi override',
      { redirect_uris: [WEB_REDIRECT], client_name: 'good\u202eevil' },
      'invalid_client_metadata',
      /printable/,
    ],
    [
      'redirect_uris not an array',
      { redirect_uris: WEB_REDIRECT },
      'invalid_client_metadata',
      /array of strings/,
    ],
  ])('refuses %s with 400 %s', async (_, metadata, error, reason) => {
    const { as, store } = await server();
    const res = await register(as, metadata);
    expect([res.status, res.body.error], res.text).toEqual([400, error]);
    expect(res.body.error_description).toMatch(reason);
    expect(store.size).toBe(0);
  });

  it.each([
    ['not JSON', 'nope', 'application/json', /not UTF-8 JSON/],
    ['a JSON array', '[]', 'application/json', /JSON object/],
    ['a form', 'redirect_uris=x', 'application/x-www-form-urlencoded', /application\/json/],
  ])('refuses a body that is %s with 400 invalid_client_metadata', async (_, body, type, reason) => {
    const { as } = await server();
    const res = await register(as, body, { 'content-type': type });
    expect([res.status, res.body.error]).toEqual([400, 'invalid_client_metadata']);
    expect(res.body.error_description).toMatch(reason);
  });

  it('answers 413 for a body over maxBodyBytes', async () => {
    const { as } = await server({ clientRegistration: { maxBodyBytes: 1000 } });
    const res = await register(as, {
      redirect_uris: [WEB_REDIRECT],
      client_uri: `https://x/${'a'.repeat(1000)}`,
    });
    expect([res.status, res.body.error]).toEqual([413, 'invalid_client_metadata']);
  });

  it('holds registered clients to the configured policy: resources and scopes', async () => {
    const { as } = await server({ clientRegistration: { resources: ['urn:invoices'], scopes: ['read'] } });
    expect((await register(as, { redirect_uris: [WEB_REDIRECT], scope: 'write' })).body.error).toBe(
      'invalid_client_metadata',
    );
    const { body } = await register(as, publicNative);
    const clientId = String(body.client_id);
    await expect(
      authorize(as, { client_id: clientId, redirect_uri: NATIVE_REDIRECT, scope: 'write' }),
    ).rejects.toThrow(/invalid_scope/);
    await expect(
      authorize(as, {
        client_id: clientId,
        redirect_uri: NATIVE_REDIRECT,
        scope: 'read',
        resource: 'urn:products',
      }),
    ).rejects.toThrow(/invalid_target/);
    await authorize(as, {
      client_id: clientId,
      redirect_uri: NATIVE_REDIRECT,
      scope: 'read',
      resource: 'urn:invoices',
    });
  });

  it('uses defaultApplicationType when a registration names none', async () => {
    const { as } = await server({ clientRegistration: { defaultApplicationType: 'native' } });
    const { token_endpoint_auth_method, redirect_uris } = publicNative;
    const res = await register(as, { token_endpoint_auth_method, redirect_uris });
    expect([res.status, res.body.application_type]).toEqual([201, 'native']);
  });

  it('is advertised as registration_endpoint, with none among the auth methods', async () => {
    const { as } = await server({
      clients: [{ clientId: 'c', clientSecret: 's', grantTypes: ['client_credentials'], scopes: ['read'] }],
    });
    const { body } = await get(as, `${ISSUER}/.well-known/oauth-authorization-server`);
    expect(body.registration_endpoint).toBe(`${ISSUER}/register`);
    expect(body.token_endpoint_auth_methods_supported).toContain('none');
    expect(body.grant_types_supported).toEqual(['authorization_code', 'client_credentials', 'refresh_token']);
    expect(body).not.toHaveProperty('client_id_metadata_document_supported');
  });

  it('is off by default: /register is 404 and not advertised', async () => {
    const as = await create();
    expect((await register(as, publicNative)).status).toBe(404);
    const { body } = await get(as, `${ISSUER}/.well-known/oauth-authorization-server`);
    expect(body).not.toHaveProperty('registration_endpoint');
  });

  it('needs no configured client when self-service is on', async () => {
    const { clients: _, ...withoutClients } = seedConfig({ clientRegistration: true });
    const as = await createAuthorizationServer(withoutClients);
    expect((await register(as, publicNative)).status).toBe(201);
  });
});
