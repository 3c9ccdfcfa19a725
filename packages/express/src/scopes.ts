import type { ScopeMatch } from '@audguard/core';
import { authorizeScopes, checkScopeList, notMounted } from '@audguard/core/adapter';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { guardOf, refuse } from './guard.js';

/**
 * Requires every one of `scopes` on this route: otherwise 403 `insufficient_scope` with `scope="…"` naming them
 * (401 when an anonymous request got this far). Mount {@link guard} first; without it this throws a
 * `ConfigurationError` at request time.
 *
 * @example
 * ```ts
 * app.post('/orders', requireScopes('orders:write'), createOrder);
 * ```
 */
export function requireScopes(...scopes: string[]): RequestHandler {
  const required = checkScopeList(scopes, 'requireScopes()');
  return function audguardRequireScopes(req: Request, res: Response, next: NextFunction): void {
    enforce(req, res, next, required, 'all', 'requireScopes()');
  };
}

/**
 * Requires at least one of `scopes` on this route: otherwise 403 `insufficient_scope` with `scope="…"` naming them.
 * Mount {@link guard} first.
 *
 * @example
 * ```ts
 * app.get('/orders', requireAnyScope('orders:read', 'orders:admin'), listOrders);
 * ```
 */
export function requireAnyScope(...scopes: string[]): RequestHandler {
  const required = checkScopeList(scopes, 'requireAnyScope()');
  return function audguardRequireAnyScope(req: Request, res: Response, next: NextFunction): void {
    enforce(req, res, next, required, 'any', 'requireAnyScope()');
  };
}

function enforce(
  req: Request,
  res: Response,
  next: NextFunction,
  required: readonly string[],
  match: ScopeMatch,
  name: string,
): void {
  const state = guardOf(req);
  if (state === undefined) throw notMounted(name);
  try {
    authorizeScopes(state, req.auth, required, match, req);
  } catch (error) {
    refuse(state, error, res, next);
    return;
  }
  next();
}
