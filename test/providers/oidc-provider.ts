/**
 * node-oidc-provider with `features.resourceIndicators` and a resource server whose `accessTokenFormat` is `jwt`:
 * RFC 9068 tokens (`typ: at+jwt`, `jti sub iat exp scope client_id iss aud`), one audience per token, signed with
 * the algorithm the resource server asks for (ES256 here, as in the documentation's example). Tokens requested
 * without a resource are opaque and good only at the userinfo endpoint.
 *
 * Shapes from:
 * - https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#featuresresourceindicators (one audience
 *   per access token; `getResourceServerInfo` → `{ scope, audience, accessTokenFormat: 'jwt', jwt: { sign: { alg:
 *   'ES256' } } }`; tokens without a resource are for the userinfo endpoint; `jwt.encrypt` for encrypted tokens)
 * - https://github.com/panva/node-oidc-provider/blob/main/lib/models/formats/jwt.js (the payload: `jti`, `sub` —
 *   the client id when there is no user —, `iat`, `exp`, `scope`, `client_id`, `iss`, `aud`; header `typ: at+jwt`;
 *   JWE `cty: at+jwt` when encrypted)
 * - https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#jwks (the published key set is the public
 *   part of the configured keys)
 */
import type { VerifierOptions } from '@audguard/core';
import { at, encryptToken, providerKey, signToken } from './keys.js';
import { accepted, forbidden, one, type Provider, refused } from './table.js';

// recipe:oidc-provider
const options = {
  issuer: 'https://op.example.com',
  jwksUri: 'https://op.example.com/jwks',
  audience: 'https://orders.example.com', // getResourceServerInfo's `audience` (default: the resource indicator)
  audiencePolicy: 'exclusive',
  tokenType: 'strict', // every RFC 9068 claim is there, and typ is at+jwt
} satisfies VerifierOptions;
// recipe:end

const ISSUER = options.issuer;
const API = options.audience;
const CLIENT = 'orders-web';

export const oidcProvider: Provider = {
  name: 'node-oidc-provider',
  page: 'node-oidc-provider.md',
  docs: [
    'https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#featuresresourceindicators',
    'https://github.com/panva/node-oidc-provider/blob/main/lib/models/formats/jwt.js',
    'https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#jwks',
  ],
  routes: [{ path: '/orders', scopes: ['orders:read'] }, { path: '/me' }],
  cases: [
    one(
      'a user token for the resource (ES256, typ at+jwt) passes',
      '/orders',
      'user',
      accepted({ subject: 'jane', clientId: CLIENT, scopes: ['orders:read'], audience: [API] }),
    ),
    one(
      'a client-credentials token (sub = client id) passes',
      '/orders',
      'machine',
      accepted({
        subject: 'orders-job',
        clientId: 'orders-job',
        scopes: ['orders:read', 'orders:write'],
        audience: [API],
      }),
    ),
    one("another resource server's token is refused", '/me', 'otherResource', refused('audience_mismatch')),
    one(
      'an opaque token (requested without a resource, for userinfo) is refused',
      '/me',
      'opaque',
      refused('malformed_token'),
    ),
    one(
      'an encrypted JWT access token (jwt.encrypt) is refused',
      '/me',
      'encrypted',
      refused('encrypted_token_not_supported'),
    ),
    one(
      'an ID token (RS256, the default id_token_signed_response_alg; no typ) is refused under strict',
      '/me',
      'idToken',
      refused('type_not_allowed'),
    ),
    one('a token without the scope gets 403', '/orders', 'noScope', forbidden('orders:read')),
    one('an expired token is refused', '/orders', 'expired', refused('expired')),
    one("another provider's token is refused", '/orders', 'otherIssuer', refused('unknown_issuer')),
  ],

  async setup(loopback) {
    // Keys configured without `alg` are published without it; EC here, as the resource server signs with ES256.
    const key = await providerKey({ alg: 'ES256', publishAlg: false });
    const rsa = await providerKey({ publishAlg: false });
    loopback.publish(options.jwksUri, [rsa.jwk, key.jwk]);
    const token = (claims: Record<string, unknown> = {}) => ({
      jti: 'QMpBSkkbAHs4JdUe0Xq9n6n5p0zvSxxU2FeFDHpBt4m',
      sub: 'jane',
      iat: at(-30),
      exp: at(3_570),
      scope: 'orders:read',
      client_id: CLIENT,
      iss: ISSUER,
      aud: API,
      ...claims,
    });
    const sign = (payload: Record<string, unknown>) =>
      signToken(key, { typ: 'at+jwt', kid: key.kid }, payload);
    return {
      options: loopback.wire(options),
      tokens: {
        user: await sign(token()),
        machine: await sign(
          token({ sub: 'orders-job', client_id: 'orders-job', scope: 'orders:read orders:write' }),
        ),
        otherResource: await sign(token({ aud: 'https://billing.example.com', scope: 'billing:read' })),
        opaque: 'Oq5bFJ0ePY0bLAGp8LvZzHD3y2uHJxU4QVwjpNbVqg7',
        encrypted: await encryptToken(JSON.stringify(token()), { cty: 'at+jwt', iss: ISSUER, aud: API }),
        idToken: await signToken(
          rsa,
          { kid: rsa.kid },
          {
            sub: 'jane',
            nonce: 'bqkS6ofwSpHxQ1H0dR_G',
            at_hash: 'x7bSsFx0ohDF3qOqQnGZ_A',
            aud: CLIENT,
            exp: at(3_570),
            iat: at(-30),
            iss: ISSUER,
          },
        ),
        noScope: await sign(token({ scope: 'openid' })),
        expired: await sign(token({ iat: at(-7_200), exp: at(-3_600) })),
        otherIssuer: await sign(token({ iss: 'https://op.partner.example' })),
      },
    };
  },
};
