import {
  type AccessToken,
  isAuthError,
  type NodeRequestLike,
  type Verifier,
  type VerifierOptions,
} from '@audguard/core';
import {
  authenticateNow,
  type GuardOptions as CoreGuardOptions,
  type GuardState,
  resolveGuard,
} from '@audguard/core/adapter';
import type { Context, Middleware, Next, ParameterizedContext } from 'koa';

declare module 'koa' {
  interface DefaultState {
    /**
     * The verified access token, set by audguard's `guard()`: `undefined` before the guard ran, or for anonymous
     * requests with `credentialsRequired: false`. Middleware typed with `AuthState` sees it as `AccessToken<Claims>`.
     */
    auth?: AccessToken | undefined;
  }
}

/** Options of {@link guard}, beside the verifier's own: the core's guard options, and who renders refusals. */
export interface GuardOptions extends CoreGuardOptions {
  /**
   * Who renders refusals. `'respond'` (default): the guard sets the RFC 6750 status, headers and JSON body from
   * `verifier.errorResponse()`. `'throw'`: it throws the `AuthError`, for a try/catch upstream. Other errors are
   * always thrown.
   */
  errors?: 'respond' | 'throw';
}

/** `ctx.state` after {@link guard} with credentials required: `ctx.state.auth` is the token. */
export interface AuthState<Claims extends object = Record<string, unknown>> {
  auth: AccessToken<Claims>;
}

/** `ctx.state` after {@link guard} with `credentialsRequired: false`: the token, or `undefined`. */
export interface OptionalAuthState<Claims extends object = Record<string, unknown>> {
  auth: AccessToken<Claims> | undefined;
}

/** @internal Where `requireScopes` finds the guard that ran on a request. */
const GUARD = Symbol.for('audguard.koa.guard');
type ErrorMode = NonNullable<GuardOptions['errors']>;
type GuardedContext = Context & { [GUARD]?: GuardState<ErrorMode> };

/**
 * Authenticates every request (RFC 6750 extraction, then the verifier's checks) and sets `ctx.state.auth`.
 * Refusals are answered with the RFC 6750 status, `WWW-Authenticate` and JSON body, unless `errors: 'throw'`.
 * Options are checked here, once: a mistake throws a `ConfigurationError`.
 *
 * @typeParam Claims - Your issuer's claims (default: any claim, `unknown`). Flows into `ctx.state.auth`.
 * @param optionsOrVerifier - Verifier options (plus {@link GuardOptions}), or a verifier from `createVerifier()` to
 *   share its key and token caches between guards.
 * @param options - Guard options, when the first argument is a verifier.
 *
 * @example
 * ```ts
 * app.use(guard({ issuer: 'https://as.example.com', audience: 'https://inventory.example.com' }));
 * router.get('/items', requireScopes('inventory:read'), (ctx) => { ctx.body = { subject: ctx.state.auth?.subject }; });
 * ```
 */
export function guard<Claims extends object = Record<string, unknown>>(
  verifier: Verifier<Claims>,
  options?: GuardOptions & { credentialsRequired?: true },
): Middleware<AuthState<Claims>>;
export function guard<Claims extends object = Record<string, unknown>>(
  options: VerifierOptions & GuardOptions & { credentialsRequired?: true },
): Middleware<AuthState<Claims>>;
export function guard<Claims extends object = Record<string, unknown>>(
  verifier: Verifier<Claims>,
  options: GuardOptions,
): Middleware<OptionalAuthState<Claims>>;
export function guard<Claims extends object = Record<string, unknown>>(
  options: VerifierOptions & GuardOptions,
): Middleware<OptionalAuthState<Claims>>;
export function guard<Claims extends object = Record<string, unknown>>(
  optionsOrVerifier: Verifier<Claims> | (VerifierOptions & GuardOptions),
  options?: GuardOptions,
): Middleware<AuthState<Claims>> | Middleware<OptionalAuthState<Claims>> {
  const state = resolveGuard<ErrorMode>(optionsOrVerifier, options, ['respond', 'throw']);
  const { verifier, authenticate } = state;
  const proceed = (
    ctx: ParameterizedContext<OptionalAuthState<Claims>>,
    token: AccessToken | undefined,
    next: Next,
  ) => {
    ctx.state.auth = token as AccessToken<Claims> | undefined;
    (ctx as unknown as GuardedContext)[GUARD] = state;
    return next();
  };
  return function audguardGuard(
    ctx: ParameterizedContext<OptionalAuthState<Claims>>,
    next: Next,
  ): Promise<void> {
    let result: AccessToken | undefined | Promise<AccessToken | undefined>;
    try {
      result = authenticateNow(verifier, nodeRequest(ctx), authenticate);
    } catch (error) {
      refuse(state, error, ctx);
      return Promise.resolve();
    }
    // Synchronous when the core needs no I/O (the common case): one promise fewer per request.
    if (result instanceof Promise) {
      return result.then(
        (token) => proceed(ctx, token, next),
        (error: unknown) => refuse(state, error, ctx),
      );
    }
    return proceed(ctx, result, next);
  };
}

/** @internal The guard that ran on `ctx`, if any. */
export function guardOf(ctx: ParameterizedContext): GuardState<ErrorMode> | undefined {
  return (ctx as GuardedContext)[GUARD];
}

/** @internal Answers an `AuthError` (or throws it, with `errors: 'throw'`); anything else is thrown untouched. */
export function refuse(state: GuardState<ErrorMode>, error: unknown, ctx: ParameterizedContext): void {
  if (state.errors === 'throw' || !isAuthError(error)) throw error;
  const { status, headers, body } = state.verifier.errorResponse(error);
  ctx.status = status;
  ctx.set(headers);
  ctx.body = body;
}

/**
 * What the core reads: Koa's Node request, plus the body a body parser left on `ctx.request`, and the URL the client
 * asked for when a mount (koa-mount) rewrote `req.url` (a DPoP proof names the original).
 */
function nodeRequest(ctx: ParameterizedContext): NodeRequestLike {
  const req = ctx.req;
  const body = (ctx.request as { body?: unknown }).body;
  const rewritten = ctx.originalUrl !== req.url;
  // Without a parsed body or a mount, the Node request already is what the core reads: nothing to allocate.
  if (body === undefined && !rewritten) return req;
  return {
    method: req.method,
    url: req.url,
    ...(rewritten ? { originalUrl: ctx.originalUrl } : {}),
    rawHeaders: req.rawHeaders,
    headers: req.headers,
    ...(body === undefined ? {} : { body }),
  };
}
