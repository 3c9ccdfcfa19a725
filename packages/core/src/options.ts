import type { TokenTypePolicy } from './checks/header.js';
import type { DpopOptions } from './dpop/options.js';
import type { AuthenticateRequest, BearerMethods } from './extract.js';
import type { IntrospectionOptions } from './introspection/options.js';
import type { CryptoBackend } from './lib/crypto.js';
import type { AccessToken, JsonWebKeySet, JwsAlgorithm } from './types.js';

export type { TokenTypePolicy } from './checks/header.js';
export type { DpopMode, DpopNonceOptions, DpopOptions } from './dpop/options.js';
export type {
  IntrospectionAuthMethod,
  IntrospectionCacheOptions,
  IntrospectionOptions,
} from './introspection/options.js';

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

/**
 * Decides at request time whether an issuer is trusted, for issuers that cannot be listed up front (multi-tenant
 * identity providers: one `iss` per customer tenant). Called only for an `iss` it has not answered lately (answers
 * are cached, see {@link IssuerCacheOptions}); return its options to trust it, or `undefined` to refuse its tokens
 * (401 `unknown_issuer`, with no network call). The returned `issuer` may be left out; if given it must equal `iss`.
 * A resolver that throws or rejects makes the request 503 `issuer_lookup_failed` (the token may be fine).
 *
 * @example
 * ```ts
 * // Microsoft Entra ID, multi-tenant: the customer tenants you have onboarded.
 * issuer: (iss) => {
 *   const tid = /^https:\/\/login\.microsoftonline\.com\/([0-9a-f-]{36})\/v2\.0$/.exec(iss)?.[1];
 *   return tid && tenants.has(tid)
 *     ? { issuer: iss, jwksUri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys' }
 *     : undefined;
 * },
 * ```
 */
export type IssuerResolver = (
  iss: string,
) => IssuerResolution | undefined | Promise<IssuerResolution | undefined>;

/** What an {@link IssuerResolver} answers for a trusted issuer: {@link IssuerOptions}, `issuer` optional. */
export type IssuerResolution = Omit<IssuerOptions, 'issuer'> & { issuer?: string };

/** How an {@link IssuerResolver}'s answers are remembered. Durations in milliseconds. */
export interface IssuerCacheOptions {
  /** Most trusted issuers remembered (with their key sets). Default `1000`. */
  max?: number;
  /** How long a "trusted" answer is kept. Default `600000` (10 minutes). */
  ttlMs?: number;
  /** How long a refusal is kept, so a flood of unknown issuers costs one call each at most. Default `60000`. */
  negativeTtlMs?: number;
}

/**
 * This API's identifier(s) for one request, when they depend on the request (a resource per tenant:
 * `https://api.saas.com/data/tenant/{tenantId}`). Called for every request, cache hits included; keep it cheap and
 * synchronous. `undefined` (or `[]`): the request names no resource this API serves, and every token is refused
 * with 401 `audience_mismatch`. Under an Express mount, read `req.originalUrl` (Express rewrites `req.url`).
 */
export type AudienceResolver = (request: AuthenticateRequest) => string | readonly string[] | undefined;

/**
 * A check of your own, run after every built-in check (on cache hits too) with the verified token and, from
 * `authenticate()`, the request. Return nothing or `true` to accept; `false` to refuse with 401 `invalid_token`
 * (`validation_failed`); or a string, to refuse with that string as the (client-visible, so safe) description.
 * Throw an `AuthError` to refuse otherwise; any other error is passed on untouched (your framework's 500).
 */
