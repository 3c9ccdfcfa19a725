import { AuthError } from '../errors.js';

/** `exp`, `nbf` and `iat` of a token, in seconds, as read once by {@link readTimeClaims}. */
export interface TimeClaims {
  readonly exp: number;
  readonly nbf: number | undefined;
  readonly iat: number | undefined;
}

/** What the time claims are checked against. Durations in seconds. */
export interface TimePolicy {
  /** Seconds of skew tolerated for `exp`, `nbf` and `iat`. */
  readonly clockTolerance: number;
  /** Refuse tokens whose `iat` is older than this (and tokens without `iat`); `undefined`: no limit. */
  readonly maxTokenAge: number | undefined;
}

/** The largest NumericDate a JavaScript Date can hold, in seconds. */
const MAX_NUMERIC_DATE = 8.64e12;

/** Reads `exp` (required), `nbf` and `iat` as NumericDates (RFC 7519 §2), refusing anything else. */
export function readTimeClaims(payload: Record<string, unknown>): TimeClaims {
  return {
    exp: numericDate(payload, 'exp', true) as number,
    nbf: numericDate(payload, 'nbf', false),
    iat: numericDate(payload, 'iat', false),
  };
}

/**
 * The time claims against one reading of the clock (`now`, seconds): `exp` not passed, `nbf` and `iat` not in the
 * future, and `maxTokenAge`. Run on every cache hit too — a cached token still expires and still grows old.
 */
export function checkTimes(times: TimeClaims, now: number, policy: TimePolicy): void {
  const { exp, nbf, iat } = times;
  const tolerance = policy.clockTolerance;
  if (exp <= now - tolerance) throw new AuthError('expired', { claim: 'exp' });
  if (nbf !== undefined && nbf > now + tolerance) throw new AuthError('not_yet_valid', { claim: 'nbf' });
  if (iat !== undefined && iat > now + tolerance) throw new AuthError('issued_in_future', { claim: 'iat' });
  if (policy.maxTokenAge !== undefined) {
    if (iat === undefined) {
      throw new AuthError('missing_claim', { description: 'The token has no "iat" claim.', claim: 'iat' });
    }
    if (now - iat > policy.maxTokenAge + tolerance) {
      throw new AuthError('expired', {
        description: 'The token is older than this API accepts.',
        claim: 'iat',
      });
    }
  }
}

function numericDate(payload: Record<string, unknown>, claim: 'exp' | 'nbf' | 'iat', required: boolean) {
  const value = payload[claim];
  if (value === undefined) {
    if (required)
      throw new AuthError('missing_claim', { description: `The token has no "${claim}" claim.`, claim });
    return undefined;
  }
  // Beyond ±8.64e12 s a NumericDate is no Date at all (and a token "valid" for millions of years is no token).
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_NUMERIC_DATE) {
    throw new AuthError('invalid_claim', {
      description: `The token's "${claim}" claim must be a number of seconds.`,
      claim,
    });
  }
  return value;
}
