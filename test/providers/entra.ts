/**
 * Microsoft Entra ID, v2.0 access tokens for your own API: single-tenant (one issuer) and multi-tenant (an issuer
 * per customer tenant, a resolver with a tenant allow-list, and the tenant-independent key set whose keys name the
 * issuer they may sign for).
 *
 * Shapes from:
 * - https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference (header `typ` `JWT`,
 *   `alg`, `kid`, `x5t` in v1.0 only; `aud` always the API's client id in v2.0, an App ID URI possible in v1.0;
 *   `iss` ending in `/v2.0`; `azp` (v2.0) / `appid` (v1.0); `scp` a space-separated string; `roles` an array;
 *   `tid`, `oid`, `sub`, `uti`, `ver`, `aio`, `rh`)
 * - https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens (validating: v1.0 vs v2.0 metadata;
 *   multi-tenant issuer template `https://login.microsoftonline.com/{tenantid}/v2.0`; keys of
 *   `/common/discovery/v2.0/keys` with `kty`, `use`, `kid`, `x5t`, `n`, `e`, `x5c`, `issuer` and no `alg`; a key whose
 *   `issuer` names one tenant is used for that issuer only; `tid` tied to `iss`)
 * - https://learn.microsoft.com/en-us/entra/identity-platform/optional-claims-reference (`idtyp: "app"`)
 */
import type { VerifierOptions } from '@audguard/core';
import { expect } from 'vitest';
import { at, type ProviderKey, providerKey, signToken } from './keys.js';
import { accepted, type CoreCheck, forbidden, one, type Provider, refused } from './table.js';

const CONTOSO = 'b0c5d8a2-3f4e-4c1d-9e7a-5f6b8c9d0e1f';
const FABRIKAM = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';
const NOT_ONBOARDED = 'e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b';
const CONSUMERS = '9188040d-6c67-4c5b-b112-36a304b66dad'; // personal Microsoft accounts
const API = '6e74172b-be56-4843-9ff4-e66a39bb12e3'; // the API's application (client) id
const WEB_APP = 'aaaabbbb-0000-cccc-1111-dddd2222eeee';
const DAEMON = 'bbbbcccc-1111-dddd-2222-eeee3333ffff';
const GRAPH = '00000003-0000-0000-c000-000000000000';
const TEMPLATE = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const v2 = (tid: string) => `https://login.microsoftonline.com/${tid}/v2.0`;

// ---- Single tenant ---------------------------------------------------------------------------------------------

// recipe:entra-single-tenant
const singleTenant = {
  issuer: 'https://login.microsoftonline.com/b0c5d8a2-3f4e-4c1d-9e7a-5f6b8c9d0e1f/v2.0',
  jwksUri: 'https://login.microsoftonline.com/b0c5d8a2-3f4e-4c1d-9e7a-5f6b8c9d0e1f/discovery/v2.0/keys',
  audience: '6e74172b-be56-4843-9ff4-e66a39bb12e3', // v2.0 tokens: always the API's client id
  scopeClaims: ['scp', 'roles'], // delegated scopes, and app roles (app-only tokens carry roles alone)
} satisfies VerifierOptions;
// recipe:end

// ---- Multi-tenant ----------------------------------------------------------------------------------------------

