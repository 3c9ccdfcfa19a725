import { type DpopSettings, resolveDpop } from '../config/dpop.js';
import { defaultBackend } from '../lib/crypto.js';
import type { ReplayCache } from '../replay-cache.js';
import type { JwsAlgorithm } from '../types.js';
import type { DpopNonceOptions } from './options.js';
import { ProofCheck } from './proof-check.js';
import { dpopProofs } from './request.js';

/** Options of {@link createDpopProofCheck}: the rules of the resource server's `dpop` option, without `mode`. */
export interface DpopProofCheckOptions {
  /** Algorithms accepted for proofs. Asymmetric only. Default: every asymmetric one audguard supports. */
  algorithms?: readonly JwsAlgorithm[];
  /** Seconds a proof is accepted after its `iat` (RFC 9449 §11.1). Default `60`. */
  maxAge?: number;
  /** Seconds a proof's `iat` may lie in the future, also added to `maxAge`. Default `5`. */
  clockTolerance?: number;
  /**
   * Where each proof's `jti` is recorded, atomically, until the proof expires. Default: a new `MemoryReplayCache`
   * (one process); several instances behind one URL need a shared one, e.g. `createRedisReplayCache()`.
   */
  replayCache?: ReplayCache;
  /**
   * Server nonces (§8, §9), stateless: a proof must carry the current nonce of the URL's origin (or the previous
   * one). Default: none.
   */
  nonce?: DpopNonceOptions;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** The request a proof is checked for. */
export interface DpopProofRequest {
  /** The request method; the proof's `htm` must equal it (case-sensitive, RFC 9110). */
  method: string;
  /**
   * The URL the client called, from your configured public origin and the request's path — never from `Host`.
   * Query and fragment are ignored; `htu` is compared after RFC 3986 normalisation.
   */
  url: string;
  /** The access token sent with the proof, whose hash `ath` must be. Default: none — `ath` is not looked at. */
  accessToken?: string;
  /** The RFC 7638 thumbprint the proof's key must have (a token's `cnf.jkt`). Default: any key. */
  jkt?: string;
}

/** A reusable DPoP proof check, made by {@link createDpopProofCheck}. */
export interface DpopProofCheck {
  /** The algorithms accepted, for `dpop_signing_alg_values_supported` and challenges' `algs`. */
  readonly algorithms: readonly JwsAlgorithm[];
  /**
   * Checks one proof for one request — every check of RFC 9449 §4.3 — and records its `jti` in the replay cache in
   * one atomic set-if-absent, for as long as the proof could be accepted. Resolves to the proof key's RFC 7638
   * thumbprint (what `cnf.jkt` names). Rejects with an `AuthError`: code `invalid_dpop_proof` (its `reason` says
   * which check failed, e.g. `dpop_uri_mismatch`, `dpop_proof_replayed`), `use_dpop_nonce` (with `dpopNonce`, the
   * nonce to send back as `DPoP-Nonce`), `invalid_token` with reason `dpop_key_mismatch` (another key than `jkt`),
   * or `temporarily_unavailable` when the replay cache fails.
   */
  check(proof: string, request: DpopProofRequest): Promise<string>;
  /** The nonce clients must use now at `url`'s origin, or `undefined` when nonces are off. */
  currentNonce(url: string): Promise<string | undefined>;
}

/**
 * The resource server's DPoP proof check (RFC 9449 §4.3) on its own, for any server that receives proofs — an
 * authorization server's token endpoint among them. The options are checked here; a mistake throws a
 * `ConfigurationError` saying what to fix.
 * @example
 * ```ts
 * const proofs = createDpopProofCheck({ replayCache: createRedisReplayCache({ url }) });
 * const [proof] = dpopProofHeaders(request); // exactly one, or refuse
 * const jkt = await proofs.check(proof, { method: 'POST', url: 'https://as.example.com/token' });
 * ```
 */
export function createDpopProofCheck(options: DpopProofCheckOptions = {}): DpopProofCheck {
  const now = options.now ?? Date.now;
  if (typeof now !== 'function')
    throw new TypeError('audguard: now must be a function returning milliseconds.');
  const { now: _, ...rules } = options;
  // The resource server's validation and defaults, once: the origin is given per request here.
  const settings = resolveDpop(
    { ...rules, mode: 'allowed', origin: 'https://dpop.invalid' },
    undefined,
    5,
    now,
  ) as DpopSettings;
  const proofs = new ProofCheck(settings, defaultBackend, now);
  const target = (url: string) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {}
    if (parsed?.protocol !== 'https:' && parsed?.protocol !== 'http:') {
      throw new TypeError(`audguard: ${JSON.stringify(url)} is not an http(s) URL.`);
    }
    return { origin: parsed.origin, path: parsed.pathname };
  };
  return {
    algorithms: [...settings.algorithms],
    async check(proof, request) {
      return proofs.check(proof, {
        method: request.method,
        ...target(request.url),
        accessToken: request.accessToken,
        jkt: request.jkt,
      });
    },
    async currentNonce(url) {
      return proofs.currentNonce(target(url).origin);
    },
  };
}

/**
 * The `DPoP` header values of a web `Request` or a Node request, one entry per proof; RFC 9449 §4.3 wants exactly
 * one, so refuse any other count (a comma means two proofs: a JWS never holds one).
 */
export function dpopProofHeaders(
  request: Request | { headers: Record<string, string | string[] | undefined> },
): string[] {
  return dpopProofs(request as Parameters<typeof dpopProofs>[0]);
}
