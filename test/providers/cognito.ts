/**
 * Amazon Cognito user pools: access tokens carry no `aud` — the app client is `client_id`, the kind of token is
 * `token_use` — and custom scopes are prefixed with their resource server's identifier. ID tokens of the same pool,
 * signed by another key of the same key set, have `aud` = the app client id and `token_use: "id"`.
 *
 * Shapes from:
 * - https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 *   (header `kid`, `alg` RS256 and nothing else; payload `sub`, `cognito:groups`, `iss`, `version`, `client_id`,
 *   `origin_jti`, `event_id`, `token_use: "access"`, `scope`, `auth_time`, `exp`, `iat`, `jti`, `username`; no
 *   `aud`; signed with a different key than the ID token)
 * - https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
 *   (`aud` = the app client id, `token_use: "id"`, `cognito:username`, `at_hash`)
 * - https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 *   (JWKS at `{issuer}/.well-known/jwks.json`; check `client_id` for access tokens and `token_use`)
 * - https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html
 *   and https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResourceServerScopeType.html
 *   (custom scopes rendered as `resourceServerIdentifier/ScopeName`; client credentials tokens)
 */
import type { VerifierOptions } from '@audguard/core';
import { at, providerKey, signToken } from './keys.js';
import { accepted, forbidden, one, type Provider, refused } from './table.js';

// recipe:cognito
const options = {
  issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
  jwksUri: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json',
  // No `audience`: Cognito access tokens have no `aud`. The app clients allowed to call this API stand in for it.
  clientId: ['4e0b1k2dkq5e7rn7n2fn4e0a1b', '6f7gh8ij9kl0mn1op2qr3st4uv'],
  requiredClaims: { token_use: 'access' },
} satisfies VerifierOptions;
// recipe:end

const POOL = options.issuer;
const [SPA, JOB] = options.clientId as [string, string];
const USER = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const READ = 'https://orders.example.com/orders.read';

export const cognito: Provider = {
  name: 'Amazon Cognito',
  page: 'cognito.md',
  docs: [
    'https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html',
    'https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html',
    'https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html',
    'https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html',
    'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResourceServerScopeType.html',
  ],
  // Every route requires this API's resource-server scope: the part of "for this API" Cognito does put in tokens.
  routes: [{ path: '/orders', scopes: [READ] }],
  cases: [
    one(
      "a user's access token (no aud, client_id, token_use access) passes",
      '/orders',
      'user',
      accepted({ subject: USER, clientId: SPA, scopes: [READ, 'openid', 'profile'], audience: [] }),
    ),
    one(
      'a client-credentials token (sub = client id) passes',
      '/orders',
      'machine',
      accepted({ subject: JOB, clientId: JOB, scopes: [READ], audience: [] }),
    ),
    one(
      "the pool's ID token (aud = the client id, token_use id) is refused as an ID token",
      '/orders',
      'idToken',
      refused('id_token_not_accepted'),
    ),
    one(
      "another app client's access token is refused",
      '/orders',
      'otherClient',
      refused('client_not_allowed'),
    ),
    one(
      "a listed client's token without this API's resource-server scope gets 403",
      '/orders',
      'otherResourceServer',
      forbidden(READ),
    ),
    one("another user pool's token is refused", '/orders', 'otherPool', refused('unknown_issuer')),
    one('an expired token is refused', '/orders', 'expired', refused('expired')),
  ],

  async setup(loopback) {
    // One key signs ID tokens, another access tokens; both are in the pool's key set.
    const accessKey = await providerKey();
    const idKey = await providerKey();
    loopback.publish(options.jwksUri, [idKey.jwk, accessKey.jwk]);
    const user = {
      sub: USER,
      device_key: 'eu-west-1_b0a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
      'cognito:groups': ['admin'],
      iss: POOL,
      version: 2,
      client_id: SPA,
      origin_jti: 'bbbbbbbb-cccc-dddd-eeee-ffffffffffff',
      event_id: 'cccccccc-dddd-eeee-ffff-aaaaaaaaaaaa',
      token_use: 'access',
      scope: `openid profile ${READ}`,
      auth_time: at(-120),
      exp: at(3_540),
      iat: at(-60),
      jti: 'dddddddd-eeee-ffff-aaaa-bbbbbbbbbbbb',
      username: 'jane',
    };
    const sign = (payload: Record<string, unknown>) => signToken(accessKey, { kid: accessKey.kid }, payload);
    return {
      options: loopback.wire(options),
      tokens: {
        user: await sign(user),
        machine: await sign({
          sub: JOB,
          token_use: 'access',
          scope: READ,
          auth_time: at(-60),
          iss: POOL,
          exp: at(3_540),
          iat: at(-60),
          version: 2,
          jti: 'eeeeeeee-ffff-aaaa-bbbb-cccccccccccc',
          client_id: JOB,
        }),
        idToken: await signToken(
          idKey,
          { kid: idKey.kid },
          {
            at_hash: 'fPlsvVszI29LU2UhDyJ9vg',
            sub: USER,
            'cognito:groups': ['admin'],
            email_verified: true,
            iss: POOL,
            'cognito:username': 'jane',
            origin_jti: user.origin_jti,
            aud: SPA,
            event_id: user.event_id,
            token_use: 'id',
            auth_time: at(-120),
            exp: at(3_540),
            iat: at(-60),
            jti: 'ffffffff-aaaa-bbbb-cccc-dddddddddddd',
            email: 'jane@example.com',
          },
        ),
        otherClient: await sign({ ...user, client_id: '1a2b3c4d5e6f7g8h9i0j1k2l3m' }),
        otherResourceServer: await sign({
          ...user,
          scope: 'openid profile https://billing.example.com/invoices.read',
        }),
        otherPool: await sign({
          ...user,
          iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_ZyXwVu987',
        }),
        expired: await sign({ ...user, iat: at(-7_200), exp: at(-3_600) }),
      },
    };
  },
};
