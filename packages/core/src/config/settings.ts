import type { HeaderPolicy } from '../checks/header.js';
import type { TimePolicy } from '../checks/time.js';
import { type BearerMethods, DEFAULT_MAX_BODY_BYTES } from '../extract.js';
import type { KeySetSettings } from '../keys/index.js';
import { backendAvailable, defaultBackend } from '../lib/crypto.js';
import { isScopeToken } from '../lib/scope-token.js';
import type {
  AudienceResolver,
  CacheOptions,
  IssuerCacheOptions,
  IssuerResolver,
  JwksOptions,
  TokenValidator,
  VerifierOptions,
} from '../options.js';
import type { ChallengeOptions } from '../render.js';
import { type DpopSettings, resolveDpop } from './dpop.js';
import { type IntrospectionSettings, resolveIntrospection } from './introspection.js';
import { audienceRequired, type IssuerSettings, resolveAlgorithms, resolveIssuers } from './issuers.js';
import {
  absoluteUrl,
  checkKnown,
  fail,
  nonNegative,
  oneOf,
  optionObject,
  positive,
  stringList,
} from './values.js';

/** Every verifier option checked, with its default applied. */
export interface VerifierSettings {
  /** Statically configured issuers (empty with a resolver). */
  readonly issuers: ReadonlyMap<string, IssuerSettings>;
  readonly resolver:
    | { readonly resolve: IssuerResolver; readonly cache: Required<IssuerCacheOptions> }
    | undefined;
  /** The default audience: identifiers, a per-request function, or none (clientId mode, or per-issuer only). */
  readonly audience: readonly string[] | AudienceResolver | undefined;
  readonly audiencePolicy: 'any' | 'exclusive';
  readonly ignoredAudiences: ReadonlySet<string>;
  readonly clientIds: ReadonlySet<string> | undefined;
  readonly requiredClaims: readonly (readonly [string, string | number | boolean])[];
  readonly scopeClaims: readonly string[];
  /** Broader scope → the narrower scopes it implies (direct ones; expanded transitively per token). */
  readonly impliedScopes: ReadonlyMap<string, readonly string[]>;
  readonly validate: TokenValidator | undefined;
  readonly header: HeaderPolicy;
  readonly time: TimePolicy;
  readonly maxTokenLength: number;
  readonly bearerMethods: BearerMethods;
  readonly keySets: KeySetSettings;
  /** Most verified tokens remembered; 0 turns the cache off. */
  readonly cacheMax: number;
  /** Most bytes (estimated) the cache may hold. */
  readonly cacheMaxBytes: number;
  readonly challenge: ChallengeOptions;
  readonly dpop: DpopSettings | undefined;
  readonly introspection: IntrospectionSettings | undefined;
  /** The clock, in milliseconds. */
  readonly now: () => number;
}

/** Every option `createVerifier` reads; anything else is a typo. */
export const VERIFIER_OPTIONS = [
  'issuer',
  'issuerCache',
  'audience',
  'ignoredAudiences',
  'clientId',
  'requiredClaims',
  'validate',
  'scopeClaims',
  'impliedScopes',
  'jwksUri',
  'jwks',
  'secret',
  'audiencePolicy',
  'algorithms',
  'tokenType',
  'clockTolerance',
  'maxTokenAge',
  'maxTokenLength',
  'bearerMethods',
  'jwksOptions',
  'cache',
  'dpop',
  'introspection',
  'realm',
  'resourceMetadata',
  'cryptoBackend',
  'clock',
] as const satisfies readonly (keyof VerifierOptions)[];

const JWKS_OPTIONS = [
  'timeoutMs',
  'maxBytes',
  'maxAgeMs',
  'cooldownMs',
  'staleIfErrorMs',
  'errorBackoffMs',
  'allowedOrigins',
  'fetch',
] as const satisfies readonly (keyof JwksOptions)[];
const CACHE_OPTIONS = ['max', 'maxBytes'] as const satisfies readonly (keyof CacheOptions)[];
const ISSUER_CACHE_OPTIONS = [
  'max',
  'ttlMs',
  'negativeTtlMs',
] as const satisfies readonly (keyof IssuerCacheOptions)[];

