import { AuthError, type AuthErrorReason } from '../errors.js';
import { isSupportedAlgorithm, keyFits } from '../lib/crypto.js';
import { type DecodedJws, decodeJws } from '../lib/jwt.js';
import type { JsonWebKey, JwsAlgorithm } from '../types.js';

/**
 * A DPoP proof read and checked in everything that needs no key, clock or request (RFC 9449 §4.2, §4.3 checks 2–5,
 * 7 and the claims' presence): pure functions, cheapest first.
 */

/** A proof's parts once its form is known to be right (signature not yet checked). */
export interface ProofParts {
  readonly alg: JwsAlgorithm;
  readonly jwk: JsonWebKey;
  readonly jti: string;
  readonly htm: string;
  readonly htu: string;
  readonly iat: number;
  readonly ath: unknown;
  readonly nonce: unknown;
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

/** Longest proof read: a proof with a 4096-bit RSA key is under 2 KiB. */
export const MAX_PROOF_LENGTH = 8192;
/** Longest `jti` recorded (§11.1: refuse unnecessarily large ones). */
const MAX_JTI_LENGTH = 256;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const fail = (reason: AuthErrorReason, description?: string, claim?: string) =>
  new AuthError(reason, {
    ...(description === undefined ? {} : { description }),
    ...(claim === undefined ? {} : { claim }),
  });

/** Splits and checks a proof: one JWS, `typ` `dpop+jwt`, an allowed asymmetric `alg`, a public `jwk`, the claims. */
export function readProof(proof: string, algorithms: ReadonlySet<JwsAlgorithm>): ProofParts {
  if (proof.length === 0 || proof.length > MAX_PROOF_LENGTH) throw fail('malformed_dpop_proof');
  let jws: DecodedJws;
  try {
    jws = decodeJws(proof);
  } catch (cause) {
    throw new AuthError('malformed_dpop_proof', { cause });
  }
  const { header, payload } = jws;
  if (!isDpopType(header.typ)) throw fail('dpop_proof_type_not_allowed');
  const alg = header.alg;
  // §4.2: asymmetric only; `none` and MACs are never in the allow-list.
  if (typeof alg !== 'string' || !isSupportedAlgorithm(alg) || !algorithms.has(alg)) {
    throw fail('dpop_algorithm_not_allowed');
  }
  if (header.crit !== undefined) {
    throw fail(
      'malformed_dpop_proof',
      'The DPoP proof has critical header parameters this API does not understand.',
    );
  }
  const jwk = publicJwk(header.jwk, alg);
  return {
    alg,
    jwk,
    jti: stringClaim(payload, 'jti', MAX_JTI_LENGTH),
    htm: stringClaim(payload, 'htm', 32),
    htu: stringClaim(payload, 'htu', MAX_PROOF_LENGTH),
    iat: numericClaim(payload, 'iat'),
    ath: payload.ath,
    nonce: payload.nonce,
    signingInput: jws.signingInput,
    signature: jws.signature,
  };
}

/** `typ` is a media type: case-insensitive, `application/` optional (RFC 7515 §4.1.9). */
function isDpopType(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const t = typ.toLowerCase();
  return t === 'dpop+jwt' || t === 'application/dpop+jwt';
}

/** §4.3 check 7: a public key that fits the algorithm; a private member anywhere refuses the proof. */
function publicJwk(value: unknown, alg: JwsAlgorithm): JsonWebKey {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail('dpop_key_invalid', 'The DPoP proof carries no public key ("jwk" header).');
  }
  const jwk = value as JsonWebKey;
  if (PRIVATE_MEMBERS.some((member) => jwk[member] !== undefined)) {
    throw fail('dpop_key_invalid', 'The DPoP proof carries a private key; send the public key only.');
  }
  if (typeof jwk.kty !== 'string' || !keyFits(jwk, alg)) {
    throw fail('dpop_key_invalid', `The DPoP proof's key does not fit its algorithm ${alg}.`);
  }
  return jwk;
}

function stringClaim(payload: Record<string, unknown>, claim: string, maxLength: number): string {
  const value = payload[claim];
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw fail('dpop_claim_invalid', `The DPoP proof's "${claim}" claim is missing or invalid.`, claim);
  }
  return value;
}

function numericClaim(payload: Record<string, unknown>, claim: string): number {
  const value = payload[claim];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw fail('dpop_claim_invalid', `The DPoP proof's "${claim}" claim is missing or not a number.`, claim);
  }
  return value;
}
