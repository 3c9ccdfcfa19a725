import type { AuthorizationServerConfig, SigningAlgorithm, UserConfig } from './config.js';

/**
 * The defaults of {@link AuthorizationServerConfig}, each stated here once: the server applies them and
 * `@audguard/testing` reads them, so nobody restates a number that could drift.
 *
 * Fields without a value here: `issuer` (none: set by the first `listen()`), `store` (a new `MemoryStore` per server,
 * on the server's clock), `keyStore` (a new `MemoryKeyStore` per server), `interactionSecret` (32 random bytes per
 * server), `now` (`Date.now`), and `clients` (none). `clientIdMetadataDocuments`, `clientRegistration` and `dpop` are off
 * (`false`); the values below are what `true` (or an options object leaving a field out) means.
 */
export const DEFAULTS = Object.freeze({
  /**
   * Access-token lifetime, seconds: 5 minutes. Short, because resource servers cannot see a revocation (they verify
   * the JWT alone); it also bounds how long a retired signing key stays in the JWKS.
   */
  accessTokenLifetime: 300,
  /** Refresh-token lifetime, seconds: 14 days, sliding (each rotation issues a token with a fresh lifetime). */
  refreshTokenLifetime: 1_209_600,
  /** Authorization-code lifetime, seconds: 1 minute, well inside the 10-minute maximum of RFC 6749 §4.1.2. */
  authorizationCodeLifetime: 60,
  /** How long the login and consent page stays valid, seconds: 10 minutes, however often it is shown again. */
  interactionLifetime: 600,
  /** The access tokens' JWS algorithm: RS256, which RFC 9068 §2.1 requires every resource server to support. */
  signingAlgorithm: 'RS256' as SigningAlgorithm,
  /** No automatic approval: users log in and consent on the page. */
  autoApprove: false as boolean | string,
  /** No users. */
  users: Object.freeze([]) as readonly UserConfig[],
  /**
   * Guessing limits (see `AttemptLimits`): 5 password attempts per login page; per 15-minute window, 5 failed
   * sign-ins per username, 100 per client, and 20 failed client authentications per client id.
   */
  attemptLimits: Object.freeze({
    perInteraction: 5,
    perUser: 5,
    perClient: 100,
    clientAuthentication: 20,
    windowSeconds: 900,
  }),
  /**
   * Client ID Metadata Documents, when turned on: no loopback, the built-in fetch, a 5-second deadline, at most
   * 5120 bytes (the draft's 5 KB), cached between 1 minute and 1 day as `Cache-Control` says. `resources` and
   * `scopes` left out mean every resource and every scope of them.
   */
  clientIdMetadataDocuments: Object.freeze({
    allowLoopback: false,
    timeoutMs: 5000,
    maxBytes: 5120,
    minCacheSeconds: 60,
    maxCacheSeconds: 86_400,
  }),
  /**
   * Dynamic client registration, when turned on: registrations live 30 days, list at most 10 redirect URIs in at
   * most 16 KiB; per hour, 10 per client address and 1000 in all; `application_type` is `web` unless sent.
   */
  clientRegistration: Object.freeze({
    lifetime: 2_592_000,
    maxRedirectUris: 10,
    maxBodyBytes: 16_384,
    perAddress: 10,
    total: 1000,
    windowSeconds: 3600,
    defaultApplicationType: 'web' as 'web' | 'native',
  }),
  /**
   * DPoP, when turned on: proofs accepted for 60 seconds after their `iat`, with 5 seconds of clock skew; a token
   * request without a proof still gets a Bearer token. `algorithms` left out means every asymmetric algorithm of
   * `@audguard/core`; no server nonces unless `nonce` is set (then 60-second steps).
   */
  dpop: Object.freeze({ maxAge: 60, clockTolerance: 5, required: false }),
});