/** Checks `options` once, with messages that say what to fix, and applies the documented defaults. */
export function resolveSettings(options: VerifierOptions): VerifierSettings {
  if (typeof options !== 'object' || options === null) fail('createVerifier() needs an options object.');
  checkKnown(options, VERIFIER_OPTIONS, 'createVerifier()');

  const audience = resolveAudience(options.audience);
  const clientIds =
    options.clientId === undefined ? undefined : new Set(stringList(options.clientId, 'clientId'));
  const algorithms = resolveAlgorithms(options.algorithms);
  const issuers = resolveIssuers(options, algorithms, audience !== undefined || clientIds !== undefined);
  const jwks = optionObject(options.jwksOptions, JWKS_OPTIONS, 'jwksOptions');
  const backend = options.cryptoBackend ?? defaultBackend;
  if (!backendAvailable(backend)) fail(`cryptoBackend '${backend}' is not available in this runtime.`);
  const fetchImpl = jwks.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') fail('no fetch is available: pass jwksOptions.fetch.');
  const now = options.clock ?? Date.now;
  if (typeof now !== 'function') fail('clock must be a function returning milliseconds.');
  const cache = options.cache === false ? false : optionObject(options.cache, CACHE_OPTIONS, 'cache');
  const bearer = optionObject(options.bearerMethods, ['body', 'query', 'maxBodyBytes'], 'bearerMethods');
  const clockTolerance = nonNegative(options.clockTolerance ?? 5, 'clockTolerance');
  const dpop = resolveDpop(options.dpop, staticAudiences(audience, issuers), clockTolerance, now);

  return {
    issuers,
    resolver: resolveResolver(options),
    audience,
    audiencePolicy: oneOf(options.audiencePolicy ?? 'any', ['any', 'exclusive'], 'audiencePolicy'),
    ignoredAudiences: new Set(
      options.ignoredAudiences === undefined ? [] : stringList(options.ignoredAudiences, 'ignoredAudiences'),
    ),
    clientIds,
    requiredClaims: resolveRequiredClaims(options.requiredClaims),
    scopeClaims: resolveScopeClaims(options.scopeClaims),
    impliedScopes: resolveImpliedScopes(options.impliedScopes),
    validate: optionalFunction(options.validate, 'validate'),
    header: {
      algorithms,
      tokenType: oneOf(options.tokenType ?? 'default', ['default', 'strict'], 'tokenType'),
    },
    time: {
      clockTolerance,
      maxTokenAge:
        options.maxTokenAge === undefined ? undefined : positive(options.maxTokenAge, 'maxTokenAge'),
    },
    maxTokenLength: positive(options.maxTokenLength ?? 8192, 'maxTokenLength'),
    bearerMethods: {
      body: bearer.body === true,
      query: bearer.query === true,
      maxBodyBytes: positive(bearer.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, 'bearerMethods.maxBodyBytes'),
    },
    keySets: {
      fetch: fetchImpl,
      timeoutMs: positive(jwks.timeoutMs ?? 5000, 'jwksOptions.timeoutMs'),
      maxBytes: positive(jwks.maxBytes ?? 256 * 1024, 'jwksOptions.maxBytes'),
      maxAgeMs: positive(jwks.maxAgeMs ?? 600_000, 'jwksOptions.maxAgeMs'),
      cooldownMs: nonNegative(jwks.cooldownMs ?? 30_000, 'jwksOptions.cooldownMs'),
      staleIfErrorMs: nonNegative(jwks.staleIfErrorMs ?? 3_600_000, 'jwksOptions.staleIfErrorMs'),
      errorBackoffMs: nonNegative(jwks.errorBackoffMs ?? 1000, 'jwksOptions.errorBackoffMs'),
      allowedOrigins: resolveOrigins(jwks.allowedOrigins),
      backend,
      now,
    },
    cacheMax: cache === false ? 0 : positive(cache.max ?? 10_000, 'cache.max'),
    cacheMaxBytes: cache === false ? 0 : positive(cache.maxBytes ?? 64 * 1024 * 1024, 'cache.maxBytes'),
    challenge: {
      ...(options.realm === undefined ? {} : { realm: options.realm }),
      ...(options.resourceMetadata === undefined
        ? {}
        : { resourceMetadata: absoluteUrl(options.resourceMetadata, 'resourceMetadata') }),
      ...(dpop === undefined
        ? {}
        : { dpop: { algorithms: [...dpop.algorithms], required: dpop.mode === 'required' } }),
    },
    dpop,
    introspection: resolveIntrospection(options.introspection, [...issuers.keys()], fetchImpl),
    now,
  };
}

