/** The verifier's public surface (what `createVerifier` returns) and the brand adapters reach it by. */
import type { ScopeMatch } from './checks/scopes.js';
import type { AuthError } from './errors.js';
import type { AuthenticateRequest } from './extract.js';
import type { Maybe } from './lib/maybe.js';
import type { AuthErrorResponse } from './render.js';
import type { AccessToken } from './types.js';

/** Per-call options for {@link Verifier.verify}. */
export interface VerifyOptions {
  /** Scopes the request needs. Missing ones → 403 `insufficient_scope` naming them. Default: none. */
  scopes?: readonly string[];
  /** `'all'` (default): every listed scope; `'any'`: at least one. */
  scopeMatch?: ScopeMatch;
  /**
   * This API's identifier(s) for this call, instead of the issuer's or the verifier's `audience` (a resource per
   * tenant, say). Required with `verify()` when the verifier's `audience` is a function of the request.
   */
  audience?: string | readonly string[];
}

/** Per-call options for {@link Verifier.authenticate}. */
export interface AuthenticateOptions extends VerifyOptions {
  /**
   * `true` (default): a request without credentials is refused (401, no `error` attribute). `false`: it resolves to
   * `undefined` — a presented-but-bad token is still refused.
   */
  credentialsRequired?: boolean;
}

/** The verifier: every security decision audguard makes lives behind these methods. */
export interface Verifier<Claims extends object = Record<string, unknown>> {
  /**
   * Verifies a compact JWT access token (or, with `introspection`, an opaque one); resolves to the token or rejects
   * with an {@link AuthError}.
   */
  verify(token: string, options?: VerifyOptions): Promise<AccessToken<Claims>>;
  /** Extracts the token from a request (RFC 6750 §2) and verifies it. */
  authenticate(
    request: AuthenticateRequest,
    options: AuthenticateOptions & { credentialsRequired: false },
  ): Promise<AccessToken<Claims> | undefined>;
  authenticate(request: AuthenticateRequest, options?: AuthenticateOptions): Promise<AccessToken<Claims>>;
  /**
   * Throws 403 `insufficient_scope` unless `token` carries the scopes (or 401 with no `error` when there is no
   * token at all). What adapters' `requireScopes` call.
   */
  checkScopes(token: AccessToken<Claims> | undefined, scopes: readonly string[], match?: ScopeMatch): void;
  /** Renders an error with this verifier's `realm` and `resource_metadata`. */
  errorResponse(error: AuthError): AuthErrorResponse;
  /** The audiences this verifier accepts, across issuers (for metadata documents). */
  readonly audiences: readonly string[];
}

/** @internal The brand of a verifier, and what `@audguard/core/adapter` reaches through it. */
export const VERIFIER = Symbol.for('audguard.verifier');

/** @internal What adapters need beyond the public interface. */
export interface VerifierInternals {
  authenticateNow(
    request: AuthenticateRequest,
    options: AuthenticateOptions,
  ): Maybe<AccessToken<object> | undefined>;
  /** `checkScopes` for a request: the challenge names `needed`, and the decision is published with the request. */
  authorize(
    token: unknown,
    required: readonly string[],
    match: ScopeMatch | undefined,
    needed: readonly string[],
    request: AuthenticateRequest | undefined,
  ): void;
}

/** What one call brings: the request (from `authenticate`) and a per-call audience. */
/** @internal */
export interface CallContext {
  readonly request: AuthenticateRequest | undefined;
  readonly audience: readonly string[] | undefined;
}
