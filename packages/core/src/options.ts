import { ConfigurationError } from './errors.js';
import type { BearerMethods } from './extract.js';
import {
  ASYMMETRIC_ALGORITHMS,
  backendAvailable,
  type CryptoBackend,
  defaultBackend,
  isSupportedAlgorithm,
  isSymmetric,
  SUPPORTED_ALGORITHMS,
} from './lib/crypto.js';
import type { KeySetSettings, KeySource } from './lib/issuer-keys.js';
import type { JsonWebKeySet, JwsAlgorithm } from './types.js';

/** One trusted issuer, with where its keys come from and (optionally) its own audience. */
export interface IssuerOptions {
  /** The issuer identifier, compared to `iss` exactly (code point by code point; mind the trailing slash). */
  issuer: string;
  /** The issuer's JWKS URL. Default: discovered from RFC 8414 metadata, then OpenID Connect configuration. */
  jwksUri?: string;
  /** Static keys instead of fetching (for air-gapped setups and tests). */
  jwks?: JsonWebKeySet;
  /** A shared secret for HS256/384/512. Only used when `algorithms` lists an HS algorithm explicitly. */
  secret?: string | Uint8Array;
  /** This API's identifier(s) for tokens from this issuer. Default: the verifier's `audience`. */
  audience?: string | readonly string[];
}

/** How `typ` is checked (RFC 9068 §2.1, RFC 8725 §3.11). */
export type TokenTypePolicy =
  /**
   * Accepts `at+jwt` and `application/at+jwt` (any case), `JWT` and no `typ` — real authorization servers differ —
   * and refuses every other type (`dpop+jwt`, ID tokens typed as such, logout tokens...).
   */
  | 'default'
  /** RFC 9068 strictly: `typ` must be `at+jwt`, and `sub`, `client_id`, `iat`, `jti` must be present. */
  | 'strict';

