import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import type { JsonWebKey } from '../types.js';
import { ClientAuthenticator } from './client-auth.js';

describe('ClientAuthenticator (RFC 7662 §2.1)', () => {
  it('client_secret_basic form-encodes the id and the secret before joining them (RFC 6749 §2.3.1)', async () => {
    const auth = new ClientAuthenticator(
      'orders api',
      { method: 'client_secret_basic', secret: 'p:w%d' },
      'x',
      Date.now,
    );
    const { headers, params } = await auth.credentials();
    expect(headers.authorization).toBe(`Basic ${btoa('orders+api:p%3Aw%25d')}`);
    expect(params).toEqual({});
  });

  it('client_secret_post sends both in the body', async () => {
    const auth = new ClientAuthenticator('api', { method: 'client_secret_post', secret: 's' }, 'x', Date.now);
    expect(await auth.credentials()).toEqual({
      headers: {},
      params: { client_id: 'api', client_secret: 's' },
    });
  });

  it('private_key_jwt signs a fresh assertion for the issuer each time', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const key = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'k' } as JsonWebKey;
    const now = 1_800_000_000_000;
    const auth = new ClientAuthenticator(
      'api',
      { method: 'private_key_jwt', key, alg: 'ES256' },
      'https://as',
      () => now,
    );
    const [a, b] = [await auth.credentials(), await auth.credentials()];
    const assertion = a.params.client_assertion as string;
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'ES256', kid: 'k' });
    expect(decodeJwt(assertion)).toMatchObject({
      iss: 'api',
      sub: 'api',
      aud: 'https://as',
      iat: now / 1000,
      exp: now / 1000 + 60,
    });
    expect(decodeJwt(b.params.client_assertion as string).jti).not.toBe(decodeJwt(assertion).jti);
    expect(a.params.client_assertion_type).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  });
});
