import { verifyingKey } from '../checks/signature.js';
import { isAuthError } from '../errors.js';
import { expectedSignatureLength, isSupportedAlgorithm } from '../lib/crypto.js';
import { FetchError } from '../lib/fetch-json.js';
import { decodeJws } from '../lib/jwt.js';
import type { TrustedIssuer } from '../trusted-issuers.js';
import type { JwsAlgorithm } from '../types.js';

/** What a signed introspection answer is checked against (RFC 9701 §5). */
export interface SignedAnswerPolicy {
  readonly issuer: TrustedIssuer;
  /** This API's client id: the answer's `aud`. */
  readonly clientId: string;
  readonly algorithms: ReadonlySet<JwsAlgorithm>;
  /** Seconds an answer's `iat` may be old, and seconds of skew. */
  readonly maxAge: number;
  readonly clockTolerance: number;
  /** Seconds. */
  readonly now: number;
}

const invalid = (message: string) => new FetchError(`signed introspection answer: ${message}`);

/**
 * The RFC 7662 answer inside an RFC 9701 signed one: `typ` `token-introspection+jwt`, an allowed `alg`, a
 * signature by one of the issuer's keys, `iss` the issuer, `aud` this API's client id, `iat` recent and not in the
 * future, and a `token_introspection` object. Any failure is a {@link FetchError} (the answer is unusable; the
 * token may be fine), except that keys that cannot be had stay `keys_unavailable`.
 */
export async function readSignedAnswer(
  jwt: string,
  policy: SignedAnswerPolicy,
): Promise<Record<string, unknown>> {
  let decoded: ReturnType<typeof decodeJws>;
  try {
    decoded = decodeJws(jwt.trim());
  } catch (cause) {
    throw new FetchError('signed introspection answer: not a compact JWS', { cause });
  }
  const { header, payload, signingInput, signature } = decoded;
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
  if (typ !== 'token-introspection+jwt' && typ !== 'application/token-introspection+jwt') {
    throw invalid(`typ ${JSON.stringify(header.typ)} is not token-introspection+jwt`);
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || !isSupportedAlgorithm(alg) || !policy.algorithms.has(alg)) {
    throw invalid(`alg ${JSON.stringify(alg)} is not allowed`);
  }
  if (header.crit !== undefined) throw invalid('crit is not supported');
  const expected = expectedSignatureLength(alg);
  if (signature.length === 0 || (expected !== undefined && signature.length !== expected)) {
    throw invalid('bad signature');
  }
  const query = {
    alg,
    kid: typeof header.kid === 'string' ? header.kid : undefined,
    issuer: policy.issuer.issuer,
  };
  const keys = policy.issuer.keys;
  try {
    await verifyingKey(keys.keysNow(query) ?? (await keys.keys(query)), signingInput, signature);
  } catch (error) {
    if (isAuthError(error) && error.reason !== 'keys_unavailable') {
      throw new FetchError(`signed introspection answer: ${error.reason}`, { cause: error });
    }
    throw error;
  }
  return checkClaims(payload, policy);
}

function checkClaims(payload: Record<string, unknown>, policy: SignedAnswerPolicy): Record<string, unknown> {
  if (payload.iss !== policy.issuer.issuer)
    throw invalid(`iss ${JSON.stringify(payload.iss)} is not the issuer`);
  const aud = payload.aud;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.includes(policy.clientId)) throw invalid(`aud ${JSON.stringify(aud)} is not this client`);
  const iat = payload.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid('iat is missing');
  if (iat > policy.now + policy.clockTolerance) throw invalid('iat is in the future');
  if (policy.now - iat > policy.maxAge + policy.clockTolerance) throw invalid('iat is too old');
  const answer = payload.token_introspection;
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    throw invalid('no token_introspection object');
  }
  return answer as Record<string, unknown>;
}
