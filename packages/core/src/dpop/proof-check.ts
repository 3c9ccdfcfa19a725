import { LRUCache } from 'lru-cache';
import type { DpopSettings } from '../config/dpop.js';
import { AuthError } from '../errors.js';
import {
  type CryptoBackend,
  expectedSignatureLength,
  importVerificationKey,
  type VerificationKey,
} from '../lib/crypto.js';
import { constantTimeEqual, sha256Base64url } from '../lib/digest.js';
import { andThen, type Maybe } from '../lib/maybe.js';
import { htuMatches } from './htu.js';
import { DpopNonces } from './nonce.js';
import { type ProofParts, readProof } from './proof.js';
import { jwkThumbprint } from './thumbprint.js';

/** Proof keys kept imported, by algorithm and thumbprint: a client signs every proof with one key. */
const KEY_CACHE_MAX = 1000;
/** Origins whose nonces are kept (a server answers on one or a few). */
const NONCE_ORIGINS_MAX = 16;

/** What a proof check needs of the `dpop` settings. @internal */
export type ProofCheckSettings = Pick<
  DpopSettings,
  'algorithms' | 'maxAge' | 'clockTolerance' | 'replayCache' | 'nonce'
>;

/** The request one proof is checked against. @internal */
export interface ProofTarget {
  /** The request method, as `htm` must name it. */
  readonly method: string;
  /** The server's public origin, normalised (`https://as.example.com`). */
  readonly origin: string;
  /** The path the client asked for, without query. */
  readonly path: string;
  /** The access token sent with the proof: `ath` must be its hash. `undefined`: no token (a token request). */
  readonly accessToken: string | undefined;
  /** The thumbprint the proof's key must have (a token's `cnf.jkt`). `undefined`: any key. */
  readonly jkt: string | undefined;
}

/**
 * One DPoP proof checked for one request (RFC 9449 §4.3): form, `htm`, `htu`, `iat` window, nonce, `ath`, key
 * thumbprint, signature — then its `jti` recorded in the replay cache in one atomic set-if-absent, for exactly as
 * long as the proof could be accepted. Resolves to the proof key's RFC 7638 thumbprint. Shared by the resource
 * server's `DpopChecker` and, through `createDpopProofCheck`, the authorization server's token endpoint.
 * @internal
 */
export class ProofCheck {
  private readonly keys = new LRUCache<string, VerificationKey>({ max: KEY_CACHE_MAX });
  /** Nonces per origin, so a nonce issued for one server is never accepted by another sharing the secret. */
  private readonly nonces = new LRUCache<string, DpopNonces>({ max: NONCE_ORIGINS_MAX });

  constructor(
    private readonly settings: ProofCheckSettings,
    private readonly backend: CryptoBackend,
    private readonly now: () => number,
  ) {}

  /** The nonce clients must use now at `origin`, or `undefined` when nonces are off. */
  currentNonce(origin: string): Maybe<string> | undefined {
    return this.noncesFor(origin)?.current();
  }

  check(proof: string, target: ProofTarget): Maybe<string> {
    const { settings } = this;
    const parts = readProof(proof, settings.algorithms);
    if (parts.htm !== target.method) throw new AuthError('dpop_method_mismatch', { claim: 'htm' });
    if (!htuMatches(parts.htu, target.origin, target.path)) {
      throw new AuthError('dpop_uri_mismatch', { claim: 'htu' });
    }
    const now = this.now() / 1000;
    if (parts.iat > now + settings.clockTolerance) {
      throw new AuthError('dpop_proof_issued_in_future', { claim: 'iat' });
    }
    // How long this proof stays acceptable, from its own iat (never from now): the replay record lives that long.
    const ttl = parts.iat + settings.maxAge + settings.clockTolerance - now;
    if (ttl <= 0) throw new AuthError('dpop_proof_expired', { claim: 'iat' });
    return andThen(this.checkNonce(parts.nonce, target.origin), () =>
      andThen(this.checkAth(parts.ath, target.accessToken), () =>
        andThen(jwkThumbprint(parts.jwk), (thumbprint) => {
          if (target.jkt !== undefined && thumbprint !== target.jkt) {
            throw new AuthError('dpop_key_mismatch', { claim: 'cnf' });
          }
          // No thumbprint (a required member is not a string): nothing could ever be bound to this key.
          if (thumbprint === undefined) throw new AuthError('dpop_key_invalid');
          return andThen(this.checkSignature(parts, thumbprint), () =>
            andThen(this.record(thumbprint, parts.jti, ttl), () => thumbprint),
          );
        }),
      ),
    );
  }

  private noncesFor(origin: string): DpopNonces | undefined {
    const { nonce } = this.settings;
    if (nonce === undefined) return undefined;
    let nonces = this.nonces.get(origin);
    if (nonces === undefined) {
      nonces = new DpopNonces(nonce.secret, origin, nonce.stepSeconds, this.now);
      this.nonces.set(origin, nonces);
    }
    return nonces;
  }

  /** Without a token (a token request) there is nothing to hash: `ath` is not looked at. */
  private checkAth(ath: unknown, accessToken: string | undefined): Maybe<void> {
    if (accessToken === undefined) return;
    return andThen(sha256Base64url(accessToken), (expected) => {
      if (typeof ath !== 'string' || !constantTimeEqual(ath, expected)) {
        throw new AuthError('dpop_token_hash_mismatch', { claim: 'ath' });
      }
    });
  }

  /** §9: with nonces on, a proof must carry the current (or the previous) one; the refusal names the current. */
  private checkNonce(nonce: unknown, origin: string): Maybe<void> {
    const nonces = this.noncesFor(origin);
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

  private checkSignature(parts: ProofParts, thumbprint: string): Maybe<void> {
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
