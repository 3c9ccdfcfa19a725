import type { ScopeMatch } from '@audguard/core';
import { authorizeScopes, checkScopeList, notMounted } from '@audguard/core/adapter';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { type AuthEnv, guardOf, refusal } from './guard.js';

/**
 * Requires every one of `scopes` on this route: otherwise 403 `insufficient_scope` with `scope="…"` naming them
 * (401 when an anonymous request got this far), thrown as an `HTTPException` like the guard's refusals. Handlers
 * after it see `c.get('auth')` as set. Mount {@link guard} first; without it this throws a `ConfigurationError` at
 * request time.
 *
 * @example
 * ```ts
 * app.post('/invoices', requireScopes('invoices:write'), createInvoice);
 * ```
 */
export function requireScopes(...scopes: string[]): MiddlewareHandler<AuthEnv> {
  const required = checkScopeList(scopes, 'requireScopes()');
  return async function audguardRequireScopes(c: Context<AuthEnv>, next: Next): Promise<void> {
    enforce(c, required, 'all', 'requireScopes()');
    await next();
  };
}

/**
 * Requires at least one of `scopes` on this route: otherwise 403 `insufficient_scope` with `scope="…"` naming them.
 * Mount {@link guard} first.
 *
 * @example
 * ```ts
 * app.get('/invoices', requireAnyScope('invoices:read', 'invoices:admin'), listInvoices);
 * ```
 */
export function requireAnyScope(...scopes: string[]): MiddlewareHandler<AuthEnv> {
  const required = checkScopeList(scopes, 'requireAnyScope()');
  return async function audguardRequireAnyScope(c: Context<AuthEnv>, next: Next): Promise<void> {
    enforce(c, required, 'any', 'requireAnyScope()');
    await next();
  };
}

function enforce(c: Context<AuthEnv>, required: readonly string[], match: ScopeMatch, name: string): void {
  const state = guardOf(c);
  if (state === undefined) throw notMounted(name);
  try {
    // The guard may have let an anonymous request through: `auth` is only known to be set after this check.
    authorizeScopes(state, c.get('auth'), required, match, c.req.raw);
  } catch (error) {
    throw refusal(state, error);
  }
}
