import { describe, expect, it } from 'vitest';
import { create, get, ISSUER } from '../../test/helpers.js';

describe('GET /.well-known/oauth-authorization-server (RFC 8414)', () => {
  it('describes the server with the issuer it was built from', async () => {
    const as = await create();
    const res = await get(as, `${ISSUER}/.well-known/oauth-authorization-server`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: `${ISSUER}/jwks`,
      revocation_endpoint: `${ISSUER}/revoke`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['read', 'write', 'orders:read', 'offline_access'],
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('inserts the well-known suffix before the issuer path, and serves the endpoints under the path', async () => {
    const issuer = 'https://as.example.com/tenant1';
    const as = await create({ issuer });
    const res = await get(as, 'https://as.example.com/.well-known/oauth-authorization-server/tenant1');
    expect(res.status).toBe(200);
    expect(res.body.issuer).toBe(issuer);
    expect(res.body.token_endpoint).toBe(`${issuer}/token`);
    expect(res.body.jwks_uri).toBe(`${issuer}/jwks`);
    expect((await get(as, `${issuer}/jwks`)).status).toBe(200);
    // Neither the host-level document nor the appended form exist for an issuer with a path.
    expect((await get(as, 'https://as.example.com/.well-known/oauth-authorization-server')).status).toBe(404);
    expect((await get(as, `${issuer}/.well-known/oauth-authorization-server`)).status).toBe(404);
  });

  it('drops a terminating slash of the issuer path when inserting (RFC 8414 §3.1)', async () => {
    const issuer = 'https://as.example.com/tenant1/';
    const as = await create({ issuer });
    const res = await get(as, 'https://as.example.com/.well-known/oauth-authorization-server/tenant1');
    expect(res.body.issuer).toBe(issuer);
    expect(res.body.token_endpoint).toBe('https://as.example.com/tenant1/token');
  });

  it('leaves out "none" auth when every client has a secret', async () => {
    const as = await create({
      clients: [{ clientId: 'c', clientSecret: 's', grantTypes: ['client_credentials'], scopes: ['read'] }],
    });
    const res = await get(as, `${ISSUER}/.well-known/oauth-authorization-server`);
    expect(res.body.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
    ]);
    expect(res.body.grant_types_supported).toEqual(['client_credentials']);
  });
});
