import { type AccessToken, isAuthError, type Verifier, type VerifierOptions } from '@audguard/core';
import {
  authenticateNow,
  type GuardOptions as CoreGuardOptions,
  type GuardState,
  resolveGuard,
} from '@audguard/core/adapter';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

declare module 'hono' {
  interface ContextVariableMap {
    /**
     * The verified access token, set by audguard's `guard()`: `undefined` where no guard ran, or for anonymous
     * requests with `credentialsRequired: false`. Routes chained after `guard()` (or typed with `AuthEnv`) see it
     * as `AccessToken<Claims>`.
     */
    auth: AccessToken | undefined;
  }
}

/**
 * Options of {@link guard}, beside the verifier's own (the core's guard options). Refusals are thrown as an
 * `HTTPException`; take over rendering with `app.onError`.
 */
export type GuardOptions = CoreGuardOptions;

/** The Hono environment after {@link guard} with credentials required: `c.get('auth')` is the token. */
export interface AuthEnv<Claims extends object = Record<string, unknown>> {
  Variables: { auth: AccessToken<Claims> };
}

/** The Hono environment after {@link guard} with `credentialsRequired: false`: the token, or `undefined`. */
export interface OptionalAuthEnv<Claims extends object = Record<string, unknown>> {
  Variables: { auth: AccessToken<Claims> | undefined };
}

/** @internal Where `requireScopes` finds the guard that ran on a request. */
const GUARD = Symbol.for('audguard.hono.guard');
type GuardedContext = Context & { [GUARD]?: GuardState };

/**
 * Authenticates every request (RFC 6750 extraction, then the verifier's checks) and sets `c.get('auth')`. A refusal
 * is thrown as an `HTTPException` whose response is the RFC 6750 one (status, `WWW-Authenticate`, JSON body) and
 * whose `cause` is the `AuthError`: Hono's default error handler sends it as is, and `app.onError` can take over.
 * Other errors are thrown untouched. Options are checked here, once: a mistake throws a `ConfigurationError`.
 *
 * @typeParam Claims - Your issuer's claims (default: any claim, `unknown`). Flows into `c.get('auth')`.
 * @param optionsOrVerifier - Verifier options (plus {@link GuardOptions}), or a verifier from `createVerifier()` to
 *   share its key and token caches between guards.
 * @param options - Guard options, when the first argument is a verifier.
 *
 * @example
 * ```ts
 * const app = new Hono().use(guard({ issuer: 'https://as.example.com', audience: 'https://invoices.example.com' }));
 * app.get('/invoices', requireScopes('invoices:read'), (c) => c.json({ subject: c.get('auth').subject }));
 * ```
 */
export function guard<Claims extends object = Record<string, unknown>>(
  verifier: Verifier<Claims>,
  options?: GuardOptions & { credentialsRequired?: true },
): MiddlewareHandler<AuthEnv<Claims>>;
export function guard<Claims extends object = Record<string, unknown>>(
  options: VerifierOptions & GuardOptions & { credentialsRequired?: true },
): MiddlewareHandler<AuthEnv<Claims>>;
export function guard<Claims extends object = Record<string, unknown>>(
  verifier: Verifier<Claims>,
  options: GuardOptions,
): MiddlewareHandler<OptionalAuthEnv<Claims>>;
export function guard<Claims extends object = Record<string, unknown>>(
  options: VerifierOptions & GuardOptions,
): MiddlewareHandler<OptionalAuthEnv<Claims>>;
export function guard<Claims extends object = Record<string, unknown>>(
  optionsOrVerifier: Verifier<Claims> | (VerifierOptions & GuardOptions),
  options?: GuardOptions,
): MiddlewareHandler<AuthEnv<Claims>> | MiddlewareHandler<OptionalAuthEnv<Claims>> {
  const state = resolveGuard(optionsOrVerifier, options);
  const { verifier, authenticate } = state;
  const proceed = (c: Context<OptionalAuthEnv<Claims>>, token: AccessToken | undefined, next: Next) => {
    c.set('auth', token as AccessToken<Claims> | undefined);
    (c as unknown as GuardedContext)[GUARD] = state;
    return next();
  };
  return function audguardGuard(c: Context<OptionalAuthEnv<Claims>>, next: Next): Promise<void> {
    let result: AccessToken | undefined | Promise<AccessToken | undefined>;
    try {
      result = authenticateNow(verifier, c.req.raw, authenticate);
    } catch (error) {
      throw refusal(state, error);
    }
    // Synchronous when the core needs no I/O (the common case): one promise fewer per request.
    if (result instanceof Promise) {
      return result.then(
        (token) => proceed(c, token, next),
        (error: unknown) => {
          throw refusal(state, error);
        },
      );
    }
    return proceed(c, result, next);
  };
}

/** @internal The guard that ran on `c`, if any. */
export function guardOf(c: Context): GuardState | undefined {
  return (c as GuardedContext)[GUARD];
}

/** @internal What to throw for `error`: an `AuthError` becomes an `HTTPException` carrying its RFC 6750 response. */
export function refusal(state: GuardState, error: unknown): unknown {
  if (!isAuthError(error)) return error;
  const { status, headers, body } = state.verifier.errorResponse(error);
  const res = new Response(JSON.stringify(body), { status, headers });
  return new HTTPException(status as ContentfulStatusCode, { res, message: error.description, cause: error });
}
