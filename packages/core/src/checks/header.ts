import { AuthError } from '../errors.js';
import { isSupportedAlgorithm } from '../lib/crypto.js';
import type { JwsAlgorithm } from '../types.js';

/** How `typ` is checked (RFC 9068 §2.1, RFC 8725 §3.11). */
export type TokenTypePolicy =
  /**
   * Accepts `at+jwt` and `application/at+jwt` (any case), `JWT` and no `typ` — real authorization servers differ —
   * and refuses every other type (`dpop+jwt`, ID tokens typed as such, logout tokens...).
   */
  | 'default'
  /** RFC 9068 strictly: `typ` must be `at+jwt`, and `sub`, `client_id`, `iat`, `jti` must be present. */
  | 'strict';

/** What the header is checked against. */
export interface HeaderPolicy {
  readonly algorithms: ReadonlySet<JwsAlgorithm>;
  readonly tokenType: TokenTypePolicy;
}

/**
 * Everything decided from the protected header, before any key is looked up: `alg` in the allow-list, `typ` within
 * the policy, no `crit`, no key carried or referenced by the token, and a string `kid`. Returns the algorithm.
 */
export function checkHeader(header: Record<string, unknown>, policy: HeaderPolicy): JwsAlgorithm {
  const alg = header.alg;
  if (typeof alg !== 'string') {
    throw new AuthError('malformed_token', { description: 'The token header has no "alg".' });
  }
  if (!isSupportedAlgorithm(alg) || !policy.algorithms.has(alg)) throw new AuthError('algorithm_not_allowed');
  if (!typeAllowed(header.typ, policy.tokenType)) throw new AuthError('type_not_allowed');
  if (header.crit !== undefined) throw new AuthError('unsupported_critical_header');
  // RFC 8725 §3.10: a token never chooses the key that checks it.
  if (header.jku !== undefined || header.x5u !== undefined || header.jwk !== undefined) {
    throw new AuthError('key_reference_in_header');
  }
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw new AuthError('malformed_token', { description: 'The token header "kid" must be a string.' });
  }
  return alg;
}

/** `typ` compared case-insensitively, `application/` optional (RFC 7515 §4.1.9). */
export function typeAllowed(typ: unknown, policy: TokenTypePolicy): boolean {
  if (typ === undefined) return policy !== 'strict';
  if (typeof typ !== 'string') return false;
  const t = typ.toLowerCase();
  if (t === 'at+jwt' || t === 'application/at+jwt') return true;
  return policy !== 'strict' && (t === 'jwt' || t === 'application/jwt');
}
