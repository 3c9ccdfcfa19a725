import type { JwsAlgorithm, ReplayCache } from '@audguard/core';
import type { JWK } from 'jose';
import type { ClientIdMetadataDocumentOptions, ClientRegistrationOptions } from './client-options.js';
import type { KeyStore } from './key-store.js';
import type { Store } from './store.js';

/** The JWS algorithms access tokens can be signed with. */
export type SigningAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

/**
 * How the access tokens of a resource are written: `'jwt'`, an RFC 9068 JWT the API verifies itself, or
 * `'reference'`, an opaque random string (256 bits) whose claims stay in the store, so the API must ask
 * `<issuer>/introspect` (RFC 7662) — what Duende calls reference tokens.
 */
export type AccessTokenFormat = 'jwt' | 'reference';

/** The grant types a client may use at the token endpoint. */
export type GrantType = 'authorization_code' | 'client_credentials' | 'refresh_token';

/**
 * A protected resource (an API) and the scopes it understands (RFC 8707).
 * @example
 * ```ts
 * { id: 'urn:invoices', name: 'Invoices', scopes: ['read', 'write'] }
 * ```
 */
export interface ResourceConfig {
  /**
   * The resource indicator: an absolute URI without a fragment (`https://api.example.com`, `urn:invoices`). It
   * becomes the tokens' `aud` and is compared with the `resource` parameter exactly, code point by code point, so
   * `https://api.example.com` and `https://api.example.com/` are two different resources.
   */
  id: string;
  /** Shown on the consent page. Default is the `id`. */
  name?: string;
  /** The scopes this resource owns. A scope may belong to several resources. At least one. */
  scopes: readonly string[];
  /**
   * When `true`, the resource goes into a token's `aud` only when the client names it with `resource`; asking for
   * one of its scopes is not enough (Duende's `RequireResourceIndicator`). Default is `false`.
   */
  requireResourceIndicator?: boolean;
  /**
   * The clients that speak for this resource at `<issuer>/introspect` (RFC 7662): the API's own credentials, as it
   * sends them with the core's `introspection` option. Each must be a configured confidential client (with a
   * `clientSecret`); one that only introspects may have `grantTypes: []` and `scopes: []`. Such a client is shown a
   * token only when this resource is in the token's `aud`; for every other token it gets `{"active": false}`.
   * Default is `[]`: nobody may introspect this resource's tokens.
   */
  introspectionClients?: readonly string[];
  /**
   * How access tokens for this resource are written (see {@link AccessTokenFormat}). A token whose audience names
   * a `'reference'` resource is a reference token, whatever the other resources in its audience want: give such a
   * resource `requireResourceIndicator: true` to keep it in tokens of its own. `'reference'` needs
   * `introspectionClients` (no API could read its tokens otherwise). Default is `'jwt'`.
   */
  accessTokenFormat?: AccessTokenFormat;
}

/**
 * A registered client. A client without `clientSecret` or `jwks` is public: it authenticates with `client_id` alone,
 * may not use `client_credentials`, and like every client must use PKCE.
 */
export interface ClientConfig {
  /** The `client_id`. */
  clientId: string;
  /** The secret for `client_secret_basic` / `client_secret_post`. Default: none (a public client). */
  clientSecret?: string;
  /**
   * Public keys (a JWK Set of one to ten keys, no private members) for `private_key_jwt` (RFC 7523): the client
   * authenticates with an assertion signed by one of them (asymmetric algorithms only), `iss` = `sub` = its
   * `clientId`, `aud` this issuer or the endpoint, `exp` at most 300 s ahead, a `jti` used once — and never with a
   * secret. Give `clientSecret` or `jwks`, not both. Default: none.
   */
  jwks?: { readonly keys: readonly JWK[] };
  /** Shown on the consent page. Default is the `clientId`. */
  name?: string;
  /**
   * The grant types the client may use. `refresh_token` lets it ask for `offline_access` at `/authorize` and needs
   * `authorization_code`. At least one — unless the client only introspects (a resource's `introspectionClients`
   * names it): then `[]` is allowed, with `scopes: []`.
   */
  grantTypes: readonly GrantType[];
  /** Redirect URIs, compared exactly. Required with `authorization_code`. Default is `[]`. */
  redirectUris?: readonly string[];
  /**
   * The resource scopes the client may ask for; also its default scope when a request names none. Each must belong
   * to a resource the client may target. `offline_access` is governed by `grantTypes`: a client with
   * `refresh_token` may ask for it whether or not it is listed here; listing it (as Duende and oidc-provider
   * configurations do) is accepted for such a client and changes nothing, and refused for a client without
   * `refresh_token`. At least one resource scope, unless the client has no grant types (it only introspects).
   */
  scopes: readonly string[];
  /** The resource ids the client may target. Default: every resource. */
  resources?: readonly string[];
}

