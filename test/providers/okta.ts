/**
 * Okta: access tokens of a custom authorization server (`/oauth2/{authorizationServerId}`), client in `cid`, scopes
 * as the `scp` array, no `typ` in the header.
 *
 * Shapes from:
 * - https://developer.okta.com/docs/api/openapi/okta-oauth/guides/overview/ (access token header `alg`, `kid` only;
 *   payload `ver`, `jti` `AT.…`, `iss`, `aud`, `sub`, `iat`, `exp`, `cid`, `uid`, `scp` array, `auth_time`; ID
 *   token `aud` = client id, `at_hash`, `amr`, `idp`, `jti` `ID.…`)
 * - https://developer.okta.com/docs/guides/validate-access-tokens/ (custom authorization servers only: tokens of
 *   the org authorization server, issuer `https://{yourOktaOrg}`, are not for your APIs)
 * - https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/orgas/oauthkeys (the key set; two or three keys)
 */
import type { VerifierOptions } from '@audguard/core';
import { at, providerKey, signToken } from './keys.js';
import { accepted, forbidden, one, type Provider, refused } from './table.js';

// recipe:okta
const options = {
  issuer: 'https://acme.okta.com/oauth2/default', // a custom authorization server, never the org one
  jwksUri: 'https://acme.okta.com/oauth2/default/v1/keys',
  audience: 'api://orders', // the authorization server's Audience setting
  audiencePolicy: 'exclusive',
} satisfies VerifierOptions;
// recipe:end

const ORG = 'https://acme.okta.com';
const CLIENT = '0oa1b2c3d4e5f6g7h8i9';
const USER = '00ujmkLgagxeRrAg20g3';

export const okta: Provider = {
  name: 'Okta',
  page: 'okta.md',
  docs: [
    'https://developer.okta.com/docs/api/openapi/okta-oauth/guides/overview/',
    'https://developer.okta.com/docs/guides/validate-access-tokens/',
    'https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/orgas/oauthkeys',
  ],
  routes: [{ path: '/orders', scopes: ['orders:read'] }, { path: '/me' }],
  cases: [
    one(
      'a user token (cid, uid, scp array, no typ) passes; cid is the client',
      '/orders',
      'user',
      accepted({
        subject: 'jane.doe@acme.example',
        clientId: CLIENT,
        scopes: ['email', 'openid', 'orders:read'],
        audience: ['api://orders'],
      }),
    ),
    one(
      'a client-credentials token (no uid, sub = client id) passes',
      '/orders',
      'service',
      accepted({ subject: CLIENT, clientId: CLIENT, scopes: ['orders:read'], audience: ['api://orders'] }),
    ),
    one(
      'a token of the org authorization server (iss and aud = the org URL) is refused',
      '/me',
      'orgServer',
      refused('unknown_issuer'),
    ),
    one(
      'a token of another custom authorization server is refused',
      '/me',
      'otherServer',
      refused('unknown_issuer'),
    ),
    one(
      'a token of this server for another audience is refused',
      '/me',
      'otherAudience',
      refused('audience_mismatch'),
    ),
    one(
      'an ID token (aud = client id, at_hash) is refused as one',
      '/me',
      'idToken',
      refused('id_token_not_accepted'),
    ),
    one('a token without the scope gets 403', '/orders', 'noScope', forbidden('orders:read')),
    one('an expired token is refused', '/orders', 'expired', refused('expired')),
  ],

  async setup(loopback) {
    const key = await providerKey();
    const older = await providerKey();
    loopback.publish(options.jwksUri, [older.jwk, key.jwk]);
    const header = { kid: key.kid };
    const user = {
      ver: 1,
      jti: 'AT.0mP4JKAZX1iACIT4vbEDF7LpvDVjxypPMf0D7uX39RE',
      iss: options.issuer,
      aud: 'api://orders',
      sub: 'jane.doe@acme.example',
      iat: at(-30),
      exp: at(3_570),
      cid: CLIENT,
      uid: USER,
      scp: ['openid', 'email', 'orders:read'],
      auth_time: at(-600),
    };
    const sign = (payload: Record<string, unknown>) => signToken(key, header, payload);
    const { uid: _uid, auth_time: _authTime, ...service } = user;
    return {
      options: loopback.wire(options),
      tokens: {
        user: await sign(user),
        service: await sign({ ...service, sub: CLIENT, scp: ['orders:read'] }),
        orgServer: await sign({ ...user, iss: ORG, aud: ORG }),
        otherServer: await sign({ ...user, iss: `${ORG}/oauth2/aus9x8y7w6v5u4t3s2r1`, aud: 'api://billing' }),
        otherAudience: await sign({ ...user, aud: 'api://billing' }),
        idToken: await sign({
          ver: 1,
          sub: USER,
          iss: options.issuer,
          aud: CLIENT,
          iat: at(-30),
          exp: at(3_570),
          jti: 'ID.4eAWJOCMB3SX8XewDfVR',
          amr: ['pwd'],
          idp: '00ok1u7AsAkrwdZL3z0g3',
          auth_time: at(-600),
          at_hash: 'cpqKfdQA5eH891Ff5oJr_Q',
        }),
        noScope: await sign({ ...user, scp: ['openid', 'email'] }),
        expired: await sign({ ...user, iat: at(-7_200), exp: at(-3_600) }),
      },
    };
  },
};
