/**
 * @audguard/core — accept only the access tokens minted for this API.
 *
 * What an API developer uses. Adapter authors find their helpers in `@audguard/core/adapter`; protocol building
 * blocks shared by audguard's packages are in `@audguard/core/protocol`.
 *
 * @packageDocumentation
 */
export type { TokenTypePolicy } from './checks/header.js';
export {
  AUTH_ERROR_REASONS,
  AuthError,
  type AuthErrorCode,
  type AuthErrorOptions,
  type AuthErrorReason,
  type AuthScheme,
  ConfigurationError,
  isAuthError,
} from './errors.js';
export {
  type AuthenticateRequest,
  type BearerMethods,
  extractBearerToken,
  type NodeRequestLike,
} from './extract.js';
export { ASYMMETRIC_ALGORITHMS, type CryptoBackend, SUPPORTED_ALGORITHMS } from './lib/crypto.js';
export type { DecisionEvent, KeysEvent, WarningCode } from './lib/diagnostics.js';
export {
  type ProtectedResourceMetadata,
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadata,
  protectedResourceMetadataPath,
  protectedResourceMetadataUrl,
} from './metadata.js';
export type {
  AudienceResolver,
  CacheOptions,
  DpopMode,
  DpopNonceOptions,
  DpopOptions,
  IntrospectionAuthMethod,
  IntrospectionCacheOptions,
  IntrospectionOptions,
  IssuerCacheOptions,
  IssuerOptions,
  IssuerResolution,
  IssuerResolver,
  JwksOptions,
  TokenValidator,
  VerifierOptions,
} from './options.js';
export { type AuthErrorResponse, type ChallengeOptions, renderAuthError } from './render.js';
export { MemoryReplayCache, type MemoryReplayCacheOptions, type ReplayCache } from './replay-cache.js';
export type { AccessToken, JsonWebKey, JsonWebKeySet, JwsAlgorithm, JwsHeader, JwtClaims } from './types.js';
export {
  type AuthenticateOptions,
  createVerifier,
  type ScopeMatch,
  type Verifier,
  type VerifyOptions,
} from './verifier.js';
