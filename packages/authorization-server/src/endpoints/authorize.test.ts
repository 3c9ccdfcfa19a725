import { describe, expect, it } from 'vitest';
import { authorizeUrl, CALLBACK, create, ISSUER, pkce } from '../../test/helpers.js';

type AS = Awaited<ReturnType<typeof create>>;
const { challenge } = pkce();
const valid = {
  response_type: 'code',
  client_id: 'client',
  redirect_uri: CALLBACK,
  scope: 'read',
  state: 'st<ate>',
  code_challenge: challenge,
  code_challenge_method: 'S256',
};

async function go(as: AS, params: Record<string, string | string[] | undefined>) {
  const res = await as.fetch(new Request(authorizeUrl(as, { ...valid, ...params })));
  const location = res.headers.get('location');
  return { res, location: location === null ? undefined : new URL(location), text: await res.text() };
}

describe('GET /authorize: success', () => {
  it('redirects to the redirect URI with code, state and iss (auto-approve)', async () => {
    const as = await create();
    const { res, location } = await go(as, {});
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(`${location?.origin}${location?.pathname}`).toBe(CALLBACK);
    expect(location?.searchParams.get('code')).toEqual(expect.any(String));
    expect(location?.searchParams.get('state')).toBe('st<ate>');
    expect(location?.searchParams.get('iss')).toBe(ISSUER);
  });

  it('uses the only registered redirect URI when none is sent', async () => {
    const as = await create();
    const { res, location } = await go(as, { redirect_uri: undefined });
    expect(res.status).toBe(302);
    expect(location?.href.startsWith(`${CALLBACK}?`)).toBe(true);
  });

  it('keeps a query already in the redirect URI', async () => {
    const uri = 'https://app.example.com/cb?tenant=a';
    const as = await create({
      clients: [
        { clientId: 'client', grantTypes: ['authorization_code'], redirectUris: [uri], scopes: ['read'] },
      ],
    });
    const { location } = await go(as, { redirect_uri: uri });
    expect(location?.searchParams.get('tenant')).toBe('a');
    expect(location?.searchParams.get('code')).toEqual(expect.any(String));
  });
});

describe('GET /authorize: requests that must create nothing', () => {
  it('answers HEAD with 405 and issues no code, even with auto-approve', async () => {
    const as = await create();
    const res = await as.fetch(new Request(authorizeUrl(as, valid), { method: 'HEAD' }));
    expect(res.status).toBe(405);
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses an overlong request with 414 instead of echoing it into a redirect', async () => {
    const as = await create();
    const { res, location } = await go(as, { state: 'x'.repeat(10_000) });
    expect(res.status).toBe(414);
    expect(location).toBeUndefined();
  });
});

describe('GET /authorize: never redirects to an untrusted URI', () => {
  it.each<[string, Record<string, string | string[] | undefined>]>([
    ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example.com/cb' }],
    ['a redirect_uri differing by a trailing slash', { redirect_uri: `${CALLBACK}/` }],
    ['a repeated redirect_uri', { redirect_uri: [CALLBACK, 'https://evil.example.com/cb'] }],
    ['an unknown client', { client_id: 'nobody' }],
    ['no client_id', { client_id: undefined }],
    ['a missing redirect_uri when several are registered', { client_id: 'spa', redirect_uri: undefined }],
  ])('shows a 400 page for %s', async (_case, params) => {
    const as = await create();
    const { res, location, text } = await go(as, { ...params, response_type: 'token' });
    expect(res.status).toBe(400);
    expect(location).toBeUndefined();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(text).toContain('Invalid authorization request');
    expect(text).not.toContain('evil.example.com');
  });
});