/** Key-set fetching settings. Durations are in milliseconds. */
export interface JwksOptions {
  /** Deadline for one fetch, headers and body. Default `5000`. */
  timeoutMs?: number;
  /** Largest accepted JWKS or metadata body. Default `262144` (256 KiB). */
  maxBytes?: number;
  /** Age after which the key set is refreshed in the background. Default `600000` (10 minutes). */
  maxAgeMs?: number;
  /** At most one refetch for an unknown `kid` per this period, per issuer. Default `30000`. */
  cooldownMs?: number;
  /** How long past `maxAgeMs` the last good keys keep serving while refreshes fail. Default `3600000` (1 hour). */
  staleIfErrorMs?: number;
  /** After a failed fetch with no keys to serve, how long requests get 503 before the next attempt. Default `1000`. */
  errorBackoffMs?: number;
  /** The `fetch` to use (a proxy-aware one, say). Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch;
}

/** Verified-token cache settings. */
export interface CacheOptions {
  /** Most tokens remembered. Default `10000` (about 25 MB with typical tokens). */
  max?: number;
}

/**
 * Options for `createVerifier`. Only `issuer` and `audience` are required.
 *
 * @example
 * ```ts
 * createVerifier({ issuer: 'https://as.example.com', audience: 'https://orders.example.com' });
 * ```
 */
export interface VerifierOptions {
  /** Trusted issuer(s): an identifier, several, or objects with per-issuer keys and audience. */
  issuer: string | readonly string[] | readonly IssuerOptions[];
  /** This API's resource identifier(s) (RFC 8707); a token's `aud` must name one of them. */
  audience?: string | readonly string[];
  /** Shorthand for a single issuer: its JWKS URL. */
  jwksUri?: string;
  /** Shorthand for a single issuer: static keys. */
  jwks?: JsonWebKeySet;
  /** Shorthand for a single issuer: an HS* shared secret. */
  secret?: string | Uint8Array;
  /**
   * `'any'` (default): `aud` must contain one of this API's identifiers. `'exclusive'`: and nothing else — tokens
   * shared with other APIs are refused (resource isolation, least privilege).
   */
  audiencePolicy?: 'any' | 'exclusive';
  /** Allowed `alg` values. Default: every supported asymmetric algorithm. `none` is never allowed. */
  algorithms?: readonly JwsAlgorithm[];
  /** `typ` policy. Default `'default'`. */
  tokenType?: TokenTypePolicy;
  /** Seconds of clock skew tolerated for `exp`, `nbf` and `iat`. Default `5`. */
  clockTolerance?: number;
  /** Refuse tokens whose `iat` is older than this many seconds (requires `iat`). Default: no limit. */
  maxTokenAge?: number;
  /** Tokens longer than this many characters are refused before parsing. Default `8192`. */
  maxTokenLength?: number;
  /** Token locations besides the `Authorization` header (RFC 6750 §2). Default: header only. */
  bearerMethods?: Partial<BearerMethods>;
  /** Key-set fetching. */
  jwksOptions?: JwksOptions;
  /** Verified-token cache; `false` turns it off. Default `{ max: 10000 }`. */
  cache?: CacheOptions | false;
  /** `realm` in challenges. Default `"api"` when `resourceMetadata` is not set. */
  realm?: string;
  /** RFC 9728: this API's protected-resource metadata URL, sent as `resource_metadata` in every challenge. */
  resourceMetadata?: string;
  /**
   * Signature backend: `'node'` (`node:crypto`, fast, synchronous) or `'webcrypto'`. Default: `'node'` where
   * available, else `'webcrypto'`.
   */
  cryptoBackend?: CryptoBackend;
  /** Current time in milliseconds. Default `Date.now`. For tests. */
  clock?: () => number;
}

/** @internal */
export interface ResolvedIssuer {
  issuer: string;
  audience: readonly string[];
  source: KeySource;
}

/** @internal Every option resolved and checked. */
export interface ResolvedOptions {
  issuers: Map<string, ResolvedIssuer>;
  audiencePolicy: 'any' | 'exclusive';
  algorithms: ReadonlySet<JwsAlgorithm>;
  tokenType: TokenTypePolicy;
  clockTolerance: number;
  maxTokenAge: number | undefined;
  maxTokenLength: number;
  bearerMethods: BearerMethods;
  keySet: KeySetSettings;
  cacheMax: number;
  realm: string | undefined;
  resourceMetadata: string | undefined;
  now: () => number;
}

const fail = (message: string): never => {
  throw new ConfigurationError(`audguard: ${message}`);
};

/** @internal Checks `options` once, with messages that say what to fix. */
export function resolveOptions(options: VerifierOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('createVerifier() needs an options object.');

  const algorithms = resolveAlgorithms(options.algorithms);
  const defaultAudience = options.audience === undefined ? undefined : list(options.audience, 'audience');
  const issuers = new Map<string, ResolvedIssuer>();
  const entries = issuerEntries(options);
  for (const entry of entries) {
    const issuer = checkIssuer(entry.issuer);
    if (issuers.has(issuer)) fail(`issuer ${JSON.stringify(issuer)} is configured twice.`);
    const audience = entry.audience === undefined ? defaultAudience : list(entry.audience, 'audience');
    if (audience === undefined || audience.length === 0) {
      fail(
        `audience is required: set it to this API's resource identifier (e.g. 'https://orders.example.com'); ` +
          'without it any token from the issuer would be accepted, whichever API it was minted for.',
      );
    }
    issuers.set(issuer, {
      issuer,
      audience: audience as string[],
      source: keySource(entry, issuer, algorithms),
    });
  }

  const hasSecret = [...issuers.values()].some((i) => i.source.kind === 'secret');
  for (const alg of algorithms) {
    if (isSymmetric(alg) && !hasSecret) {
      fail(`algorithms lists ${alg}, which needs a shared secret: set \`secret\`, or remove ${alg}.`);
    }
  }

  const jwks = options.jwksOptions ?? {};
  const backend = options.cryptoBackend ?? defaultBackend;
  if (!backendAvailable(backend)) fail(`cryptoBackend '${backend}' is not available in this runtime.`);
  const fetchImpl = jwks.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') fail('no fetch is available: pass jwksOptions.fetch.');
  const now = options.clock ?? Date.now;

  return {
    issuers,
    audiencePolicy: oneOf(options.audiencePolicy ?? 'any', ['any', 'exclusive'], 'audiencePolicy'),
    algorithms,
    tokenType: oneOf(options.tokenType ?? 'default', ['default', 'strict'], 'tokenType'),
    clockTolerance: nonNegative(options.clockTolerance ?? 5, 'clockTolerance'),
    maxTokenAge: options.maxTokenAge === undefined ? undefined : positive(options.maxTokenAge, 'maxTokenAge'),
    maxTokenLength: positive(options.maxTokenLength ?? 8192, 'maxTokenLength'),
    bearerMethods: {
      body: options.bearerMethods?.body ?? false,
      query: options.bearerMethods?.query ?? false,
    },
    keySet: {
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
    realm: options.realm,
    resourceMetadata:
      options.resourceMetadata === undefined
        ? undefined
        : absoluteUrl(options.resourceMetadata, 'resourceMetadata'),
    now,
  };
}

function issuerEntries(options: VerifierOptions): IssuerOptions[] {
  const raw = options.issuer;
  if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) {
    fail("issuer is required: the authorization server's issuer identifier, e.g. 'https://as.example.com'.");
  }
  const entries: IssuerOptions[] = (Array.isArray(raw) ? raw : [raw]).map((entry: string | IssuerOptions) =>
    typeof entry === 'string' ? { issuer: entry } : entry,
  );
  const shorthand =
    options.jwksUri !== undefined || options.jwks !== undefined || options.secret !== undefined;
  if (shorthand) {
    if (entries.length !== 1) {
      fail(
        'jwksUri, jwks and secret at the top level apply to a single issuer; with several, set them per issuer.',
      );
    }
    const only = entries[0] as IssuerOptions;
    return [
      {
        ...only,
        ...(options.jwksUri === undefined ? {} : { jwksUri: options.jwksUri }),
        ...(options.jwks === undefined ? {} : { jwks: options.jwks }),
        ...(options.secret === undefined ? {} : { secret: options.secret }),
      },
    ];
  }
  return entries;
}

function keySource(entry: IssuerOptions, issuer: string, algorithms: ReadonlySet<JwsAlgorithm>): KeySource {
  const given = [entry.jwksUri, entry.jwks, entry.secret].filter((v) => v !== undefined).length;
  if (given > 1) fail(`issuer ${issuer}: set only one of jwksUri, jwks and secret.`);
  if (entry.secret !== undefined) {
    if (![...algorithms].some(isSymmetric)) {
      fail(`issuer ${issuer}: a secret is set, so list the HS algorithm in \`algorithms\` (e.g. ['HS256']).`);
    }
    const secret = typeof entry.secret === 'string' ? new TextEncoder().encode(entry.secret) : entry.secret;
    if (secret.byteLength < 32)
      fail(`issuer ${issuer}: the secret must be at least 32 bytes (RFC 7518 §3.2).`);
    return { kind: 'secret', secret };
  }
  if (entry.jwks !== undefined) {
    if (!Array.isArray(entry.jwks?.keys)) fail(`issuer ${issuer}: jwks must be a JWK Set ({ keys: [...] }).`);
    return { kind: 'static', jwks: entry.jwks };
  }
  if (entry.jwksUri !== undefined)
    return { kind: 'jwks_uri', jwksUri: absoluteUrl(entry.jwksUri, 'jwksUri') };
  return { kind: 'discovery' };
}

function resolveAlgorithms(algorithms: readonly string[] | undefined): ReadonlySet<JwsAlgorithm> {
  if (algorithms === undefined) return new Set(ASYMMETRIC_ALGORITHMS);
  if (!Array.isArray(algorithms) || algorithms.length === 0) fail('algorithms must be a non-empty array.');
  const out = new Set<JwsAlgorithm>();
  for (const alg of algorithms) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
      fail("algorithms must not include 'none': unsigned tokens can be forged by anyone.");
    }
    if (typeof alg !== 'string' || !isSupportedAlgorithm(alg)) {
      fail(
        `algorithms: ${JSON.stringify(alg)} is not supported; use some of ${SUPPORTED_ALGORITHMS.join(', ')}.`,
      );
    }
    out.add(alg as JwsAlgorithm);
  }
  const symmetric = [...out].filter(isSymmetric);
  if (symmetric.length > 0 && symmetric.length !== out.size) {
    // RFC 8725 §2.1: mixing lets a public key be used as an HMAC secret (algorithm confusion).
    fail('algorithms mixes HS* with asymmetric algorithms; use one kind per verifier.');
  }
  return out;
}

function checkIssuer(issuer: unknown): string {
  if (typeof issuer !== 'string' || issuer.length === 0) fail('each issuer must be a non-empty string.');
  const value = issuer as string;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`issuer ${JSON.stringify(value)} is not an absolute URL; use e.g. 'https://as.example.com'.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`issuer ${value} must be an https URL.`);
  if (url.search || url.hash) fail(`issuer ${value} must not have a query or fragment (RFC 8414 §2).`);
  return value;
}

function absoluteUrl(value: string, name: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return value;
  } catch {}
  return fail(`${name} ${JSON.stringify(value)} must be an absolute http(s) URL.`);
}

function list(value: string | readonly string[], name: string): string[] {
  const values =
    typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? [...value]
        : fail(`${name} must be a string or an array of strings.`);
  for (const v of values as unknown[]) {
    if (typeof v !== 'string' || v.length === 0) fail(`${name} values must be non-empty strings.`);
  }
  return values as string[];
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    fail(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${JSON.stringify(value)}.`);
  }
  return value as T;
}

function positive(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    fail(`${name} must be a positive number.`);
  return value;
}

function nonNegative(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    fail(`${name} must be a number ≥ 0.`);
  return value;
}