// recipe:entra-multi-tenant
// The customer tenants you have onboarded (from your database, say).
const tenants = new Set(['b0c5d8a2-3f4e-4c1d-9e7a-5f6b8c9d0e1f', 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f']);

const multiTenant = {
  // Each tenant has its own issuer; trust those on the list, with the tenant-independent key set.
  issuer: (iss) => {
    const tid = /^https:\/\/login\.microsoftonline\.com\/([0-9a-f-]{36})\/v2\.0$/.exec(iss)?.[1];
    return tid !== undefined && tenants.has(tid)
      ? { jwksUri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys' }
      : undefined;
  },
  audience: '6e74172b-be56-4843-9ff4-e66a39bb12e3',
  scopeClaims: ['scp', 'roles'],
} satisfies VerifierOptions;
// recipe:end

const COMMON_KEYS = 'https://login.microsoftonline.com/common/discovery/v2.0/keys';

/** A published Microsoft signing key: `kid` = `x5t`, a certificate, an `issuer`, and no `alg`. */
const microsoftKey = (issuer: string) =>
  providerKey({ x5c: true, kidFromThumbprint: true, publishAlg: false, extra: { issuer } });

const v2Header = (key: ProviderKey) => ({ typ: 'JWT', kid: key.kid });

/** A delegated (user) v2.0 access token for the API. */
function userToken(tid: string, claims: Record<string, unknown> = {}) {
  return {
    aud: API,
    iss: v2(tid),
    iat: at(-60),
    nbf: at(-60),
    exp: at(4_440),
    aio: 'AXQAi/8IAAAAtAaZLo3ChMif6KOnttRB7eBq4/DccQzjcJGxPYy',
    azp: WEB_APP,
    azpacr: '0',
    name: 'Abe Lincoln',
    oid: '690222be-ff1a-4d56-abd1-7e4f7d38e474',
    preferred_username: 'abeli@contoso.example',
    rh: 'I',
    scp: 'Orders.Read',
    sub: 'HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ',
    tid,
    uti: 'fqiBqXLPj0eQa82S-IYFAA',
    ver: '2.0',
    ...claims,
  };
}

/** An app-only (client credentials) v2.0 token: `roles`, no `scp`, `idtyp: app`, `sub` = the app's object id. */
function appToken(tid: string) {
  const { scp: _scp, name: _name, preferred_username: _user, ...rest } = userToken(tid);
  return {
    ...rest,
    azp: DAEMON,
    azpacr: '1',
    idtyp: 'app',
    oid: 'f0e1d2c3-b4a5-4968-8776-655443322110',
    sub: 'f0e1d2c3-b4a5-4968-8776-655443322110',
    roles: ['Orders.Read.All'],
  };
}

/** A v1.0 token of the same tenant: `sts.windows.net` issuer, App ID URI audience, `appid`, `x5t` header. */
function v1Token(tid: string) {
  const { azp: _azp, azpacr: _azpacr, preferred_username: _user, ...rest } = userToken(tid);
  return {
    ...rest,
    aud: 'api://orders',
    iss: `https://sts.windows.net/${tid}/`,
    acr: '1',
    amr: ['pwd'],
    appid: WEB_APP,
    appidacr: '0',
    unique_name: 'abeli@contoso.example',
    ver: '1.0',
  };
}

const routes = [
  { path: '/orders', scopes: ['Orders.Read', 'Orders.Read.All'], match: 'any' as const },
  { path: '/me' },
];
const contosoUser = {
  subject: 'HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ',
  clientId: WEB_APP,
  scopes: ['Orders.Read'],
  audience: [API],
};
const daemon = (scopes = ['Orders.Read.All']) => ({
  subject: 'f0e1d2c3-b4a5-4968-8776-655443322110',
  clientId: DAEMON,
  scopes,
  audience: [API],
});

export const entraSingleTenant: Provider = {
  name: 'Microsoft Entra ID (single tenant)',
  page: 'entra-id.md',
  docs: [
    'https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference',
    'https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens',
    'https://learn.microsoft.com/en-us/entra/identity-platform/optional-claims-reference',
  ],
  routes,
  cases: [
    one('a delegated user token (scp) passes; azp is the client', '/orders', 'user', accepted(contosoUser)),
    one('an app-only token (roles, idtyp app) passes on its app role', '/orders', 'app', accepted(daemon())),
    one(
      'a v1.0 token of the same tenant (sts.windows.net issuer, App ID URI audience) is refused',
      '/me',
      'v1',
      refused('unknown_issuer'),
    ),
    one("another tenant's token is refused", '/me', 'otherTenant', refused('unknown_issuer')),
    one('a Microsoft Graph token is refused', '/me', 'graph', refused('audience_mismatch')),
    one(
      'a token with neither the scope nor the role gets 403',
      '/orders',
      'noScope',
      forbidden('Orders.Read Orders.Read.All'),
    ),
    one('an expired token is refused', '/orders', 'expired', refused('expired')),
  ],

  async setup(loopback) {
    const key = await microsoftKey(TEMPLATE);
    const tenantKey = await microsoftKey(v2(CONTOSO));
    loopback.publish(singleTenant.jwksUri, [key.jwk, tenantKey.jwk]);
    const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = v2Header(key)) =>
      signToken(key, header, payload);
    return {
      options: loopback.wire(singleTenant),
      tokens: {
        user: await sign(userToken(CONTOSO)),
        app: await signToken(tenantKey, v2Header(tenantKey), appToken(CONTOSO)),
        v1: await sign(v1Token(CONTOSO), { typ: 'JWT', x5t: key.kid, kid: key.kid }),
        otherTenant: await sign(userToken(FABRIKAM)),
        graph: await sign(userToken(CONTOSO, { aud: GRAPH, scp: 'User.Read' }), {
          ...v2Header(key),
          nonce: 'Y2Vqb3J3YXJkX25vbmNl',
        }),
        noScope: await sign(userToken(CONTOSO, { scp: 'Orders.Write' })),
        expired: await sign(userToken(CONTOSO, { iat: at(-9_000), nbf: at(-9_000), exp: at(-3_600) })),
      },
    };
  },
};

const fetchedOnceForAllTenants: CoreCheck = {
  name: 'one fetch of the common key set serves every onboarded tenant; an unknown tenant causes none',
  async run({ loopback, setup, verifier }) {
    const before = loopback.hits(COMMON_KEYS);
    await expect(verifier.verify(setup.tokens.notOnboarded as string)).rejects.toMatchObject({
      reason: 'unknown_issuer',
    });
    expect(loopback.hits(COMMON_KEYS)).toBe(before);
    await verifier.verify(setup.tokens.contosoUser as string);
    await verifier.verify(setup.tokens.fabrikamApp as string);
    expect(loopback.hits(COMMON_KEYS)).toBe(before + 1);
  },
};

export const entraMultiTenant: Provider = {
  name: 'Microsoft Entra ID (multi-tenant)',
  page: 'entra-id.md',
  docs: entraSingleTenant.docs,
  routes,
  cases: [
    one('an onboarded tenant’s user token passes', '/orders', 'contosoUser', accepted(contosoUser)),
    one('another onboarded tenant’s app-only token passes', '/orders', 'fabrikamApp', accepted(daemon())),
    one(
      'a token signed with the key scoped to its own tenant passes',
      '/orders',
      'fabrikamScopedKey',
      accepted(daemon()),
    ),
    one('a tenant not on the allow-list is refused', '/me', 'notOnboarded', refused('unknown_issuer')),
    one('a personal Microsoft account token is refused', '/me', 'consumer', refused('unknown_issuer')),
    one(
      "a key scoped to another tenant does not verify this tenant's token",
      '/me',
      'keyOfOtherTenant',
      refused('unknown_key'),
    ),
    one(
      'a token whose tid is not the tenant of its iss is refused (the key is scoped to iss)',
      '/me',
      'tidMismatch',
      refused('unknown_key'),
    ),
    one('a v1.0 token of an onboarded tenant is refused', '/me', 'v1', refused('unknown_issuer')),
    one(
      "an onboarded tenant's token for another app is refused",
      '/me',
      'otherApp',
      refused('audience_mismatch'),
    ),
    one('an expired token is refused', '/orders', 'expired', refused('expired')),
  ],
  coreChecks: [fetchedOnceForAllTenants],

  async setup(loopback) {
    const shared = await microsoftKey(TEMPLATE);
    const fabrikamKey = await microsoftKey(v2(FABRIKAM));
    const consumersKey = await microsoftKey(v2(CONSUMERS));
    loopback.publish(COMMON_KEYS, [shared.jwk, fabrikamKey.jwk, consumersKey.jwk]);
    const sign = (payload: Record<string, unknown>, key = shared) => signToken(key, v2Header(key), payload);
    return {
      options: loopback.wire(multiTenant),
      tokens: {
        contosoUser: await sign(userToken(CONTOSO)),
        fabrikamApp: await sign(appToken(FABRIKAM)),
        fabrikamScopedKey: await sign(appToken(FABRIKAM), fabrikamKey),
        notOnboarded: await sign(userToken(NOT_ONBOARDED)),
        consumer: await sign(userToken(CONSUMERS), consumersKey),
        keyOfOtherTenant: await sign(userToken(CONTOSO), fabrikamKey),
        tidMismatch: await sign(userToken(CONTOSO, { tid: FABRIKAM })),
        v1: await signToken(shared, { typ: 'JWT', x5t: shared.kid, kid: shared.kid }, v1Token(CONTOSO)),
        otherApp: await sign(userToken(CONTOSO, { aud: 'f9e8d7c6-b5a4-4392-8170-6f5e4d3c2b1a' })),
        expired: await sign(userToken(CONTOSO, { iat: at(-9_000), nbf: at(-9_000), exp: at(-3_600) })),
      },
    };
  },
};
