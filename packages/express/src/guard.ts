import { type AccessToken, isAuthError, type Verifier, type VerifierOptions } from '@audguard/core';
import {
  authenticateNow,
  type GuardOptions as CoreGuardOptions,
  type GuardState,
  resolveGuard,
} from '@audguard/core/adapter';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

declare global {
  namespace Express {
    interface Request {
      /**
       * The verified access token, set by audguard's `guard()`. `undefined` before the guard ran, and for anonymous
       * requests when the guard has `credentialsRequired: false`. For typed claims, see `AuthenticatedRequest`.
       */
      auth?: AccessToken | undefined;
    }
  }
}

/** Options of {@link guard}, beside the verifier's own: the core's guard options, and who renders refusals. */
export interface GuardOptions extends CoreGuardOptions {
  /**
   * Who renders refusals. `'respond'` (default): the guard answers with the RFC 6750 response from
   * `verifier.errorResponse()`. `'next'`: the `AuthError` goes to `next(err)`, for your error middleware. Other
   * errors always go to `next(err)`.
   */
  errors?: 'respond' | 'next';
}

/**
 * A request that went through {@link guard} with credentials required: `req.auth` is set, with your claims' type.
 *
 * @example
 * ```ts
 * app.get('/me', (req, res) => {
 *   const { auth } = req as AuthenticatedRequest<{ tenant: string }>;
 *   res.json({ tenant: auth.claims.tenant });
 * });
 * ```
 */
export type AuthenticatedRequest<Claims extends object = Record<string, unknown>> = Request & {
  auth: AccessToken<Claims>;
};

type ErrorMode = NonNullable<GuardOptions['errors']>;

/**
 * The guard that ran on each request, for `requireScopes`. One map for every copy of this module in the process
 * (an app may end up with two after a dependency upgrade), so a guard from one copy is found by the other's
 * `requireScopes`. Keyed weakly: an entry goes with its request.
 */
const GUARDS_KEY = Symbol.for('audguard.express.guards');
const registry = globalThis as { [GUARDS_KEY]?: WeakMap<object, GuardState<ErrorMode>> };
registry[GUARDS_KEY] ??= new WeakMap();
const guards: WeakMap<object, GuardState<ErrorMode>> = registry[GUARDS_KEY];

/**
 * Authenticates every request (RFC 6750 extraction, then the verifier's checks) and sets `req.auth`. Refusals are
 * answered with the RFC 6750 status, `WWW-Authenticate` and JSON body, unless `errors: 'next'`. Options are checked
 * here, once: a mistake throws a `ConfigurationError`.
 *
 * @typeParam Claims - Your issuer's claims (default: any claim, `unknown`). Type `req.auth` in handlers with `AuthenticatedRequest<Claims>`.
 * @param optionsOrVerifier - Verifier options (plus {@link GuardOptions}), or a verifier from `createVerifier()` to
 *   share its key and token caches between guards.
 * @param options - Guard options, when the first argument is a verifier.
 *
 * @example
 * ```ts
 * app.use(guard({ issuer: 'https://as.example.com', audience: 'https://orders.example.com' }));
 * app.get('/orders', requireScopes('orders:read'), (req, res) => res.json({ subject: req.auth?.subject }));
 * ```
 */
export function guard<Claims extends object = Record<string, unknown>>(
  optionsOrVerifier: Verifier<Claims> | (VerifierOptions & GuardOptions),
  options?: GuardOptions,
): RequestHandler {
  const state = resolveGuard<ErrorMode>(optionsOrVerifier, options, ['respond', 'next']);
  const { verifier, authenticate } = state;
  const accept = (req: Request, token: AccessToken | undefined, next: NextFunction) => {
    req.auth = token;
    guards.set(req, state);
    next();
  };
  return function audguardGuard(req: Request, res: Response, next: NextFunction): void {
    let result: AccessToken | undefined | Promise<AccessToken | undefined>;
    try {
      // Express's request already is what the core reads (method, url, rawHeaders, headers, body).
      result = authenticateNow(verifier, req, authenticate);
    } catch (error) {
      refuse(state, error, res, next);
      return;
    }
    // Synchronous when the core needs no I/O (the common case): no promise, no microtask per request.
    if (result instanceof Promise) {
      result.then(
        (token) => accept(req, token, next),
        (error: unknown) => refuse(state, error, res, next),
      );
    } else {
      accept(req, result, next);
    }
  };
}

/** @internal The guard that ran on `req`, if any. */
export function guardOf(req: Request): GuardState<ErrorMode> | undefined {
  return guards.get(req);
}

/** @internal Answers an `AuthError` (or hands it to `next`); anything else goes to `next` untouched. */
export function refuse(
  state: GuardState<ErrorMode>,
  error: unknown,
  res: Response,
  next: NextFunction,
): void {
  if (state.errors === 'next' || !isAuthError(error)) {
    next(error);
    return;
  }
  const { status, headers, body } = state.verifier.errorResponse(error);
  res.status(status).set(headers).json(body);
}
