/**
 * Auth0: access tokens of both profiles, RBAC permissions, and the `/userinfo` audience that `openid` adds.
 *
 * Shapes from:
 * - https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles (claims of the Auth0 and RFC 9068
 *   profiles: `azp` vs `client_id`, `jti`, `gty`, `typ` `JWT` vs `at+jwt`, `aud` with `https://TENANT/userinfo`)
 * - https://auth0.com/docs/secure/tokens/access-tokens/validate-access-tokens (at least one `aud` is the API)
 * - https://auth0.com/docs/get-started/apis/enable-role-based-access-control-for-apis (`permissions`; Actions that
 *   change scopes override RBAC)
 * - https://auth0.com/docs/secure/tokens/json-web-tokens/json-web-key-sets and
 *   https://auth0.com/docs/secure/tokens/json-web-tokens/json-web-key-set-properties (JWKS at
 *   `/.well-known/jwks.json`; keys with `alg`, `kty`, `use`, `x5c`, `n`, `e`, `kid`, `x5t`)
 * - https://auth0.com/docs/secure/tokens/id-tokens/id-token-structure (ID tokens: `aud` is the client id)
 */
import type { VerifierOptions } from '@audguard/core';
import { at, providerKey, signToken } from './keys.js';
import { accepted, forbidden, one, type Provider, refused } from './table.js';

// recipe:auth0
const options = {
  issuer: 'https://dev-orders.us.auth0.com/', // with the trailing slash, as Auth0 writes `iss`
  jwksUri: 'https://dev-orders.us.auth0.com/.well-known/jwks.json',
  audience: 'https://orders.example.com', // the API's Identifier in the Auth0 dashboard
  audiencePolicy: 'exclusive',
  ignoredAudiences: ['https://dev-orders.us.auth0.com/userinfo'], // added by `openid`; never enough alone
  scopeClaims: ['permissions'], // RBAC with "Add Permissions in the Access Token"
} satisfies VerifierOptions;
// recipe:end

const ISSUER = options.issuer;
const API = options.audience;
const USERINFO = `${ISSUER}userinfo`;
const SPA = 'K1AUPhZq8mRi0Q0pjhkfu1D7y6KjDQja';
const M2M = 'awZfdIir8YFdGZWkvCejDoUb7SjTDicx';
const USER = 'auth0|6553da60a54af58e29493993';