/** A user who can log in on the consent page. Give exactly one of `password` and `passwordHash`. */
export interface UserConfig {
  /** What the user types as username. */
  username: string;
  /**
   * What the user types as password. It is hashed with scrypt when the server is created and only the hash is kept;
   * a typed password is hashed the same way and compared in constant time. Default: none (give `passwordHash`).
   */
  password?: string;
  /**
   * The password already hashed, so the configuration need not hold it: a PHC scrypt string,
   * `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>` (unpadded standard base64), as `hashPassword()` writes.
   * Default: none (give `password`).
   */
  passwordHash?: string;
  /** The tokens' `sub`. Default is the `username`. */
  subject?: string;
}

/**
 * How many guesses the server lets through (issue 15, finding 2). Failures are counted in the store, in fixed
 * windows of `windowSeconds` aligned to the clock; a username, client or client id that reaches its limit is locked
 * until its window ends (429 with `Retry-After`), even for the right password or secret. Each attempt is counted
 * before the password or secret is checked, and a success gives its attempt back, so concurrent guesses cannot slip
 * past a limit. The defaults are the values of `DEFAULTS.attemptLimits`.
 */
export interface AttemptLimits {
  /**
   * Password attempts one login page allows: each wrong password shows the page again, and the last wrong one ends
   * the pending request (`access_denied` to the client). Default is 5.
   */
  perInteraction?: number;
  /** Failed sign-ins per username (known or not) per window; then the username is locked. Default is 5. */
  perUser?: number;
  /**
   * Failed sign-ins through one client's login pages per window, whatever the usernames (password spraying); then
   * sign-in through that client is locked. Default is 100.
   */
  perClient?: number;
  /**
   * Failed client authentications (a wrong or missing secret) per registered confidential client per window, at
   * `/token` and `/revoke` together; then the client gets 429 `invalid_client`. Unknown client ids and public
   * clients are not counted (nothing to guess, nothing stored). Default is 20.
   */
  clientAuthentication?: number;
  /** The window, in seconds. Default is 900 (15 minutes). */
  windowSeconds?: number;
}

/**
 * DPoP at the token endpoint (RFC 9449), in full; `dpop: true` is `{}`. Proofs are checked by the resource server's
 * own check (`createDpopProofCheck` of `@audguard/core/protocol`). The defaults of `maxAge`, `clockTolerance` and
 * `required` are values of `DEFAULTS.dpop`.
 */
export interface DpopConfig {
  /**
   * The algorithms accepted for proofs, advertised as `dpop_signing_alg_values_supported`. Asymmetric only.
   * Default: every asymmetric algorithm `@audguard/core` supports (`ASYMMETRIC_ALGORITHMS`).
   */
  algorithms?: readonly JwsAlgorithm[];
  /** Seconds a proof is accepted after its `iat`. Default is 60. */
  maxAge?: number;
  /** Seconds a proof's `iat` may lie in the future (also added to `maxAge`). Default is 5. */
  clockTolerance?: number;
  /**
   * Where each proof's `jti` is recorded, atomically, until the proof expires, so a proof is accepted once. Several
   * instances behind one issuer must share one, e.g. `createRedisReplayCache` from `@audguard/redis`. Default: a new
   * `MemoryReplayCache` per server (one process).
   */
  replayCache?: ReplayCache;
  /**
   * Server nonces (RFC 9449 §8): a token request's proof must carry a recent nonce, else 400 `use_dpop_nonce` with
   * the nonce in `DPoP-Nonce`; every token response also carries the current one. Stateless (an HMAC of the time
   * step under `secret`, at least 32 bytes): instances sharing the secret agree with no shared state. A nonce lives
   * one to two `stepSeconds` (default 60). Default: none.
   */
  nonce?: { secret: string | Uint8Array; stepSeconds?: number };
  /**
   * Refuse token requests without a DPoP proof (400 `invalid_dpop_proof`): every token this server issues is then
   * DPoP-bound. Default is `false`: a request without a proof gets a Bearer token, as without `dpop`.
   */
  required?: boolean;
}

/**
 * Configuration of {@link createAuthorizationServer}. It is checked once, at start; a mistake throws a
 * {@link ConfigurationError} naming the field, and an unknown option name (here or in a nested entry) is refused,
 * naming the closest known one. The defaults below are the values of {@link DEFAULTS}.
 */
