import { AuthError } from '../errors.js';
import type { TokenTypePolicy } from './header.js';
import { claimAt } from './scopes.js';

/** Claims that, when present, must be strings (RFC 7519 §4.1, RFC 9068 §2.2); `iss` is read first. */
const STRING_CLAIMS = ['sub', 'client_id', 'jti'] as const;

/** RFC 9068 §2.2 claims that `'strict'` requires beyond `iss`, `exp` and `aud` (checked on their own). */
const RFC9068_REQUIRED = ['sub', 'client_id', 'iat', 'jti'] as const;

/** What the claims are checked against. */
export interface ClaimPolicy {
  readonly tokenType: TokenTypePolicy;
  /** Claims that feed `token.scopes`: each a space-delimited string or an array of strings. */
  readonly scopeClaims: readonly string[];
  /** Claims that must be present with exactly these values. */
  readonly requiredClaims: readonly (readonly [string, string | number | boolean])[];
}

/** `iss`, which must be present and a string: it decides which keys may check the token. */
export function readIssuer(payload: Record<string, unknown>): string {
  const iss = payload.iss;
  if (typeof iss !== 'string') {
    throw new AuthError('missing_claim', { description: 'The token has no "iss" claim.', claim: 'iss' });
  }
  return iss;
}

/**
 * The claims audguard reads (other than time and audience) have the right shape — string `sub`, `client_id` and
 * `jti`; scope claims as strings or arrays of strings — the RFC 9068 claims are there under `'strict'`, and every
 * required claim has its exact value.
 */
export function checkClaims(payload: Record<string, unknown>, policy: ClaimPolicy): void {
  for (const claim of STRING_CLAIMS) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'string') {
      throw new AuthError('invalid_claim', {
        description: `The token's "${claim}" claim must be a string.`,
        claim,
      });
    }
  }
  for (const claim of policy.scopeClaims) {
    const value = claimAt(payload, claim);
    if (value !== undefined && typeof value !== 'string' && !isStringArray(value)) {
      throw new AuthError('invalid_claim', {
        description: `The token's "${claim}" claim must be a string or an array of strings.`,
        claim,
      });
    }
  }
  if (policy.tokenType === 'strict') {
    for (const claim of RFC9068_REQUIRED) {
      if (payload[claim] === undefined) {
        throw new AuthError('missing_claim', {
          description: `The token has no "${claim}" claim (RFC 9068 §2.2).`,
          claim,
        });
      }
    }
  }
  for (const [claim, expected] of policy.requiredClaims) {
    const value = payload[claim];
    if (value === undefined) {
      throw new AuthError('missing_claim', { description: `The token has no "${claim}" claim.`, claim });
    }
    if (value !== expected) {
      throw new AuthError('invalid_claim', {
        description: `The token's "${claim}" claim has another value.`,
        claim,
      });
    }
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
