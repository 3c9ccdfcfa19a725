import type { TokenTypePolicy } from './checks/header.js';
import type { BearerMethods } from './extract.js';
import type { CryptoBackend } from './lib/crypto.js';
import type { JsonWebKeySet, JwsAlgorithm } from './types.js';

export type { TokenTypePolicy } from './checks/header.js';

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

/** Key-set fetching settings. Durations are in milliseconds. */
export interface JwksOptions {
  /** Deadline for one fetch, headers and body. Default `5000`. */
  timeoutMs?: number;
  /** Largest accepted JWKS or metadata body. Default `262144` (256 KiB). */
  maxBytes?: number;
  /** Age after which the key set is refreshed in the background. Default `600000` (10 minutes). */
  maxAgeMs?: number;
  /** At most one refetch for an unknown `kid` per this period, per key set (JWKS URL). Default `30000`. */
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
