/**
 * @audguard/koa — the Koa 3 adapter of `@audguard/core`: `guard()` sets `ctx.state.auth`, `requireScopes()` and
 * `requireAnyScope()` guard routes, `protectedResource()` serves the RFC 9728 metadata document.
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
export { type AuthState, type GuardOptions, guard, type OptionalAuthState } from './guard.js';
export { protectedResource } from './protected-resource.js';
export { requireAnyScope, requireScopes } from './scopes.js';
