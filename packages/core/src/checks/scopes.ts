import { AuthError } from '../errors.js';
import type { JwtClaims } from '../types.js';

/** How required scopes combine. */
export type ScopeMatch = 'all' | 'any';

/** The granted scopes: `scope` (space-delimited, RFC 9068 §2.2.3) and `scp` (a string or an array). */
export function grantedScopes(claims: JwtClaims): Set<string> {
  const scopes = new Set<string>();
  const addAll = (values: readonly string[]) => {
    for (const value of values) if (value) scopes.add(value);
  };
  if (typeof claims.scope === 'string') addAll(claims.scope.split(' '));
  if (typeof claims.scp === 'string') addAll(claims.scp.split(' '));
  else if (Array.isArray(claims.scp)) addAll(claims.scp);
  return scopes;
}

/**
 * Refuses with 403 `insufficient_scope`, naming the scopes needed, unless `granted` holds every one of `required`
 * (`'all'`) or at least one (`'any'`).
 */
export function checkScopes(
  granted: ReadonlySet<string>,
  required: readonly string[],
  match: ScopeMatch = 'all',
): void {
  if (required.length === 0) return;
  const ok = match === 'any' ? required.some((s) => granted.has(s)) : required.every((s) => granted.has(s));
  if (ok) return;
  throw new AuthError('insufficient_scope', {
    description:
      match === 'any'
        ? `The access token needs one of these scopes: ${required.join(', ')}.`
        : `The access token lacks a required scope; needed: ${required.join(', ')}.`,
    scopes: required,
  });
}
