/**
 * Keycloak: realm access tokens with the client in `azp`, `aud` from the audience mappers (plus `account` from
 * the built-in Audience Resolve mapper), `typ: "Bearer"` in the payload, realm roles under `realm_access.roles`, and
 * a realm key set that also publishes the encryption key.
 *
 * Shapes from:
 * - https://www.keycloak.org/docs/latest/server_admin/#audience-support (Audience Resolve adds every client the
 *   user holds a client role of — hence `account`; the hardcoded Audience mapper; the frontend client is not added
 *   to `aud`, which is `azp`; ID tokens carry the client as their single `aud`)
 * - https://www.keycloak.org/docs/latest/server_admin/#_oidc_token_role_mappings (`realm_access.roles`,
 *   `resource_access.<client>.roles`; the mapper's token claim name can be changed)
 * - https://www.keycloak.org/securing-apps/oidc-layers (endpoints: issuer `/realms/{realm}`, keys at
 *   `/realms/{realm}/protocol/openid-connect/certs`)
 */
import type { VerifierOptions } from '@audguard/core';
import { at, providerKey, signToken } from './keys.js';
import { accepted, forbidden, one, type Provider, refused } from './table.js';

// recipe:keycloak
const options = {
  issuer: 'https://sso.example.com/realms/acme',
  jwksUri: 'https://sso.example.com/realms/acme/protocol/openid-connect/certs',
  audience: 'orders-api', // the client id an Audience mapper puts in `aud`
  audiencePolicy: 'exclusive',
  ignoredAudiences: ['account'], // added by Audience Resolve for the account console's client roles
  scopeClaims: ['scope', 'realm_access.roles'], // realm roles are nested: requireScopes('orders-user') reads them
} satisfies VerifierOptions;
// recipe:end

const REALM = options.issuer;
const WEB = 'web-app';
const USER = 'f1c2a3b4-5d6e-4f70-8a9b-0c1d2e3f4a5b';

export const keycloak: Provider = {
  name: 'Keycloak',
  page: 'keycloak.md',
  docs: [
    'https://www.keycloak.org/docs/latest/server_admin/#audience-support',
    'https://www.keycloak.org/docs/latest/server_admin/#_oidc_token_role_mappings',
    'https://www.keycloak.org/securing-apps/oidc-layers',
  ],
  routes: [{ path: '/orders', scopes: ['orders-user'] }],
  cases: [
    one(
      "a user token (aud = ['orders-api', 'account'], azp, typ Bearer) passes; azp is the client",
      '/orders',
      'user',
      accepted({
        subject: USER,
        clientId: WEB,
        scopes: [
          'default-roles-acme',
          'email',
          'offline_access',
          'openid',
          'orders-user',
          'profile',
          'uma_authorization',
        ],
        audience: ['orders-api', 'account'],
      }),
    ),
    one(
      'a service-account token (client credentials) passes',
      '/orders',
      'serviceAccount',
      accepted({
        subject: 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
        clientId: 'orders-sync',
        scopes: [
          'default-roles-acme',
          'email',
          'offline_access',
          'orders-user',
          'profile',
          'uma_authorization',
        ],
        audience: ['orders-api'],
      }),
    ),
    one(
      'a token with no aud at all (no audience mapper) is refused',
      '/orders',
      'noAudience',
      refused('missing_claim', 'The token has no "aud" claim.'),
    ),
    one(
      "a token whose only audience is 'account' is refused",
      '/orders',
      'accountOnly',
      refused('audience_mismatch'),
    ),
    one(
      'a token also valid at another service is refused under exclusive',
      '/orders',
      'shared',
      refused('audience_not_exclusive'),
    ),
    one('an ID token (typ ID) is refused as one', '/orders', 'idToken', refused('id_token_not_accepted')),
    one(
      "a token whose kid names the realm's encryption key is refused",
      '/orders',
      'encryptionKey',
      refused('unknown_key'),
    ),
    one('a user without the realm role gets 403 naming it', '/orders', 'noRole', forbidden('orders-user')),
    one("another realm's token is refused", '/orders', 'otherRealm', refused('unknown_issuer')),
    one('an expired token is refused', '/orders', 'expired', refused('expired')),
  ],

  async setup(loopback) {
    const signing = await providerKey({ x5c: 'both' });
    // Every realm also has an RSA-OAEP key for encrypting tokens sent to it: published, never for signatures.
    const encryption = await providerKey({
      x5c: 'both',
      use: 'enc',
      publishAlg: false,
      extra: { alg: 'RSA-OAEP' },
    });
    loopback.publish(options.jwksUri, [signing.jwk, encryption.jwk]);
    const header = { typ: 'JWT', kid: signing.kid };
    const user = {
      exp: at(240),
      iat: at(-60),
      auth_time: at(-120),
      jti: 'onrtac:7b1f1d2e-8c3a-4f5b-9d6e-1a2b3c4d5e6f',
      iss: REALM,
      aud: ['orders-api', 'account'],
      sub: USER,
      typ: 'Bearer',
      azp: WEB,
      sid: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
      acr: '1',
      'allowed-origins': ['https://app.example.com'],
      realm_access: { roles: ['default-roles-acme', 'offline_access', 'uma_authorization', 'orders-user'] },
      resource_access: {
        'orders-api': { roles: ['orders-reader'] },
        account: { roles: ['manage-account', 'manage-account-links', 'view-profile'] },
      },
      scope: 'openid email profile',
      email_verified: true,
      name: 'Jane Doe',
      preferred_username: 'jane',
      email: 'jane@example.com',
    };
    const sign = (payload: Record<string, unknown>) => signToken(signing, header, payload);
    const { aud: _aud, ...withoutAudience } = user;
    return {
      options: loopback.wire(options),
      tokens: {
        user: await sign(user),
        serviceAccount: await sign({
          ...withoutAudience,
          aud: 'orders-api',
          sub: 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
          azp: 'orders-sync',
          client_id: 'orders-sync',
          preferred_username: 'service-account-orders-sync',
          scope: 'email profile',
        }),
        noAudience: await sign(withoutAudience),
        accountOnly: await sign({ ...user, aud: 'account' }),
        shared: await sign({ ...user, aud: ['orders-api', 'billing-api', 'account'] }),
        idToken: await sign({
          exp: at(240),
          iat: at(-60),
          auth_time: at(-120),
          jti: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
          iss: REALM,
          aud: WEB,
          sub: USER,
          typ: 'ID',
          azp: WEB,
          sid: user.sid,
          at_hash: 'fPlsvVszI29LU2UhDyJ9vg',
          email: 'jane@example.com',
        }),
        encryptionKey: await signToken(encryption, { typ: 'JWT', kid: encryption.kid }, user),
        noRole: await sign({ ...user, realm_access: { roles: ['default-roles-acme', 'offline_access'] } }),
        otherRealm: await sign({ ...user, iss: 'https://sso.example.com/realms/partners' }),
        expired: await sign({ ...user, iat: at(-3_600), exp: at(-3_300) }),
      },
    };
  },
};
