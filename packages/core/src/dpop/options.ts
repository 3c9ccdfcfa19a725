import type { ReplayCache } from '../replay-cache.js';
import type { JwsAlgorithm } from '../types.js';

/**
 * `'allowed'`: DPoP-bound tokens (`cnf.jkt`) need `Authorization: DPoP` and a valid proof; bearer tokens still
 * pass. `'required'`: only DPoP-bound tokens with a valid proof pass.
 */
export type DpopMode = 'allowed' | 'required';

/** RFC 9449 server nonces (§9), stateless: see {@link DpopOptions.nonce}. */
export interface DpopNonceOptions {
  /**
   * The HMAC key nonces are made with, at least 32 bytes. Give every instance of this API the same secret: they then
   * issue and accept the same nonces with no shared state.
   */
  secret: string | Uint8Array;
  /** Seconds per nonce: a nonce is accepted for one to two steps. Default `60`. */
  stepSeconds?: number;
}

/** The `dpop` option in full (RFC 9449): `'allowed'` and `'required'` are `{ mode }` with these defaults. */
export interface DpopOptions {
  /** See {@link DpopMode}. */
  mode: DpopMode;
  /** Algorithms accepted for proofs, listed in challenges as `algs`. Asymmetric only. Default: every supported asymmetric one. */
  algorithms?: readonly JwsAlgorithm[];
  /** Seconds a proof is accepted after its `iat` (§11.1). Default `60`. */
  maxAge?: number;
  /** Seconds a proof's `iat` may lie in the future, and added to `maxAge`. Default: the verifier's `clockTolerance` (`5`). */
  clockTolerance?: number;
  /**
   * This API's public origin, e.g. `'https://api.example.com'`: a proof's `htu` must be this origin and the path the
   * client requested (the `Host` header is never trusted for it). Default: the origin of `audience` when every
   * configured audience is an http(s) URL of one origin; otherwise required.
   */
  origin?: string;
  /**
   * Where each proof's `jti` is recorded, atomically, until the proof expires; a second use is refused. Default: a
   * `MemoryReplayCache` of this verifier (one process). Several instances behind one URL need a shared one, such as
   * `createRedisReplayCache()` from `@audguard/redis`.
   */
  replayCache?: ReplayCache;
  /** Server-provided nonces (§9): proofs must carry a recent one, which bounds how long a proof can be used. Default: none. */
  nonce?: DpopNonceOptions;
}
