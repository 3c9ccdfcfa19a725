import { vouchedFor } from '../decisions.js';
import { AuthError, isAuthError } from '../errors.js';
import type { AccessToken, JwtClaims } from '../types.js';

/** How required scopes combine. */
export type ScopeMatch = 'all' | 'any';

/**
 * The granted scopes, from each of `claims` that is present: a space-delimited string (`scope`, RFC 9068 §2.2.3)
 * or an array of strings (`scp`; Duende's `scope`; Auth0's `permissions`; Entra's `roles`).
 */
export function grantedScopes(payload: JwtClaims, claims: readonly string[]): Set<string> {
  const scopes = new Set<string>();
  for (const claim of claims) {
    const value = claimAt(payload, claim);
    const values = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const scope of values) if (typeof scope === 'string' && scope !== '') scopes.add(scope);
  }
  return scopes;
}

/**
 * The claim named `name`: a top-level claim of that name (names may contain dots: `https://example.com/roles`), or
 * else, for a dotted name, the nested member it spells (`realm_access.roles`, Keycloak's realm roles).
 */
export function claimAt(payload: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(payload, name) || !name.includes('.')) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, part)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Refuses with 403 `insufficient_scope` unless `granted` holds every one of `required` (`'all'`) or at least one
 * (`'any'`). The challenge names `needed` — by default `required`; a route names what the whole operation needs (its
 * guard's scopes too), so a client re-authorizes once with all of them (MCP 2026-07-28).
 */
export function checkScopes(
  granted: ReadonlySet<string>,
  required: readonly string[],
  match: ScopeMatch = 'all',
  needed: readonly string[] = required,
): void {
  if (required.length === 0) return;
  const ok = match === 'any' ? required.some((s) => granted.has(s)) : required.every((s) => granted.has(s));
  if (ok) return;
  throw new AuthError('insufficient_scope', {
    description:
      match === 'any'
        ? `The access token needs one of these scopes: ${required.join(', ')}.`
        : `The access token lacks a required scope; needed: ${needed.join(', ')}.`,
    scopes: needed,
  });
}

/** {@link checkScopes} on a verified token; a refusal carries its claims and scopes to the decision log. */
export function checkTokenScopes(
  token: AccessToken<object>,
  required: readonly string[],
  match?: ScopeMatch,
  needed?: readonly string[],
): void {
  try {
    checkScopes(token.scopes, required, match, needed);
  } catch (error) {
    vouchedFor(error, token.claims, token.scopes);
    throw error;
  }
}

/**
 * MCP 2026-07-28: a 401 SHOULD name the scopes the request needs, so a client asks for them at once. A refusal
 * without scopes of its own gets those of the call (the guard's), on the same error object.
 */
export function challengeScopes(error: unknown, scopes: readonly string[] | undefined): void {
  if (scopes === undefined || scopes.length === 0 || !isAuthError(error) || error.status !== 401) return;
  if (error.scopes === undefined) (error as { scopes: readonly string[] | undefined }).scopes = scopes;
}

/**
 * The scopes `granted` stand for once broader scopes imply narrower ones (`implied`: `'mcp:admin'` →
 * `['mcp:write', 'mcp:read']`), transitively. MCP 2026-07-28 §11.1.2: a broader scope MUST satisfy a narrower one.
 */
export function expandScopes(
  granted: Set<string>,
  implied: ReadonlyMap<string, readonly string[]>,
): Set<string> {
  if (implied.size === 0) return granted;
  const pending = [...granted];
  while (pending.length > 0) {
    for (const narrower of implied.get(pending.pop() as string) ?? []) {
      if (!granted.has(narrower)) {
        granted.add(narrower);
        pending.push(narrower);
      }
    }
  }
  return granted;
}