export interface AuthorizationServerConfig {
  /**
   * The issuer identifier: an absolute `https:` (or `http:`, for local use) URL with no query and no fragment. It is
   * the tokens' `iss`; endpoints live under it (`<issuer>/token`) and the RFC 8414 metadata at
   * `/.well-known/oauth-authorization-server` followed by the issuer's path.
   *
   * Default: none — but it may be left out when the port is not known in advance (tests): the first
   * {@link AuthorizationServer.listen} call then sets it to the listening URL (e.g. `http://127.0.0.1:54321`). Until
   * then the server answers 503.
   */
  issuer?: string;
  /** The protected resources. At least one. */
  resources: readonly ResourceConfig[];
  /**
   * The configured clients. At least one, unless `clientIdMetadataDocuments` or `clientRegistration` lets clients
   * describe themselves. Default: none.
   */
  clients?: readonly ClientConfig[];
  /**
   * Accept clients identified by a Client ID Metadata Document: a `client_id` that is an https URL is fetched and
   * its JSON describes the client (redirect URIs, name, `none` or `private_key_jwt` authentication). `true` uses
   * every default of {@link ClientIdMetadataDocumentOptions}; advertised as `client_id_metadata_document_supported`.
   * Default is `false`.
   */
  clientIdMetadataDocuments?: boolean | ClientIdMetadataDocumentOptions;
  /**
   * Accept dynamic client registration (RFC 7591) at `<issuer>/register`, advertised as `registration_endpoint`.
   * `true` uses every default of {@link ClientRegistrationOptions}. Default is `false`.
   */
  clientRegistration?: boolean | ClientRegistrationOptions;
  /** Users for the login form. Default is `[]`. */
  users?: readonly UserConfig[];
  /**
   * Skips the login and consent page and approves every valid authorization request as a user: a `sub` string, or
   * `true` for the first of `users`. For tests and demos only. Default is `false`.
   */
  autoApprove?: boolean | string;
  /** Access-token lifetime in seconds. Default is 300 (5 minutes). */
  accessTokenLifetime?: number;
  /**
   * Refresh-token lifetime in seconds. It is sliding: each rotation issues a token with a fresh lifetime. Default is
   * 1209600 (14 days).
   */
  refreshTokenLifetime?: number;
  /** Authorization-code lifetime in seconds. Default is 60. */
  authorizationCodeLifetime?: number;
  /**
   * How long the login and consent page stays valid, in seconds: from `GET /authorize` until its form is posted,
   * however often a wrong password shows it again. Default is 600 (10 minutes).
   */
  interactionLifetime?: number;
  /**
   * The key that signs the pending request each login and consent form carries (HMAC-SHA256; nothing is stored
   * until the form is posted): a string or bytes, at least 32 bytes (a string counts its UTF-8 bytes). Keep it as
   * secret as a signing key. Several instances serving one issuer must share it, and a store, so that a form one of
   * them shows is accepted by another.
   *
   * Default: 32 random bytes drawn when the server is created, so its forms are accepted by this server only and die
   * with the process.
   */
  interactionSecret?: string | Uint8Array;
  /** How many password and client-secret guesses are let through: see {@link AttemptLimits} for each default. */
  attemptLimits?: AttemptLimits;
  /** The access tokens' signature algorithm. Default is `'RS256'`. */
  signingAlgorithm?: SigningAlgorithm;
  /**
   * Where codes, grants and refresh tokens are kept. Several instances behind one issuer must share one (e.g.
   * `createRedisStore` from `@audguard/redis`). A store call that fails is answered 503 `temporarily_unavailable`
   * with `Retry-After`. Default is a new {@link MemoryStore} using `now`.
   */
  store?: Store;
  /**
   * Where the signing keys are kept. Several instances behind one issuer must share one, so they sign with the same
   * key and publish the same JWKS, and so a restart keeps the keys (tokens issued before it still verify): e.g.
   * `createRedisKeyStore` from `@audguard/redis`, which encrypts the private keys at rest. It is read before every
   * token signed and every JWKS served; a call that fails is answered 503. Default is a new {@link MemoryKeyStore}:
   * keys live and die with the process.
   */
  keyStore?: KeyStore;
  /**
   * DPoP (RFC 9449) at `/token`: a request with a valid `DPoP` proof gets an access token bound to the proof's key
   * (`cnf.jkt`, `token_type: "DPoP"`); `dpop_jkt` at `/authorize` binds the code to a key; a public client's
   * refresh tokens are bound to its key. `true` uses every default of {@link DpopConfig}; advertised as
   * `dpop_signing_alg_values_supported`. Default is `false`: the `DPoP` header is ignored and tokens are Bearer.
   */
  dpop?: boolean | DpopConfig;
  /** The clock, in milliseconds since the epoch (tests can move time). Default is `Date.now`. */
  now?: () => number;
}
