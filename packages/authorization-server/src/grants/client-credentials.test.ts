import { describe, expect, it } from 'vitest';
import { create, token, verify } from '../../test/helpers.js';
import type { AuthorizationServerConfig } from '../config.js';

const client: [string, string] = ['client', 'secret'];
const cc = (params: Record<string, string | string[]>) => ({ grant_type: 'client_credentials', ...params });

// The seed: urn:invoices and urn:products both own read and write.
const seed = (requireResourceIndicator: boolean): Partial<AuthorizationServerConfig> => ({
  resources: [
    { id: 'urn:invoices', scopes: ['read', 'write'], requireResourceIndicator },
    { id: 'urn:products', scopes: ['read', 'write'], requireResourceIndicator },
  ],
  clients: [
    {
      clientId: 'client',
      clientSecret: 'secret',
      grantTypes: ['client_credentials'],
      scopes: ['read', 'write'],
    },
  ],
  users: [],
  autoApprove: false,
});

describe('client_credentials: the seed (Duende resource isolation)', () => {
  it('scope=read without resource → aud names both APIs when neither requires a resource indicator', async () => {
    const as = await create(seed(false));
    const res = await token(as, cc({ scope: 'read' }), client);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('read');
    const { payload } = await verify(as, res.body.access_token);
    expect(payload.aud).toEqual(['urn:invoices', 'urn:products']);
  });

  it('scope=read&resource=urn:invoices → aud is urn:invoices alone (a string)', async () => {
    const as = await create(seed(false));
    const res = await token(as, cc({ scope: 'read', resource: 'urn:invoices' }), client);
    expect(res.body.scope).toBe('read');
    const { payload } = await verify(as, res.body.access_token);
    expect(payload.aud).toBe('urn:invoices');
    expect(payload.scope).toBe('read');
    expect(payload.client_id).toBe('client');
  });

  it('with requireResourceIndicator on both, scope=read without resource → invalid_target', async () => {
    const as = await create(seed(true));
    const res = await token(as, cc({ scope: 'read' }), client);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_target');
  });

  it('with requireResourceIndicator on both, resource=urn:invoices → aud urn:invoices only', async () => {
    const as = await create(seed(true));
    const res = await token(as, cc({ scope: 'read', resource: 'urn:invoices' }), client);
    expect(res.status).toBe(200);
    expect((await verify(as, res.body.access_token)).payload.aud).toBe('urn:invoices');
  });

  it('requireResourceIndicator on one API leaves only the other in a derived aud', async () => {
    const config = seed(false);
    const as = await create({
      ...config,
      resources: [
        { id: 'urn:invoices', scopes: ['read', 'write'], requireResourceIndicator: true },
        { id: 'urn:products', scopes: ['read', 'write'] },
      ],
    });
    const res = await token(as, cc({ scope: 'read' }), client);
    expect((await verify(as, res.body.access_token)).payload.aud).toBe('urn:products');
  });
});

describe('client_credentials: token claims (RFC 9068)', () => {
  it('carries iss sub aud exp iat jti client_id scope, with sub = client_id and typ at+jwt', async () => {
    const as = await create();
    const res = await token(as, cc({ scope: 'read', resource: 'urn:invoices' }), client);
    const { payload, header } = await verify(as, res.body.access_token);
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256', kid: expect.any(String) });
    expect(payload).toEqual({
      iss: 'https://as.example.com',
      sub: 'client',
      aud: 'urn:invoices',
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.any(String),
      client_id: 'client',
      scope: 'read',
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
  });

  it('gives every token its own jti', async () => {
    const as = await create();
    const a = await verify(as, (await token(as, cc({ scope: 'read' }), client)).body.access_token);
    const b = await verify(as, (await token(as, cc({ scope: 'read' }), client)).body.access_token);
    expect(a.payload.jti).not.toBe(b.payload.jti);
  });
});

describe('client_credentials: scope narrowing', () => {
  it('drops requested scopes the named resource does not own and returns the effective scope', async () => {
    const as = await create();
    const res = await token(as, cc({ scope: 'read orders:read', resource: 'urn:invoices' }), client);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('read');
    expect((await verify(as, res.body.access_token)).payload.scope).toBe('read');
  });

  it('refuses a resource that owns none of the requested scopes with invalid_scope', async () => {
    const as = await create();
    const res = await token(as, cc({ scope: 'orders:read', resource: 'urn:invoices' }), client);
    expect(res.body.error).toBe('invalid_scope');
  });

  it('without scope, uses the client scopes narrowed to the resource', async () => {
    const as = await create();
    const res = await token(as, cc({ resource: 'https://orders.example.com' }), client);
    expect(res.body.scope).toBe('orders:read');
    expect((await verify(as, res.body.access_token)).payload.aud).toBe('https://orders.example.com');
  });

  it('without scope and resource, uses the client scopes and every resource that owns one', async () => {
    const as = await create();
    const res = await token(as, cc({}), client);
    expect(res.body.scope).toBe('read write orders:read');
    expect((await verify(as, res.body.access_token)).payload.aud).toEqual([
      'urn:invoices',
      'urn:products',
      'https://orders.example.com',
    ]);
  });

  it('refuses an unknown scope, a scope the client may not use, and offline_access with invalid_scope', async () => {
    const as = await create();
    expect((await token(as, cc({ scope: 'delete' }), client)).body.error).toBe('invalid_scope');
    expect((await token(as, cc({ scope: 'write' }), ['invoice_worker', 'worker-secret'])).body.error).toBe(
      'invalid_scope',
    );
    expect((await token(as, cc({ scope: 'read offline_access' }), client)).body.error).toBe('invalid_scope');
    expect((await token(as, cc({ scope: 'bad"scope' }), client)).body.error).toBe('invalid_scope');
  });
});

describe('client_credentials: invalid_target', () => {
  it.each([
    ['a relative URI', '/invoices'],
    ['a URI with a fragment', 'urn:invoices#x'],
    ['an unknown resource', 'urn:shipping'],
    ['a near miss (trailing slash)', 'https://orders.example.com/'],
  ])('refuses %s', async (_case, resource) => {
    const as = await create();
    const res = await token(as, cc({ scope: 'read', resource }), client);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_target');
  });

  it('refuses a resource the client may not target', async () => {
    const as = await create();
    const res = await token(as, cc({ scope: 'read', resource: 'urn:products' }), [
      'invoice_worker',
      'worker-secret',
    ]);
    expect(res.body.error).toBe('invalid_target');
  });

  it('refuses two resources in one token request (one token per audience)', async () => {
    const as = await create();
    const res = await token(as, cc({ scope: 'read', resource: ['urn:invoices', 'urn:products'] }), client);
    expect(res.body.error).toBe('invalid_target');
  });

  it('a client restricted to some resources gets only those in a derived aud', async () => {
    const as = await create();
    const res = await token(as, cc({ scope: 'read' }), ['invoice_worker', 'worker-secret']);
    expect((await verify(as, res.body.access_token)).payload.aud).toBe('urn:invoices');
  });
});
