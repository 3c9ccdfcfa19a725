import { type AuthErrorReason, createVerifier, isAuthError, type Verifier } from '@audguard/core';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  forgeAlgNone,
  forgeExpired,
  forgeForeignAudience,
  forgeKeyConfusion,
  forgeMissingScope,
  forgeMultiAudience,
  forgeNotYetValid,
  forgeTampered,
  forgeUnknownKey,
  forgeWrongIssuer,
  forgeWrongType,
} from './forgeries.js';
import { startTestIssuer, type TestIssuer } from './issuer.js';

const ORDERS = 'https://orders.example.com';
const INVOICES = 'https://invoices.example.com';
const SHIPPING = 'https://shipping.example.com';

let issuer: TestIssuer;
let verifier: Verifier;
beforeAll(async () => {
  issuer = await startTestIssuer({
    resources: [{ id: ORDERS, scopes: ['orders:read', 'orders:write'] }, INVOICES, SHIPPING],
  });
  verifier = createVerifier({ issuer: issuer.issuer, audience: ORDERS });
});
afterAll(() => issuer.close());

const base = { resource: ORDERS, scopes: ['orders:read'] };

async function refusal(token: string, scopes: string[] = []): Promise<AuthErrorReason> {
  try {
    await verifier.verify(token, { scopes });
  } catch (error) {
    if (isAuthError(error)) return error.reason;
    throw error;
  }
  throw new Error('the token was accepted');
}

describe('each forgery breaks exactly one thing, and audguard refuses it for that reason', () => {
  it('the valid token it starts from is accepted', async () => {
    const token = await verifier.verify(await issuer.token(base), { scopes: ['orders:read'] });
    expect(token.audience).toEqual([ORDERS]);
  });

  it('forgeForeignAudience: a genuine token for another API, with this API’s scope names', async () => {
    const token = await forgeForeignAudience(issuer, { resource: INVOICES, scopes: ['orders:read'] });
    expect(decodeJwt(token)).toMatchObject({ aud: INVOICES, scope: 'orders:read', iss: issuer.issuer });
    expect(await refusal(token)).toBe('audience_mismatch');
  });

  it('forgeMultiAudience: an aud array naming other APIs only', async () => {
    const token = await forgeMultiAudience(issuer, { resource: [INVOICES, SHIPPING] });
    expect(decodeJwt(token).aud).toEqual([INVOICES, SHIPPING]);
    expect(await refusal(token)).toBe('audience_mismatch');
    await expect(forgeMultiAudience(issuer, { resource: [INVOICES] })).rejects.toThrow('at least two');
  });

  it('forgeExpired: exp an hour ago', async () => {
    const token = await forgeExpired(issuer, base);
    const { exp = 0, iat = 0 } = decodeJwt(token);
    expect(Date.now() / 1000 - exp).toBeGreaterThanOrEqual(3599);
    expect(exp - iat).toBe(300);
    expect(await refusal(token)).toBe('expired');
  });

  it('forgeNotYetValid: nbf in an hour', async () => {
    const token = await forgeNotYetValid(issuer, { ...base, validIn: 120 });
    const { nbf = 0 } = decodeJwt(token);
    expect(nbf - Date.now() / 1000).toBeGreaterThan(110);
    expect(await refusal(token)).toBe('not_yet_valid');
  });

  it('forgeWrongIssuer: another tenant’s iss, this issuer’s key', async () => {
    const token = await forgeWrongIssuer(issuer, base);
    expect(decodeJwt(token).iss).toBe(`${issuer.issuer}/other-tenant`);
    expect(decodeProtectedHeader(token).kid).toBe(decodeProtectedHeader(await issuer.token(base)).kid);
    expect(await refusal(token)).toBe('unknown_issuer');
  });

  it('forgeAlgNone: alg none, empty signature', async () => {
    const token = await forgeAlgNone(issuer, base);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'none', typ: 'at+jwt' });
    expect(token.endsWith('.')).toBe(true);
    expect(await refusal(token)).toBe('algorithm_not_allowed');
  });

  it('forgeKeyConfusion: HS256 with the public key as secret', async () => {
    const token = await forgeKeyConfusion(issuer, base);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'at+jwt' });
    expect(await refusal(token)).toBe('algorithm_not_allowed');
  });

  it('forgeUnknownKey: signed with a key the issuer never published', async () => {
    const token = await forgeUnknownKey(issuer, base);
    const { keys } = (await (await fetch(issuer.jwksUri)).json()) as { keys: { kid: string }[] };
    expect(keys.map((key) => key.kid)).not.toContain(decodeProtectedHeader(token).kid);
    expect(await refusal(token)).toBe('unknown_key');
  });

  it('forgeTampered: sub edited, signature kept', async () => {
    const token = await forgeTampered(issuer, base);
    expect(decodeJwt(token).sub).toBe('admin');
    expect(await refusal(token)).toBe('bad_signature');
  });

  it('forgeWrongType: typ logout+jwt', async () => {
    const token = await forgeWrongType(issuer, base);
    expect(decodeProtectedHeader(token).typ).toBe('logout+jwt');
    expect(await refusal(token)).toBe('type_not_allowed');
  });

  it('forgeMissingScope: the resource’s other scopes, not the required one', async () => {
    const token = await forgeMissingScope(issuer, { resource: ORDERS, requiredScopes: ['orders:read'] });
    expect(decodeJwt(token).scope).toBe('orders:write');
    expect(await refusal(token, ['orders:read'])).toBe('insufficient_scope');
    await expect(forgeMissingScope(issuer, { resource: ORDERS, requiredScopes: [] })).rejects.toThrow(
      'needs requiredScopes',
    );
  });

  it('refuses anything but a test issuer', async () => {
    await expect(forgeExpired({} as TestIssuer, base)).rejects.toThrow(
      'pass the object returned by `await startTestIssuer(...)`',
    );
  });
});
