import { ConfigurationError } from '@audguard/authorization-server';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT, startTestIssuer, type TestIssuer } from './issuer.js';

const ORDERS = 'https://orders.example.com';
const INVOICES = 'https://invoices.example.com';
const PLAIN = 'urn:plain';

describe('startTestIssuer', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startTestIssuer({
      resources: [
        { id: ORDERS, scopes: ['orders:read', 'orders:write'] },
        { id: INVOICES, scopes: ['invoices:read'] },
        PLAIN,
      ],
    });
  });
  afterAll(() => issuer.close());

  const verify = (token: string) =>
    jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)), { issuer: issuer.issuer, typ: 'at+jwt' });

  it('listens on an ephemeral loopback port and is its own issuer', async () => {
    expect(issuer.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${issuer.issuer}/.well-known/oauth-authorization-server`);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: issuer.issuer,
      jwks_uri: issuer.jwksUri,
      token_endpoint: issuer.tokenEndpoint,
    });
    expect(issuer.resources).toEqual([ORDERS, INVOICES, PLAIN]);
  });

  it('mints RFC 9068 tokens that verify against the published JWKS', async () => {
    const token = await issuer.token({ resource: ORDERS, scopes: ['orders:read'] });
    const { payload, protectedHeader } = await verify(token);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(payload).toMatchObject({
      iss: issuer.issuer,
      sub: 'test-user',
      aud: ORDERS,
      client_id: 'test-client',
      scope: 'orders:read',
    });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.jti).toEqual(expect.any(String));
  });

  it('sets any subject, client, lifetime and extra claim', async () => {
    const token = await issuer.token({
      resource: [ORDERS, INVOICES],
      subject: 'alice',
      clientId: 'mobile',
      expiresIn: 60,
      claims: { tenant: 'acme' },
    });
    const { payload } = await verify(token);
    expect(payload).toMatchObject({
      sub: 'alice',
      client_id: 'mobile',
      aud: [ORDERS, INVOICES],
      tenant: 'acme',
    });
    expect(payload.scope).toBe('orders:read orders:write invoices:read');
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it('grants exactly the scopes asked for on a resource declared as a plain id', async () => {
    expect((await verify(await issuer.token({ resource: PLAIN }))).payload.scope).toBeUndefined();
    const token = await issuer.token({ resource: PLAIN, scopes: ['anything'] });
    expect((await verify(token)).payload.scope).toBe('anything');
  });

  it('refuses unknown resources and scopes a resource does not own, saying what to declare', async () => {
    await expect(issuer.token({ resource: 'https://shipping.example.com' })).rejects.toThrow(
      /"https:\/\/shipping.example.com" is not a resource of this test issuer; declare it in startTestIssuer/,
    );
    await expect(issuer.token({ resource: ORDERS, scopes: ['invoices:read'] })).rejects.toThrow(
      'https://orders.example.com does not own the scope(s) invoices:read',
    );
  });

  it("serves the authorization server's /token: its tokens verify against the same JWKS", async () => {
    const response = await fetch(issuer.tokenEndpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${DEFAULT_CLIENT.clientId}:${DEFAULT_CLIENT.clientSecret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'orders:read', resource: ORDERS }),
    });
    expect(response.status).toBe(200);
    const { access_token } = (await response.json()) as { access_token: string };
    const { payload } = await verify(access_token);
    expect(payload).toMatchObject({ aud: ORDERS, scope: 'orders:read', client_id: 'test-client' });
  });

  it('rotates keys: new tokens use a new kid, old tokens keep verifying', async () => {
    const before = await issuer.token({ resource: ORDERS });
    await issuer.rotateKeys();
    const after = await issuer.token({ resource: ORDERS });
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    await verify(before);
    await verify(after);
  });
});

describe('startTestIssuer options', () => {
  it('signs with the configured algorithm and lifetime', async () => {
    const issuer = await startTestIssuer({
      resources: [ORDERS],
      signingAlgorithm: 'ES256',
      accessTokenLifetime: 42,
    });
    try {
      const token = await issuer.token({ resource: ORDERS });
      expect(decodeProtectedHeader(token).alg).toBe('ES256');
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)));
      expect(payload.exp! - payload.iat!).toBe(42);
    } finally {
      await issuer.close();
    }
  });

  it('says what to fix in a bad configuration', async () => {
    await expect(startTestIssuer({ resources: [] })).rejects.toThrow(ConfigurationError);
    await expect(startTestIssuer({ resources: ['orders'] })).rejects.toThrow(
      /resources\[0\]\.id: "orders" must be an absolute URI/,
    );
  });

  it('closes: the port stops answering, and a second close is harmless', async () => {
    const issuer = await startTestIssuer({ resources: [ORDERS] });
    await fetch(issuer.jwksUri);
    await issuer.close();
    await issuer.close();
    await expect(fetch(issuer.jwksUri)).rejects.toThrow();
  });
});
