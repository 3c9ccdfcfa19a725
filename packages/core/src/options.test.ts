import { describe, expect, it } from 'vitest';
import { ConfigurationError, createVerifier, type VerifierOptions } from './index.js';
import {
  protectedResourceMetadata,
  protectedResourceMetadataPath,
  protectedResourceMetadataUrl,
} from './metadata.js';

const base = { issuer: 'https://as.example.com', audience: 'https://orders.example.com' };
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';

describe('createVerifier checks its configuration once and says what to fix', () => {
  const cases: [string, unknown, RegExp][] = [
    ['no options', undefined, /needs an options object/],
    ['a missing issuer', { audience: base.audience }, /issuer is required/],
    ['a missing audience', { issuer: base.issuer }, /audience is required/],
    ['an empty audience list', { ...base, audience: [] }, /audience is required/],
    ['a relative issuer', { ...base, issuer: 'as.example.com' }, /not an absolute URL/],
    ['an issuer with a query', { ...base, issuer: 'https://as.example.com/?x=1' }, /query or fragment/],
    ['a non-http issuer', { ...base, issuer: 'ftp://as.example.com' }, /https URL/],
    ['the same issuer twice', { ...base, issuer: [base.issuer, base.issuer] }, /configured twice/],
    ["'none' in algorithms", { ...base, algorithms: ['none'] }, /must not include 'none'/],
    ['an unknown algorithm', { ...base, algorithms: ['RS1'] }, /not supported/],
    ['HS256 without a secret', { ...base, algorithms: ['HS256'] }, /needs a shared secret/],
    ['HS256 mixed with RS256', { ...base, algorithms: ['HS256', 'RS256'], secret: SECRET }, /mixes HS/],
    ['a secret without an HS algorithm', { ...base, secret: SECRET }, /list the HS algorithm/],
    ['a short secret', { ...base, secret: 'short', algorithms: ['HS256'] }, /at least 32 bytes/],
    [
      'jwksUri and jwks together',
      { ...base, jwksUri: 'https://as.example.com/jwks', jwks: { keys: [] } },
      /only one of/,
    ],
    ['a relative jwksUri', { ...base, jwksUri: '/jwks' }, /absolute http\(s\) URL/],
    ['a malformed jwks', { ...base, jwks: { nope: 1 } }, /JWK Set/],
    [
      'shorthand keys with several issuers',
      { ...base, issuer: [base.issuer, 'https://b.example.com'], jwksUri: 'https://x.example.com' },
      /single issuer/,
    ],
    ['a negative clock tolerance', { ...base, clockTolerance: -1 }, /clockTolerance/],
    ['an unknown audience policy', { ...base, audiencePolicy: 'strict' }, /audiencePolicy must be one of/],
    ['an unknown token type policy', { ...base, tokenType: 'at+jwt' }, /tokenType must be one of/],
    ['a zero cache size', { ...base, cache: { max: 0 } }, /cache.max/],
    ['a relative resourceMetadata', { ...base, resourceMetadata: '/.well-known/x' }, /resourceMetadata/],
    // Issue 14: a typo must not pass silently (the last one would leave the policy at 'any').
    [
      'a snake_case option',
      { ...base, jwks_uri: 'https://as.example.com/jwks' },
      /"jwks_uri"; did you mean "jwksUri"/,
    ],
    ['a misspelt option', { ...base, clockTolerence: 5 }, /"clockTolerence"; did you mean "clockTolerance"/],
    ['a wrongly cased option', { ...base, audiencepolicy: 'exclusive' }, /did you mean "audiencePolicy"/],
    [
      'an option of another library',
      { ...base, algorithm: 'RS256' },
      /"algorithm"; did you mean "algorithms"/,
    ],
    [
      'nothing like any option',
      { ...base, frobnicate: true },
      /unknown option "frobnicate"; known options are issuer/,
    ],
    [
      'a typo in jwksOptions',
      { ...base, jwksOptions: { timeout: 100 } },
      /jwksOptions: unknown option "timeout"; did you mean "timeoutMs"/,
    ],
    ['a typo in cache', { ...base, cache: { mx: 5 } }, /cache: unknown option "mx"; did you mean "max"/],
    [
      'a typo in an issuer entry',
      { ...base, issuer: [{ issuer: base.issuer, jwks_uri: 'x' }] },
      /issuer: unknown option "jwks_uri"; did you mean "jwksUri"/,
    ],
    ['issuerCache without a resolver', { ...base, issuerCache: { max: 5 } }, /issuer resolver/],
    [
      'requiredClaims with an object value',
      { ...base, requiredClaims: { roles: ['a'] } },
      /requiredClaims.roles/,
    ],
    ['a validate that is not a function', { ...base, validate: true }, /validate must be a function/],
    [
      'a resolver with top-level keys',
      { ...base, issuer: () => undefined, jwksUri: 'https://x.example.com' },
      /per issuer/,
    ],
    ['a resolver without an audience', { issuer: () => undefined }, /audience is required/],
  ];
  for (const [name, options, message] of cases) {
    it(`refuses ${name}`, () => {
      expect(() => createVerifier(options as VerifierOptions)).toThrow(ConfigurationError);
      expect(() => createVerifier(options as VerifierOptions)).toThrow(message);
    });
  }

  it('accepts the minimal configuration and several issuers with their own settings', () => {
    expect(createVerifier(base).audiences).toEqual([base.audience]);
    const v = createVerifier({
      issuer: [
        { issuer: 'https://a.example.com', jwksUri: 'https://a.example.com/keys' },
        { issuer: 'https://b.example.com', audience: 'urn:b' },
      ],
      audience: base.audience,
    });
    expect(v.audiences).toEqual([base.audience, 'urn:b']);
  });
});

describe('RFC 9728 protected-resource metadata', () => {
  it('builds the document', () => {
    expect(
      protectedResourceMetadata({
        resource: 'https://orders.example.com',
        authorizationServers: ['https://as.example.com'],
        scopesSupported: ['orders:read'],
        resourceName: 'Orders',
      }),
    ).toEqual({
      resource: 'https://orders.example.com',
      authorization_servers: ['https://as.example.com'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['orders:read'],
      resource_name: 'Orders',
    });
  });
  it('inserts the well-known suffix between host and path', () => {
    expect(protectedResourceMetadataPath('https://api.example.com')).toBe(
      '/.well-known/oauth-protected-resource',
    );
    expect(protectedResourceMetadataPath('https://api.example.com/v1/orders')).toBe(
      '/.well-known/oauth-protected-resource/v1/orders',
    );
    expect(protectedResourceMetadataUrl('https://api.example.com/v1')).toBe(
      'https://api.example.com/.well-known/oauth-protected-resource/v1',
    );
  });
  it('refuses a resource with a fragment and a document without authorization servers', () => {
    expect(() => protectedResourceMetadataPath('https://api.example.com/#x')).toThrow(ConfigurationError);
    expect(() =>
      protectedResourceMetadata({ resource: 'https://api.example.com', authorizationServers: [] }),
    ).toThrow(/at least one issuer/);
  });
});
