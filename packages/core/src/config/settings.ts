import type { HeaderPolicy } from '../checks/header.js';
import type { TimePolicy } from '../checks/time.js';
import type { BearerMethods } from '../extract.js';
import type { KeySetSettings } from '../keys/index.js';
import { backendAvailable, defaultBackend } from '../lib/crypto.js';
import type { VerifierOptions } from '../options.js';
import type { ChallengeOptions } from '../render.js';
import { type IssuerSettings, resolveAlgorithms, resolveIssuers } from './issuers.js';
import { absoluteUrl, fail, nonNegative, oneOf, positive } from './values.js';

/** Every verifier option checked, with its default applied. */
export interface VerifierSettings {
  readonly issuers: ReadonlyMap<string, IssuerSettings>;
  readonly header: HeaderPolicy;
  readonly time: TimePolicy;
  readonly audiencePolicy: 'any' | 'exclusive';
  readonly maxTokenLength: number;
  readonly bearerMethods: BearerMethods;
  readonly keySets: KeySetSettings;
  /** Most verified tokens remembered; 0 turns the cache off. */
  readonly cacheMax: number;
  readonly challenge: ChallengeOptions;
  /** The clock, in milliseconds. */
  readonly now: () => number;
}

/** Checks `options` once, with messages that say what to fix, and applies the documented defaults. */
export function resolveSettings(options: VerifierOptions): VerifierSettings {
  if (typeof options !== 'object' || options === null) fail('createVerifier() needs an options object.');

  const algorithms = resolveAlgorithms(options.algorithms);
  const issuers = resolveIssuers(options, algorithms);
  const jwks = options.jwksOptions ?? {};
  const backend = options.cryptoBackend ?? defaultBackend;
  if (!backendAvailable(backend)) fail(`cryptoBackend '${backend}' is not available in this runtime.`);
  const fetchImpl = jwks.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') fail('no fetch is available: pass jwksOptions.fetch.');
  const now = options.clock ?? Date.now;

  return {
    issuers,
    header: {
      algorithms,
      tokenType: oneOf(options.tokenType ?? 'default', ['default', 'strict'], 'tokenType'),
    },
    time: {
      clockTolerance: nonNegative(options.clockTolerance ?? 5, 'clockTolerance'),
      maxTokenAge:
        options.maxTokenAge === undefined ? undefined : positive(options.maxTokenAge, 'maxTokenAge'),
    },
    audiencePolicy: oneOf(options.audiencePolicy ?? 'any', ['any', 'exclusive'], 'audiencePolicy'),
    maxTokenLength: positive(options.maxTokenLength ?? 8192, 'maxTokenLength'),
    bearerMethods: {
      body: options.bearerMethods?.body ?? false,
      query: options.bearerMethods?.query ?? false,
    },
    keySets: {
      fetch: fetchImpl,
      timeoutMs: positive(jwks.timeoutMs ?? 5000, 'jwksOptions.timeoutMs'),
      maxBytes: positive(jwks.maxBytes ?? 256 * 1024, 'jwksOptions.maxBytes'),
      maxAgeMs: positive(jwks.maxAgeMs ?? 600_000, 'jwksOptions.maxAgeMs'),
      cooldownMs: nonNegative(jwks.cooldownMs ?? 30_000, 'jwksOptions.cooldownMs'),
      staleIfErrorMs: nonNegative(jwks.staleIfErrorMs ?? 3_600_000, 'jwksOptions.staleIfErrorMs'),
      errorBackoffMs: nonNegative(jwks.errorBackoffMs ?? 1000, 'jwksOptions.errorBackoffMs'),
      backend,
      now,
    },
    cacheMax: options.cache === false ? 0 : positive(options.cache?.max ?? 10_000, 'cache.max'),
    challenge: {
      ...(options.realm === undefined ? {} : { realm: options.realm }),
      ...(options.resourceMetadata === undefined
        ? {}
        : { resourceMetadata: absoluteUrl(options.resourceMetadata, 'resourceMetadata') }),
    },
    now,
  };
}
