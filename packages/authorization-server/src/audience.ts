import { OAuthError } from './errors.js';
import type { Resource } from './settings.js';

/** A token's audience and the scopes that travel with it. */
export interface Audience {
  audience: string[];
  scopes: string[];
}

/**
 * Chooses a token's `aud` and narrows its scope (DESIGN.md, RFC 8707 §2, RFC 9068 §3).
 *
 * - With a `target` resource: `aud` is that resource alone and the scope keeps only the scopes it owns; none left is
 *   `invalid_scope`.
 * - Without: `aud` is every candidate that owns a requested scope and does not require a resource indicator; none
 *   is `invalid_target`. Scopes no audience owns are dropped, so each scope means something to the `aud`.
 */
export function selectAudience(
  scopes: readonly string[],
  target: Resource | undefined,
  candidates: readonly Resource[],
): Audience {
  if (target !== undefined) {
    const narrowed = scopes.filter((scope) => target.scopes.has(scope));
    if (narrowed.length === 0) {
      throw new OAuthError(
        'invalid_scope',
        'None of the requested scopes belongs to the requested resource.',
      );
    }
    return { audience: [target.id], scopes: narrowed };
  }
  const audience = candidates.filter(
    (resource) => !resource.requireResourceIndicator && scopes.some((scope) => resource.scopes.has(scope)),
  );
  if (audience.length === 0) {
    throw new OAuthError(
      'invalid_target',
      'No audience can be derived from the requested scope; name the resource with the resource parameter.',
    );
  }
  return {
    audience: audience.map((resource) => resource.id),
    scopes: scopes.filter((scope) => audience.some((resource) => resource.scopes.has(scope))),
  };
}
