import { AuthError } from '../errors.js';

/** How `aud` must relate to this API's identifiers (RFC 8707, RFC 9068 §4, RFC 8725 §3.9). */
export interface AudiencePolicy {
  /** This API's resource identifiers; `aud` must name one of them, compared code point by code point. */
  readonly accepted: readonly string[];
  /** `'any'`: and may name others too. `'exclusive'`: and must name nothing else (resource isolation). */
  readonly mode: 'any' | 'exclusive';
}

/** `aud` as the list of strings it must be (RFC 7519 §4.1.3: a string or an array of strings). */
export function readAudience(aud: unknown): readonly string[] {
  if (aud === undefined) {
    throw new AuthError('missing_claim', { description: 'The token has no "aud" claim.', claim: 'aud' });
  }
  const values: readonly unknown[] = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (values.length === 0 || values.some((v) => typeof v !== 'string')) {
    throw new AuthError('invalid_claim', {
      description: 'The token\'s "aud" claim must be a string or an array of strings.',
      claim: 'aud',
    });
  }
  return values as readonly string[];
}

/** Refuses a token whose audience does not name this API, or (exclusive) also names another. */
export function checkAudience(audience: readonly string[], policy: AudiencePolicy): void {
  const { accepted } = policy;
  if (!audience.some((value) => accepted.includes(value))) {
    throw new AuthError('audience_mismatch', { claim: 'aud' });
  }
  if (policy.mode === 'exclusive' && audience.some((value) => !accepted.includes(value))) {
    throw new AuthError('audience_not_exclusive', { claim: 'aud' });
  }
}
