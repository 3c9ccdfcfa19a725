import type { ScopeMatch } from '@audguard/core';
import { authorizeScopes, checkScopeList, notMounted } from '@audguard/core/adapter';
import type { Middleware, Next, ParameterizedContext } from 'koa';
import { guardOf, refuse } from './guard.js';

/**
 * Requires every one of `scopes` on this route: otherwise 403 `insufficient_scope` with `scope="…"` naming them
 * (401 when an anonymous request got this far), rendered like the guard's refusals. Mount {@link guard} first;
 * without it this throws a `ConfigurationError` at request time.
 *
 * @example
 * ```ts
 * router.post('/items', requireScopes('inventory:write'), createItem);
 * ```
 */
export function requireScopes(...scopes: string[]): Middleware {
  const required = checkScopeList(scopes, 'requireScopes()');
  return async function audguardRequireScopes(ctx: ParameterizedContext, next: Next): Promise<void> {
    if (enforce(ctx, required, 'all', 'requireScopes()')) await next();
  };
}

/**
 * Requires at least one of `scopes` on this route: otherwise 403 `insufficient_scope` with `scope="…"` naming them.
 * Mount {@link guard} first.
 *
 * @example
 * ```ts
 * router.get('/items', requireAnyScope('inventory:read', 'inventory:admin'), listItems);
 * ```
 */
export function requireAnyScope(...scopes: string[]): Middleware {
  const required = checkScopeList(scopes, 'requireAnyScope()');
  return async function audguardRequireAnyScope(ctx: ParameterizedContext, next: Next): Promise<void> {
    if (enforce(ctx, required, 'any', 'requireAnyScope()')) await next();
  };
}

/** True when the request may go on; false when it was refused (and answered). */
function enforce(
  ctx: ParameterizedContext,
  required: readonly string[],
  match: ScopeMatch,
  name: string,
): boolean {
  const state = guardOf(ctx);
  if (state === undefined) throw notMounted(name);
  try {
    authorizeScopes(state, ctx.state.auth, required, match, ctx.req);
  } catch (error) {
    refuse(state, error, ctx);
    return false;
  }
  return true;
}