export type TokenValidator = (
  token: AccessToken<Record<string, unknown>>,
  request: AuthenticateRequest | undefined,
  // biome-ignore lint/suspicious/noConfusingVoidType: an async function that returns nothing is a Promise<void>; undefined would refuse it
) => void | boolean | string | Promise<void | boolean | string>;

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
  /**
   * Origins besides the issuer's own from which a discovered `jwks_uri` may be fetched, e.g.
   * `['https://www.googleapis.com']` for Google. A discovered key set on another origin is refused (503 and a
   * warning), and an `https:` issuer's keys are never fetched over `http:`. Default: none.
   */
  allowedOrigins?: readonly string[];
  /** The `fetch` to use (a proxy-aware one, say). Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch;
}

/** Verified-token cache settings. */
export interface CacheOptions {
  /** Most tokens remembered. Default `10000`. */
  max?: number;
  /**
   * Most memory the cache may hold, in bytes, as estimated from each token's size and the number of values in its
   * claims (so tokens with huge claims count for what they cost). Default `67108864` (64 MiB); typical tokens stay
   * within `max` long before. A token that alone exceeds it is not cached.
   */
  maxBytes?: number;
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
  /**
   * Trusted issuer(s): an identifier, several, objects with per-issuer keys and audience, or an
   * {@link IssuerResolver} that decides per `iss` (multi-tenant providers).
   */
  issuer: string | readonly string[] | readonly IssuerOptions[] | IssuerResolver;
  /** How an issuer resolver's answers are cached. Only with a resolver `issuer`. */
  issuerCache?: IssuerCacheOptions;
  /**
   * This API's resource identifier(s) (RFC 8707); a token's `aud` must name one of them. A function decides per
   * request ({@link AudienceResolver}); `verify(token, { audience })` overrides it per call. Required unless every
   * issuer has its own, or `clientId` is set for issuers that mint tokens without `aud`.
   */
  audience?: string | readonly string[] | AudienceResolver;
  /**
   * Audiences tolerated in `aud` but never sufficient: a token must still name this API, and one naming only these
   * is refused. For providers that add their own (`https://TENANT.auth0.com/userinfo` with `openid`, Keycloak's
   * `account`). They do not count as "other APIs" under `audiencePolicy: 'exclusive'`. Default: none.
   */
  ignoredAudiences?: readonly string[];
  /**
   * Client ids whose tokens this API accepts (the token's `client_id`, else `azp`, `cid` or `appid`). Any other
   * client's token is refused (`client_not_allowed`). With no `audience` at all, a token without `aud` is accepted on its
   * client alone — weaker than audience restriction (any token minted for the client passes, whichever API it was
   * meant for), and only for issuers that put no `aud` in access tokens, such as AWS Cognito. Default: any client.
   */
  clientId?: string | readonly string[];
  /**
   * Claims that must be present with exactly these values, e.g. `{ token_use: 'access' }` (Cognito). A missing one is
   * `missing_claim`, another value `invalid_claim`. Default: none.
   */
  requiredClaims?: Readonly<Record<string, string | number | boolean>>;
  /** A check of your own after the built-in ones: see {@link TokenValidator}. Default: none. */
  validate?: TokenValidator;
  /**
   * The claims `token.scopes` (and `requireScopes`) read, each a space-delimited string or an array of strings.
   * Default `['scope', 'scp']`. Auth0 RBAC: add `'permissions'`; Entra ID app roles: `'roles'`; Keycloak realm
   * roles: `'realm_access.roles'` (a dotted name reads a nested member when no top-level claim has that name).
   */
  scopeClaims?: readonly string[];
  /**
   * Scope hierarchy: each broader scope and the narrower ones it implies, e.g.
   * `{ 'mcp:admin': ['mcp:write'], 'mcp:write': ['mcp:read'] }` (transitive). `token.scopes` holds the granted scopes
   * and everything they imply, so `requireScopes('mcp:read')` passes a token granted `mcp:admin` (MCP 2026-07-28
   * §11.1.2: a broader scope MUST satisfy a narrower one). Default: none.
   */
  impliedScopes?: Readonly<Record<string, readonly string[]>>;
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
  /** Verified-token cache; `false` turns it off. Default `{ max: 10000, maxBytes: 67108864 }`. */
  cache?: CacheOptions | false;
  /**
   * RFC 9449 DPoP: `'allowed'` (DPoP-bound tokens need `Authorization: DPoP` and a valid proof; bearer tokens still
   * pass), `'required'` (DPoP-bound tokens with a proof only), or {@link DpopOptions} for the details. Challenges then
   * offer the `DPoP` scheme with `algs`. `verify()`, which sees no request, refuses DPoP-bound tokens (and, with
   * `'required'`, every token). Default: off — `Authorization: DPoP` is refused as malformed, and a token's `cnf` is
   * not looked at, as by any API unaware of DPoP.
   */
  dpop?: 'allowed' | 'required' | DpopOptions;
  /**
   * RFC 7662 token introspection for opaque tokens (and JWTs with `jwts: true`), RFC 9701 signed answers on request:
   * see {@link IntrospectionOptions}. Default: none — a token that is not a JWT is refused as malformed.
   */
  introspection?: IntrospectionOptions;
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
