import { AuthError } from '../errors.js';
import type { JwtClaims } from '../types.js';

/** How required scopes combine. */
export type ScopeMatch = 'all' | 'any';

/**
 * The granted scopes, from each of `claims` that is present: a space-delimited string (`scope`, RFC 9068 §2.2.3)
 * or an array of strings (`scp`; Duende's `scope`; Auth0's `permissions`; Entra's `roles`).
 */
export function grantedScopes(payload: JwtClaims, claims: readonly string[]): Set<string> {
  const scopes = new Set<string>();
  for (const claim of claims) {
    const value = payload[claim];
    const values = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const scope of values) if (typeof scope === 'string' && scope !== '') scopes.add(scope);
  }
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
