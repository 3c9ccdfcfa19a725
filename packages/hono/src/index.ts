/**
 * @audguard/hono — the Hono 4 adapter of `@audguard/core`, on Node, Workers, Bun and Deno: `guard()` sets
 * `c.get('auth')`, `requireScopes()` and `requireAnyScope()` guard routes, `protectedResource()` serves the RFC 9728
 * metadata document. Web APIs only; no Node import.
 *
 * @packageDocumentation
 */
export {
  type AccessToken,
  AuthError,
  type AuthErrorResponse,
  createVerifier,
  type DecisionEvent,
  isAuthError,
  type KeysEvent,
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadataUrl,
  type Verifier,
  type VerifierOptions,
  type WarningCode,
} from '@audguard/core';
export { type AuthEnv, type GuardOptions, guard, type OptionalAuthEnv } from './guard.js';
export { protectedResource } from './protected-resource.js';
export { requireAnyScope, requireScopes } from './scopes.js';
