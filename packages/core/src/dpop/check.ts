import { LRUCache } from 'lru-cache';
import type { DpopSettings } from '../config/dpop.js';
import { AuthError, type AuthScheme } from '../errors.js';
import type { AuthenticateRequest } from '../extract.js';
import {
  type CryptoBackend,
  expectedSignatureLength,
  importVerificationKey,
  type VerificationKey,
} from '../lib/crypto.js';
import { constantTimeEqual, sha256Base64url } from '../lib/digest.js';
import { andThen, type Maybe } from '../lib/maybe.js';
import type { AccessToken } from '../types.js';
import { htuMatches } from './htu.js';
import { DpopNonces } from './nonce.js';
import { type ProofParts, readProof } from './proof.js';
import { dpopProofs, requestMethod, requestPath } from './request.js';
import { jwkThumbprint } from './thumbprint.js';

/** Proof keys kept imported, by algorithm and thumbprint: a client signs every proof with one key. */
const KEY_CACHE_MAX = 1000;

/**
 * RFC 9449 at the resource server: the request's form (which scheme, how many proofs), then, once the token is
 * verified, its binding (`cnf.jkt`) and the proof — every check of §4.3 and §7 — ending with the proof's `jti`
 * recorded in the replay cache in one atomic set-if-absent, for exactly as long as the proof could be accepted.
 */
export class DpopChecker {
  private readonly keys = new LRUCache<string, VerificationKey>({ max: KEY_CACHE_MAX });
  private readonly nonces: DpopNonces | undefined;

  constructor(
    private readonly settings: DpopSettings,
    private readonly backend: CryptoBackend,
    private readonly now: () => number,
  ) {
    const { nonce } = settings;
    this.nonces = nonce && new DpopNonces(nonce.secret, settings.origin, nonce.stepSeconds, now);
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
    const { settings } = this;
    const parts = readProof(proof, settings.algorithms);
    if (parts.htm !== requestMethod(request)) throw new AuthError('dpop_method_mismatch', { claim: 'htm' });
    const path = requestPath(request);
    if (path === undefined || !htuMatches(parts.htu, settings.origin, path)) {
      throw new AuthError('dpop_uri_mismatch', { claim: 'htu' });
    }
    const now = this.now() / 1000;
    if (parts.iat > now + settings.clockTolerance) {
      throw new AuthError('dpop_proof_issued_in_future', { claim: 'iat' });
    }
    // How long this proof stays acceptable, from its own iat (never from now): the replay record lives that long.
    const ttl = parts.iat + settings.maxAge + settings.clockTolerance - now;
    if (ttl <= 0) throw new AuthError('dpop_proof_expired', { claim: 'iat' });
    return andThen(this.checkNonce(parts.nonce), () =>
      andThen(sha256Base64url(accessToken), (ath) => {
        if (typeof parts.ath !== 'string' || !constantTimeEqual(parts.ath, ath)) {
          throw new AuthError('dpop_token_hash_mismatch', { claim: 'ath' });
        }
        return andThen(jwkThumbprint(parts.jwk), (thumbprint) => {
          if (thumbprint !== jkt) throw new AuthError('dpop_key_mismatch', { claim: 'cnf' });
          return andThen(this.checkSignature(parts, thumbprint), () =>
            this.record(thumbprint, parts.jti, ttl),
          );
        });
      }),
    );
  }

  /** §9: with nonces on, a proof must carry the current (or the previous) one; the refusal names the current. */
  private checkNonce(nonce: unknown): Maybe<void> {
    const nonces = this.nonces;
    if (nonces === undefined) return;
    const refuse = (): Maybe<never> =>
      andThen(nonces.current(), (current) => {
        throw new AuthError('dpop_nonce_required', {
          dpopNonce: current,
          ...(nonce === undefined
            ? {}
            : {
                description: "The DPoP proof's nonce is not current: use the one in the DPoP-Nonce header.",
              }),
        });
      });
    if (typeof nonce !== 'string') return refuse();
    return andThen(nonces.accepts(nonce), (ok) => (ok ? undefined : refuse()));
  }

  private checkSignature(parts: ProofParts, thumbprint: string | undefined): Maybe<void> {
    const expected = expectedSignatureLength(parts.alg);
    if (parts.signature.length === 0 || (expected !== undefined && parts.signature.length !== expected)) {
      throw new AuthError('dpop_bad_signature');
    }
    const id = `${parts.alg} ${thumbprint}`;
    const key = this.keys.get(id);
    const verify = (k: VerificationKey): Maybe<void> => {
      let result: boolean | Promise<boolean>;
      try {
        result = k.verify(parts.signingInput, parts.signature);
      } catch {
        result = false;
      }
      return andThen(result instanceof Promise ? result.catch(() => false) : result, (ok) => {
        if (!ok) throw new AuthError('dpop_bad_signature');
      });
    };
    if (key) return verify(key);
    return importVerificationKey(parts.jwk, parts.alg, this.backend).then(
      (imported) => {
        this.keys.set(id, imported);
        return verify(imported);
      },
      (cause: unknown) => {
        throw new AuthError('dpop_key_invalid', { cause });
      },
    );
  }

  /** One atomic set-if-absent: of concurrent uses of one proof, across every instance sharing the cache, one wins. */
  private record(thumbprint: string, jti: string, ttl: number): Maybe<void> {
    return andThen(sha256Base64url(`${thumbprint}.${jti}`), async (digest) => {
      let fresh: boolean;
      try {
        fresh = await this.settings.replayCache.add(`dpop:${digest}`, ttl);
      } catch (cause) {
        throw new AuthError('replay_cache_unavailable', { cause, retryAfter: 1 });
      }
      if (fresh !== true) throw new AuthError('dpop_proof_replayed', { claim: 'jti' });
    });
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