describe('GET /authorize: errors go back by redirect with state and iss', () => {
  it.each<[string, Record<string, string | string[] | undefined>, string]>([
    ['no response_type', { response_type: undefined }, 'invalid_request'],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['a repeated scope', { scope: ['read', 'write'] }, 'invalid_request'],
    ['no code_challenge', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
    ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['no code_challenge_method', { code_challenge_method: undefined }, 'invalid_request'],
    ['a malformed code_challenge', { code_challenge: 'too-short' }, 'invalid_request'],
    ['an unknown scope', { scope: 'delete' }, 'invalid_scope'],
    [
      'a scope the client may not use',
      { client_id: 'spa', redirect_uri: CALLBACK, scope: 'orders:read' },
      'invalid_scope',
    ],
    ['only offline_access', { scope: 'offline_access' }, 'invalid_scope'],
    ['a relative resource', { resource: '/invoices' }, 'invalid_target'],
    ['a resource with a fragment', { resource: 'urn:invoices#frag' }, 'invalid_target'],
    ['an unknown resource', { resource: 'urn:shipping' }, 'invalid_target'],
    [
      'a resource that owns none of the scopes',
      { resource: ['urn:invoices', 'https://orders.example.com'] },
      'invalid_scope',
    ],
  ])('%s → %s', async (_case, params, error) => {
    const as = await create();
    const { res, location } = await go(as, params);
    expect(res.status).toBe(302);
    expect(`${location?.origin}${location?.pathname}`).toBe(CALLBACK);
    expect(location?.searchParams.get('error')).toBe(error);
    expect(location?.searchParams.get('error_description')).toEqual(expect.any(String));
    expect(location?.searchParams.get('state')).toBe('st<ate>');
    expect(location?.searchParams.get('iss')).toBe(ISSUER);
    expect(location?.searchParams.get('code')).toBeNull();
  });

  it('refuses a resource the client may not target with invalid_target', async () => {
    const as = await create({
      clients: [
        {
          clientId: 'client',
          grantTypes: ['authorization_code'],
          redirectUris: [CALLBACK],
          scopes: ['read'],
          resources: ['urn:invoices'],
        },
      ],
    });
    const { location } = await go(as, { resource: 'urn:products' });
    expect(location?.searchParams.get('error')).toBe('invalid_target');
  });

  it('refuses scopes that need a resource indicator when none is sent, with invalid_target', async () => {
    const as = await create({
      resources: [
        { id: 'urn:invoices', scopes: ['read'], requireResourceIndicator: true },
        { id: 'urn:products', scopes: ['read'], requireResourceIndicator: true },
      ],
      clients: [
        {
          clientId: 'client',
          grantTypes: ['authorization_code'],
          redirectUris: [CALLBACK],
          scopes: ['read'],
        },
      ],
    });
    expect((await go(as, {})).location?.searchParams.get('error')).toBe('invalid_target');
    expect((await go(as, { resource: 'urn:invoices' })).location?.searchParams.get('code')).toEqual(
      expect.any(String),
    );
  });

  it('refuses a client not registered for the code flow with unauthorized_client', async () => {
    const as = await create({
      clients: [
        {
          clientId: 'client',
          clientSecret: 's',
          grantTypes: ['client_credentials'],
          redirectUris: [CALLBACK],
          scopes: ['read'],
        },
      ],
      users: [],
      autoApprove: false,
    });
    expect((await go(as, {})).location?.searchParams.get('error')).toBe('unauthorized_client');
  });

  it('refuses offline_access for a client without the refresh_token grant with invalid_scope', async () => {
    const as = await create({
      clients: [
        {
          clientId: 'client',
          grantTypes: ['authorization_code'],
          redirectUris: [CALLBACK],
          scopes: ['read'],
        },
      ],
    });
    expect((await go(as, { scope: 'read offline_access' })).location?.searchParams.get('error')).toBe(
      'invalid_scope',
    );
  });

  it('leaves state out when the client sent none', async () => {
    const as = await create();
    const { location } = await go(as, { state: undefined, response_type: 'token' });
    expect(location?.searchParams.has('state')).toBe(false);
    expect(location?.searchParams.get('iss')).toBe(ISSUER);
  });
});

describe('GET /authorize: the login and consent page', () => {
  it('names the client, each resource and its scopes, with a CSRF token, and cannot be framed', async () => {
    const as = await create({ autoApprove: false });
    const { res, text } = await go(as, {
      client_id: 'spa',
      scope: 'read offline_access',
      resource: ['urn:invoices', 'urn:products'],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(text).toContain('<strong>Single-page app</strong> asks for access');
    expect(text).toContain('<strong>Invoices</strong> (<code>urn:invoices</code>): <code>read</code>');
    expect(text).toContain('<strong>Products</strong> (<code>urn:products</code>): <code>read</code>');
    expect(text).toContain('refresh token');
    expect(text).toMatch(/name="csrf_token" value="[A-Za-z0-9_-]{43}"/);
    expect(text).toContain(`action="${ISSUER}/authorize/consent"`);
  });

  it('escapes the client name and resource names', async () => {
    const as = await create({
      autoApprove: false,
      resources: [{ id: 'urn:x', name: '<b>"X" & co</b>', scopes: ['read'] }],
      clients: [
        {
          clientId: 'evil',
          name: '<script>alert("x")</script>',
          grantTypes: ['authorization_code'],
          redirectUris: [CALLBACK],
          scopes: ['read'],
        },
      ],
    });
    const { text } = await go(as, { client_id: 'evil' });
    expect(text).not.toContain('<script>');
    expect(text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(text).toContain('&lt;b&gt;&quot;X&quot; &amp; co&lt;/b&gt;');
  });

  it('answers 405 to POST /authorize', async () => {
    const as = await create();
    const res = await as.fetch(new Request(`${ISSUER}/authorize`, { method: 'POST' }));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });
});
