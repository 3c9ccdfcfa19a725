import type { DpopSettings } from '../config/dpop.js';
import { AuthError, type AuthScheme } from '../errors.js';
import type { AuthenticateRequest } from '../extract.js';
import type { CryptoBackend } from '../lib/crypto.js';
import { andThen, type Maybe } from '../lib/maybe.js';
import type { AccessToken } from '../types.js';
import { readProof } from './proof.js';
import { ProofCheck } from './proof-check.js';
import { dpopProofs, requestMethod, requestPath } from './request.js';

/**
 * RFC 9449 at the resource server: the request's form (which scheme, how many proofs), then, once the token is
 * verified, its binding (`cnf.jkt`) and the proof — every check of §4.3 and §7 — ending with the proof's `jti`
 * recorded in the replay cache in one atomic set-if-absent, for exactly as long as the proof could be accepted.
 */
export class DpopChecker {
  private readonly proofs: ProofCheck;

  constructor(
    private readonly settings: DpopSettings,
    backend: CryptoBackend,
    now: () => number,
  ) {
    this.proofs = new ProofCheck(settings, backend, now);
  }

  /** The refusal of a request without credentials, naming the scheme clients must use. */
  missingToken(): AuthError {
    return new AuthError('missing_token', {
      description:
        this.settings.mode === 'required'
          ? 'This API requires a DPoP-bound access token (Authorization: DPoP, and a DPoP proof).'
          : 'This API requires an access token (Authorization: Bearer, or DPoP with a DPoP proof).',
    });
  }

  /** For a token checked without a request (`verify()`): no proof can be had, so only bearer tokens, if allowed. */
  proofless(token: AccessToken<object>): undefined {
    if (this.settings.mode === 'required') throw new AuthError('dpop_required');
    if (boundKey(token.claims as Record<string, unknown>) !== undefined) {
      throw new AuthError('dpop_bound_token_as_bearer');
    }
    return undefined;
  }

  /**
   * Before the token is looked at: the proof a request with `scheme` carries, or `undefined` for a bearer request
   * (RFC 6750 header, query or body). Refuses the forms that can never pass.
   */
  proofOf(request: AuthenticateRequest, scheme: AuthScheme): string | undefined {
    const proofs = dpopProofs(request);
    if (scheme === 'Bearer') {
      // A proof beside a bearer credential is ambiguous: was a bound token downgraded?
      if (proofs.length > 0) throw new AuthError('dpop_proof_with_bearer', { scheme });
      if (this.settings.mode === 'required') throw new AuthError('dpop_required', { scheme });
      return undefined;
    }
    if (proofs.length === 0) throw new AuthError('dpop_proof_missing', { scheme });
    if (proofs.length > 1) throw new AuthError('multiple_dpop_proofs', { scheme });
    return proofs[0];
  }

  /**
   * After the token is verified: a bound token without a proof is refused (§7.2), a proof needs a bound token, and
   * the proof must pass every check for this request and this token.
   */
  confirm(request: AuthenticateRequest, token: AccessToken<object>, proof: string | undefined): Maybe<void> {
    const jkt = boundKey(token.claims as Record<string, unknown>);
    if (proof === undefined) {
      if (jkt !== undefined) throw new AuthError('dpop_bound_token_as_bearer');
      return undefined;
    }
    if (jkt === undefined) throw new AuthError('dpop_token_not_bound');
    return this.checkProof(request, token.token, jkt, proof);
  }

  private checkProof(
    request: AuthenticateRequest,
    accessToken: string,
    jkt: string,
    proof: string,
  ): Maybe<void> {
    const method = requestMethod(request);
    const path = requestPath(request);
    if (path === undefined) {
      // No path to compare `htu` with (`*`, authority-form): refused in the order the full check keeps.
      if (readProof(proof, this.settings.algorithms).htm !== method) {
        throw new AuthError('dpop_method_mismatch', { claim: 'htm' });
      }
      throw new AuthError('dpop_uri_mismatch', { claim: 'htu' });
    }
    const target = { method, origin: this.settings.origin, path, accessToken, jkt };
    return andThen(this.proofs.check(proof, target), () => undefined);
  }
}

/** The token's `cnf.jkt` (RFC 9449 §6), or `undefined` when the token is not DPoP-bound. */
function boundKey(claims: Record<string, unknown>): string | undefined {
  const cnf = claims.cnf;
  if (cnf === undefined) return undefined;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>).jkt : null;
  if (jkt === undefined) return undefined;
  if (typeof jkt !== 'string' || jkt.length === 0) {
    throw new AuthError('invalid_claim', {
      description: 'The token\'s "cnf" claim is malformed.',
      claim: 'cnf',
    });
  }
  return jkt;
}
