import { isScopeToken } from '@audguard/core/protocol';
import { OAuthError } from './errors.js';

/** The standard scope that asks for a refresh token; never a resource scope, never in an access token. */
export const OFFLINE_ACCESS = 'offline_access';

/**
 * Splits a `scope` parameter into distinct tokens, in request order. `undefined` when the parameter is absent or
 * empty. A malformed token is `invalid_scope`.
 */
export function parseScope(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const tokens = value.split(' ').filter((token) => token !== '');
  if (tokens.length === 0) return undefined;
  for (const token of tokens) {
    if (!isScopeToken(token)) throw new OAuthError('invalid_scope', 'The scope parameter is malformed.');
  }
  return [...new Set(tokens)];
}

/** What a client asked for: resource scopes, and whether it asked for `offline_access`. */
export interface ScopeRequest {
  scopes: string[];
  offline: boolean;
}

/**
 * Checks requested scopes against what the client may ask for (`allowed`); no scope at all means every allowed
 * scope. `offline_access` is accepted only when `offlineAllowed`. Anything else is `invalid_scope`.
 */
export function checkRequestedScopes(
  requested: readonly string[] | undefined,
  allowed: readonly string[],
  offlineAllowed: boolean,
): ScopeRequest {
  if (requested === undefined) return { scopes: [...allowed], offline: false };
  const offline = requested.includes(OFFLINE_ACCESS);
  if (offline && !offlineAllowed) {
    throw new OAuthError('invalid_scope', 'offline_access is not allowed for this client or grant.');
  }
  const scopes = requested.filter((scope) => scope !== OFFLINE_ACCESS);
  if (scopes.some((scope) => !allowed.includes(scope))) {
    throw new OAuthError('invalid_scope', 'A requested scope is unknown or not allowed for this client.');
  }
  if (scopes.length === 0) {
    throw new OAuthError('invalid_scope', 'Request at least one resource scope.');
  }
  return { scopes, offline };
}
