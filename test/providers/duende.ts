/**
 * Duende IdentityServer: `typ: at+jwt`, `scope` as a JSON array by default, one `aud` per API resource — a single
 * one with resource isolation (RFC 8707 `resource`), every resource owning a requested scope without it.
 *
 * Shapes from:
 * - https://docs.duendesoftware.com/identityserver/reference/options (`AccessTokenJwtType` default `at+jwt`;
 *   `EmitStaticAudienceClaim` adds `{issuer}/resources`; `EmitScopesAsSpaceDelimitedStringInJwt`)
 * - https://docs.duendesoftware.com/identityserver/apis/aspnetcore/authorization (scope claim format: an array
 *   historically and by default)
 * - https://docs.duendesoftware.com/identityserver/fundamentals/resources/isolation (`aud` listing every API that
 *   owns a requested scope; `resource` narrowing it to one)
 * - https://docs.duendesoftware.com/identityserver/fundamentals/resources/api-resources (`ApiResource` name → `aud`)
 */
import type { VerifierOptions } from '@audguard/core';
import { at, providerKey, signToken } from './keys.js';
import { accepted, forbidden, one, type Provider, refused } from './table.js';

// recipe:duende
const options = {
  issuer: 'https://identity.example.com',
  jwksUri: 'https://identity.example.com/.well-known/openid-configuration/jwks',
  audience: 'urn:orders', // the ApiResource name
  audiencePolicy: 'exclusive', // resource isolation: tokens requested with resource=urn:orders only
  ignoredAudiences: ['https://identity.example.com/resources'], // EmitStaticAudienceClaim, if turned on
} satisfies VerifierOptions;
// recipe:end

const ISSUER = options.issuer;
const CLIENT = 'orders-spa';
const USER = '818727';
const base = () => ({
  iss: ISSUER,
  nbf: at(-60),
  iat: at(-60),
  exp: at(3_540),
  aud: 'urn:orders',
  scope: ['openid', 'profile', 'orders.read'],
  amr: ['pwd'],
  client_id: CLIENT,
  sub: USER,
  auth_time: at(-300),
  idp: 'local',
  sid: '9C8B7A6F5E4D3C2B1A0F9E8D7C6B5A49',
  jti: 'A1B2C3D4E5F60718293A4B5C6D7E8F90',
});

export const duende: Provider = {
  name: 'Duende IdentityServer',
  page: 'duende-identityserver.md',
  docs: [
    'https://docs.duendesoftware.com/identityserver/reference/options',
    'https://docs.duendesoftware.com/identityserver/apis/aspnetcore/authorization',
    'https://docs.duendesoftware.com/identityserver/fundamentals/resources/isolation',
    'https://docs.duendesoftware.com/identityserver/fundamentals/resources/api-resources',
  ],
  routes: [{ path: '/orders', scopes: ['orders.read'] }, { path: '/me' }],
  cases: [
    one(
      'a default token (typ at+jwt, scope a JSON array) passes',
      '/orders',
      'user',
      accepted({
        subject: USER,
        clientId: CLIENT,
        scopes: ['openid', 'orders.read', 'profile'],
        audience: ['urn:orders'],
      }),
    ),
    one(
      'a client-credentials token (no sub) passes',
      '/orders',
      'machine',
      accepted({
        subject: undefined,
        clientId: 'orders-job',
        scopes: ['orders.read'],
        audience: ['urn:orders'],
      }),
    ),
    one(
      'a token with space-delimited scope (EmitScopesAsSpaceDelimitedStringInJwt) passes',
      '/orders',
      'spaceDelimited',
      accepted({
        subject: USER,
        clientId: CLIENT,
        scopes: ['openid', 'orders.read', 'profile'],
        audience: ['urn:orders'],
      }),
    ),
    one(
      'with EmitStaticAudienceClaim, {issuer}/resources is tolerated next to this API',
      '/orders',
      'staticAudience',
      accepted({
        subject: USER,
        clientId: CLIENT,
        scopes: ['openid', 'orders.read', 'profile'],
        audience: ['https://identity.example.com/resources', 'urn:orders'],
      }),
    ),
    one(
      'a token requested without resource (aud = every API owning a scope) is refused',
      '/me',
      'noResourceIndicator',
      refused('audience_not_exclusive'),
    ),
    one(
      'a token whose only audience is {issuer}/resources is refused',
      '/me',
      'staticAudienceOnly',
      refused('audience_mismatch'),
    ),
    one("the inventory API's token is refused", '/me', 'otherApi', refused('audience_mismatch')),
    one("the client's ID token (aud = client id) is refused", '/me', 'idToken', refused('audience_mismatch')),
    one('a token without orders.read gets 403', '/orders', 'noScope', forbidden('orders.read')),
    one('an expired token is refused', '/orders', 'expired', refused('expired')),
    one("another IdentityServer's token is refused", '/orders', 'otherIssuer', refused('unknown_issuer')),
  ],

  async setup(loopback) {
    // Automatic key management announces the next key before it signs: two keys in the set.
    const current = await providerKey();
    const announced = await providerKey();
    loopback.publish(options.jwksUri, [current.jwk, announced.jwk]);
    const sign = (payload: Record<string, unknown>) =>
      signToken(current, { kid: current.kid, typ: 'at+jwt' }, payload);
    const { sub: _sub, auth_time: _authTime, idp: _idp, sid: _sid, amr: _amr, ...machine } = base();
    return {
      options: loopback.wire(options),
      tokens: {
        user: await sign(base()),
        machine: await sign({ ...machine, client_id: 'orders-job', scope: ['orders.read'] }),
        spaceDelimited: await sign({ ...base(), scope: 'openid profile orders.read' }),
        staticAudience: await sign({
          ...base(),
          aud: ['https://identity.example.com/resources', 'urn:orders'],
        }),
        noResourceIndicator: await sign({
          ...base(),
          aud: ['urn:orders', 'urn:inventory'],
          scope: ['openid', 'shared.read'],
        }),
        staticAudienceOnly: await sign({
          ...base(),
          aud: 'https://identity.example.com/resources',
          scope: ['openid', 'profile'],
        }),
        otherApi: await sign({ ...base(), aud: 'urn:inventory', scope: ['inventory.read'] }),
        idToken: await signToken(
          current,
          { kid: current.kid, typ: 'JWT' },
          {
            iss: ISSUER,
            nbf: at(-60),
            iat: at(-60),
            exp: at(240),
            aud: CLIENT,
            amr: ['pwd'],
            nonce: '638412345678901234.ZmFjZWJvb2s',
            sid: '9C8B7A6F5E4D3C2B1A0F9E8D7C6B5A49',
            sub: USER,
            auth_time: at(-300),
            idp: 'local',
          },
        ),
        noScope: await sign({ ...base(), scope: ['openid', 'profile'] }),
        expired: await sign({ ...base(), nbf: at(-7_200), iat: at(-7_200), exp: at(-3_600) }),
        otherIssuer: await sign({ ...base(), iss: 'https://identity.partner.example' }),
      },
    };
  },
};