export const auth0: Provider = {
  name: 'Auth0',
  page: 'auth0.md',
  docs: [
    'https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles',
    'https://auth0.com/docs/secure/tokens/access-tokens/validate-access-tokens',
    'https://auth0.com/docs/get-started/apis/enable-role-based-access-control-for-apis',
    'https://auth0.com/docs/secure/tokens/json-web-tokens/json-web-key-set-properties',
    'https://auth0.com/docs/secure/tokens/id-tokens/id-token-structure',
  ],
  routes: [{ path: '/orders', scopes: ['read:orders'] }, { path: '/profile' }],
  cases: [
    one(
      'a user token (Auth0 profile, openid: aud = [API, /userinfo]) passes; permissions are its scopes',
      '/orders',
      'user',
      accepted({ subject: USER, clientId: SPA, scopes: ['read:orders'], audience: [API, USERINFO] }),
    ),
    one(
      'a machine-to-machine token of the RFC 9068 profile (typ at+jwt, client_id, jti) passes',
      '/orders',
      'm2m',
      accepted({ subject: `${M2M}@clients`, clientId: M2M, scopes: ['read:orders'], audience: [API] }),
    ),
    one(
      'a machine-to-machine token of the Auth0 profile (azp, gty) passes',
      '/orders',
      'm2mAuth0Profile',
      accepted({ subject: `${M2M}@clients`, clientId: M2M, scopes: ['read:orders'], audience: [API] }),
    ),
    one('a token for /userinfo alone is refused', '/profile', 'userinfoOnly', refused('audience_mismatch')),
    one(
      "another API's token (aud = [other API, /userinfo]) is refused",
      '/profile',
      'otherApi',
      refused('audience_mismatch'),
    ),
    one(
      "the app's ID token (aud = the client id) is refused",
      '/profile',
      'idToken',
      refused('audience_mismatch'),
    ),
    one(
      'an implicit-flow ID token (at_hash) is refused as an ID token',
      '/profile',
      'implicitIdToken',
      refused('id_token_not_accepted'),
    ),
    one(
      'a user without the RBAC permission gets 403 naming it',
      '/orders',
      'noPermission',
      forbidden('read:orders'),
    ),
    one(
      'scope rewritten by an Action to include read:orders, without the RBAC permission: 403',
      '/orders',
      'scopeWithoutPermission',
      forbidden('read:orders'),
    ),
    one('an expired token is refused', '/orders', 'expired', refused('expired')),
    one("another tenant's token is refused", '/orders', 'otherTenant', refused('unknown_issuer')),
    one(
      'the issuer without its trailing slash is another issuer',
      '/orders',
      'noTrailingSlash',
      refused('unknown_issuer'),
    ),
  ],

  async setup(loopback) {
    const key = await providerKey({ x5c: true });
    // Auth0 publishes the next key ahead of a rotation: a second, unused key in the set.
    const next = await providerKey({ x5c: true });
    loopback.publish(options.jwksUri, [key.jwk, next.jwk]);

    const header = { typ: 'JWT', kid: key.kid };
    const user = {
      iss: ISSUER,
      sub: USER,
      aud: [API, USERINFO],
      azp: SPA,
      iat: at(-60),
      exp: at(86_340),
      scope: 'openid profile read:orders',
      permissions: ['read:orders'],
    };
    const m2m = {
      iss: ISSUER,
      sub: `${M2M}@clients`,
      aud: API,
      iat: at(-60),
      exp: at(86_340),
      scope: 'read:orders',
      permissions: ['read:orders'],
    };
    const sign = (payload: Record<string, unknown>, h: Record<string, unknown> = header) =>
      signToken(key, h, payload);
    return {
      options: loopback.wire(options),
      tokens: {
        user: await sign(user),
        m2m: await sign(
          { ...m2m, client_id: M2M, jti: '73WakrfVbNJBaAmhQtEeDv' },
          { typ: 'at+jwt', kid: key.kid },
        ),
        m2mAuth0Profile: await sign({ ...m2m, azp: M2M, gty: 'client-credentials' }),
        userinfoOnly: await sign({ ...user, aud: [USERINFO], scope: 'openid profile', permissions: [] }),
        otherApi: await sign({
          ...user,
          aud: ['https://invoices.example.com', USERINFO],
          scope: 'openid read:invoices',
          permissions: ['read:invoices'],
        }),
        idToken: await sign({
          iss: ISSUER,
          sub: USER,
          aud: SPA,
          iat: at(-60),
          exp: at(35_940),
          name: 'Jane Doe',
          email: 'jane@example.com',
          email_verified: true,
          sid: 'c2e9b4e4-2b0a-4d1e-9d3c-4c0f8d1f1e7a',
          nonce: 'n-0S6_WzA2Mj',
        }),
        implicitIdToken: await sign({
          iss: ISSUER,
          sub: USER,
          aud: SPA,
          iat: at(-60),
          exp: at(35_940),
          nonce: 'n-0S6_WzA2Mj',
          at_hash: 'cpqKfdQA5eH891Ff5oJr_Q',
        }),
        noPermission: await sign({ ...user, scope: 'openid profile', permissions: [] }),
        scopeWithoutPermission: await sign({ ...user, permissions: [] }),
        expired: await sign({ ...user, iat: at(-90_000), exp: at(-3_600) }),
        otherTenant: await sign({ ...user, iss: 'https://dev-other.eu.auth0.com/' }),
        noTrailingSlash: await sign({ ...user, iss: 'https://dev-orders.us.auth0.com' }),
      },
    };
  },
};