/** Every audience known at construction (the verifier's and the issuers' own); `undefined` if one is a function. */
function staticAudiences(
  audience: VerifierSettings['audience'],
  issuers: ReadonlyMap<string, IssuerSettings>,
): readonly string[] | undefined {
  if (typeof audience === 'function') return undefined;
  return [...(audience ?? []), ...[...issuers.values()].flatMap((issuer) => issuer.audience ?? [])];
}

function resolveAudience(value: VerifierOptions['audience']): VerifierSettings['audience'] {
  if (value === undefined || typeof value === 'function') return value;
  const audience = stringList(value, 'audience');
  if (audience.length === 0) fail(audienceRequired);
  return audience;
}

function resolveResolver(options: VerifierOptions): VerifierSettings['resolver'] {
  const resolve = options.issuer;
  if (typeof resolve !== 'function') {
    if (options.issuerCache !== undefined)
      fail('issuerCache applies to an issuer resolver (issuer: (iss) => …).');
    return undefined;
  }
  const cache = optionObject(options.issuerCache, ISSUER_CACHE_OPTIONS, 'issuerCache');
  return {
    resolve,
    cache: {
      max: positive(cache.max ?? 1000, 'issuerCache.max'),
      ttlMs: positive(cache.ttlMs ?? 600_000, 'issuerCache.ttlMs'),
      negativeTtlMs: positive(cache.negativeTtlMs ?? 60_000, 'issuerCache.negativeTtlMs'),
    },
  };
}

function resolveRequiredClaims(value: VerifierOptions['requiredClaims']): VerifierSettings['requiredClaims'] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail("requiredClaims must be an object of exact claim values, e.g. { token_use: 'access' }.");
  }
  return Object.entries(value).map(([claim, expected]) => {
    if (!['string', 'number', 'boolean'].includes(typeof expected)) {
      fail(`requiredClaims.${claim} must be a string, a number or a boolean (the exact value required).`);
    }
    return [claim, expected] as const;
  });
}

function resolveScopeClaims(value: VerifierOptions['scopeClaims']): readonly string[] {
  if (value === undefined) return ['scope', 'scp'];
  const claims = stringList(value, 'scopeClaims');
  if (claims.length === 0) fail('scopeClaims must name at least one claim.');
  return claims;
}

function optionalFunction<T>(value: T | undefined, name: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail(`${name} must be a function.`);
  return value;
}

function resolveOrigins(value: readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return stringList(value, 'jwksOptions.allowedOrigins').map((origin) => {
    const url = new URL(absoluteUrl(origin, 'jwksOptions.allowedOrigins'));
    if (url.origin !== origin.replace(/\/$/, '')) {
      fail(
        `jwksOptions.allowedOrigins: ${JSON.stringify(origin)} is not an origin; use e.g. '${url.origin}'.`,
      );
    }
    return url.origin;
  });
}

function resolveImpliedScopes(
  value: VerifierOptions['impliedScopes'],
): ReadonlyMap<string, readonly string[]> {
  if (value === undefined) return new Map();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail("impliedScopes must map a scope to the scopes it implies, e.g. { 'mcp:admin': ['mcp:write'] }.");
  }
  return new Map(
    Object.entries(value).map(([broader, narrower]) => {
      if (!isScopeToken(broader)) fail(`impliedScopes: ${JSON.stringify(broader)} is not a scope.`);
      const list = stringList(narrower, `impliedScopes['${broader}']`);
      if (!list.every(isScopeToken))
        fail(`impliedScopes['${broader}'] must list scopes (no spaces or quotes).`);
      return [broader, list] as const;
    }),
  );
}
