import type { JsonWebKey } from '../types.js';

/** How this API authenticates to the introspection endpoint (RFC 7662 §2.1 requires it). */
export type IntrospectionAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** Cache of introspection answers. */
export interface IntrospectionCacheOptions {
  /** Most answers remembered. Default `10000`. */
  max?: number;
  /** Longest an answer is remembered, in milliseconds; never past the token's `exp`. Default `60000`. */
  ttlMs?: number;
}

/**
 * The `introspection` option (RFC 7662, RFC 9701): tokens that are not JWTs — opaque reference tokens — are checked
 * by asking the authorization server. An active answer is then held to every local check a JWT's claims are: `iss`,
 * `exp` (required), `nbf`, `aud` (this API's audience policy), `client_id`, `requiredClaims`, scopes, `cnf.jkt`
 * (DPoP binding) and `validate`.
 *
 * @example
 * ```ts
 * introspection: {
 *   endpoint: 'https://as.example.com/introspect',
 *   clientId: 'orders-api',
 *   clientSecret: process.env.INTROSPECTION_SECRET,
 * },
 * ```
 */
export interface IntrospectionOptions {
  /** The RFC 7662 endpoint: https (http on loopback only). */
  endpoint: string;
  /** This API's client id at the authorization server. */
  clientId: string;
  /** The client secret, for `client_secret_basic` (the default) or `client_secret_post`. */
  clientSecret?: string;
  /**
   * A private JWK (with `alg`, and `kid` if the server needs it) for `private_key_jwt` (RFC 7523): each request
   * carries a fresh assertion, `iss` and `sub` the client id, `aud` the issuer, valid 60 seconds.
   */
  privateKey?: JsonWebKey;
  /** Default: `client_secret_basic` with `clientSecret`, `private_key_jwt` with `privateKey`. */
  authMethod?: IntrospectionAuthMethod;
  /** The issuer the endpoint answers for. Default: the only configured issuer; required with several or a resolver. */
  issuer?: string;
  /** Introspect JWTs too, instead of verifying them locally (so revocation takes effect at once). Default `false`. */
  jwts?: boolean;
  /**
   * RFC 9701: ask for signed answers (`Accept: application/token-introspection+jwt`) and accept nothing else: `typ`
   * `token-introspection+jwt`, signed by one of the issuer's keys, `iss` the issuer, `aud` this client id, `iat`
   * recent. Default `false`.
   */
  signedResponses?: boolean;
  /** With `signedResponses`: how old (seconds) a signed answer's `iat` may be. Default `60`. */
  maxResponseAge?: number;
  /** Deadline of one introspection request, headers and body, in milliseconds. Default `5000`. */
  timeoutMs?: number;
  /** Largest answer read, in bytes. Default `65536`. */
  maxBytes?: number;
  /** After a failed request, how long new lookups fail at once with 503 (milliseconds). Default `1000`. */
  errorBackoffMs?: number;
  /** Answers cache (by SHA-256 of the token); `false` turns it off. Default `{ max: 10000, ttlMs: 60000 }`. */
  cache?: IntrospectionCacheOptions | false;
  /** The `fetch` to use. Default: `jwksOptions.fetch`, else the global `fetch`. */
  fetch?: typeof globalThis.fetch;
}
