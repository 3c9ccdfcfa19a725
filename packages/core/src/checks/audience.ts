import { AuthError } from '../errors.js';
import { nearMiss, warnOnce } from '../lib/diagnostics.js';

/** How `aud` must relate to this API's identifiers (RFC 8707, RFC 9068 §4, RFC 8725 §3.9). */
export interface AudiencePolicy {
  /** This API's resource identifiers; `aud` must name one of them, compared code point by code point. */
  readonly accepted: readonly string[];
  /** `'any'`: and may name others too. `'exclusive'`: and must name nothing else (resource isolation). */
  readonly mode: 'any' | 'exclusive';
  /** Audiences tolerated in `aud` but never sufficient, and not "other APIs" under `'exclusive'`. */
  readonly ignored: ReadonlySet<string>;
  /** A token without `aud` may pass (its client is checked instead: issuers such as Cognito). */
  readonly optional: boolean;
}

/** `aud` as the list of strings it must be (RFC 7519 §4.1.3), or `undefined` when the token has none. */
export function readAudience(aud: unknown): readonly string[] | undefined {
  if (aud === undefined) return undefined;
  const values: readonly unknown[] = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (values.length === 0 || values.some((v) => typeof v !== 'string')) {
    throw new AuthError('invalid_claim', {
      description: 'The token\'s "aud" claim must be a string or an array of strings.',
      claim: 'aud',
    });
  }
  return values as readonly string[];
}

/**
 * Refuses a token whose audience does not name this API (ignored audiences aside), or under `'exclusive'` also
 * names another; and a token without `aud` unless the policy allows that.
 */
export function checkAudience(audience: readonly string[] | undefined, policy: AudiencePolicy): void {
  if (audience === undefined) {
    if (policy.optional) return;
    throw new AuthError('missing_claim', { description: 'The token has no "aud" claim.', claim: 'aud' });
  }
  const { accepted, ignored } = policy;
  const relevant = ignored.size === 0 ? audience : audience.filter((value) => !ignored.has(value));
  if (!relevant.some((value) => accepted.includes(value))) throw mismatch(relevant, accepted);
  if (policy.mode === 'exclusive' && relevant.some((value) => !accepted.includes(value))) {
    throw new AuthError('audience_not_exclusive', { claim: 'aud' });
  }
}

/** `audience_mismatch`; when an audience is a near miss of this API's, the operator is told once why. */
function mismatch(audience: readonly string[], accepted: readonly string[]): AuthError {
  for (const configured of accepted) {
    for (const value of audience) {
      const difference = nearMiss(value, configured);
      if (difference === undefined) continue;
      const detail =
        `A token from a trusted issuer names the audience ${JSON.stringify(value)}, which differs from this API's ` +
        `${JSON.stringify(configured)} only by ${difference}. Audiences are compared exactly: configure the ` +
        'audience exactly as clients send it as "resource" (and the authorization server writes it in "aud").';
      warnOnce(
        'AUDGUARD_AUDIENCE_NEAR_MISS',
        configured,
        `audguard: audience near miss (${difference})`,
        detail,
      );
      return new AuthError('audience_mismatch', { claim: 'aud', cause: new Error(detail) });
    }
  }
  return new AuthError('audience_mismatch', { claim: 'aud' });
}
