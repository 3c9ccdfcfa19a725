import { AuthError } from '../errors.js';
import type { TokenTypePolicy } from './header.js';

/** Claims that, when present, must be strings (RFC 7519 §4.1, RFC 9068 §2.2, RFC 8693 §4.2); `iss` is read first. */
const STRING_CLAIMS = ['sub', 'client_id', 'jti', 'scope'] as const;

/** RFC 9068 §2.2 claims that `'strict'` requires beyond `iss`, `exp` and `aud` (checked on their own). */
const RFC9068_REQUIRED = ['sub', 'client_id', 'iat', 'jti'] as const;

/** `iss`, which must be present and a string: it decides which keys may check the token. */
export function readIssuer(payload: Record<string, unknown>): string {
  const iss = payload.iss;
  if (typeof iss !== 'string') {
    throw new AuthError('missing_claim', { description: 'The token has no "iss" claim.', claim: 'iss' });
  }
  return iss;
}

/**
 * The shape of the claims audguard reads (other than time and audience): string `sub`, `client_id`, `jti` and
 * `scope`, `scp` as a string or an array of strings, and under the `'strict'` type policy the RFC 9068 claims.
 */
export function checkClaimTypes(payload: Record<string, unknown>, tokenType: TokenTypePolicy): void {
  for (const claim of STRING_CLAIMS) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'string') {
      throw new AuthError('invalid_claim', {
        description: `The token's "${claim}" claim must be a string.`,
        claim,
      });
    }
  }
  const scp = payload.scp;
  if (scp !== undefined && typeof scp !== 'string' && !isStringArray(scp)) {
    throw new AuthError('invalid_claim', {
      description: 'The token\'s "scp" claim must be a string or an array of strings.',
      claim: 'scp',
    });
  }
  if (tokenType === 'strict') {
    for (const claim of RFC9068_REQUIRED) {
      if (payload[claim] === undefined) {
        throw new AuthError('missing_claim', {
          description: `The token has no "${claim}" claim (RFC 9068 §2.2).`,
          claim,
        });
      }
    }
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
