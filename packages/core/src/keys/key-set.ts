import { AuthError } from '../errors.js';
import type { CryptoBackend, VerificationKey } from '../lib/crypto.js';
import type { FetchJsonOptions } from '../lib/fetch-json.js';
import type { JwsAlgorithm } from '../types.js';

/** What a token asks of a key set: keys for its `alg`, its `kid` when it names one, for its issuer. */
export interface KeyQuery {
  readonly alg: JwsAlgorithm;
  readonly kid: string | undefined;
  /** The token's `iss`: a published key that names an `issuer` checks that issuer's tokens only. */
  readonly issuer?: string;
  /** The token's `tid` (Microsoft Entra ID), substituted for `{tenantid}` in a key's `issuer`. */
  readonly tenant?: string | undefined;
}

/**
 * Where the keys that may check a token come from. Static keys, a fetched JWKS, a discovered one and a shared
 * secret all answer these three questions, so the verifier never asks which kind it holds.
 */
export interface KeySet {
  /**
   * The keys for `query` when they can be had without waiting (loaded, imported, fresh enough); `undefined` when
   * the caller must wait for {@link keys}. The hot path: no promise per request.
   */
  keysNow(query: KeyQuery): readonly VerificationKey[] | undefined;
  /**
   * Every key that may check a token for `query`. Rejects with `unknown_key` (401) when none fits, or
   * `keys_unavailable` (503) when no key set can be had at all.
   */
  keys(query: KeyQuery): Promise<readonly VerificationKey[]>;
  /**
   * Whether `key` still belongs to this set. The verified-token cache asks on every hit, so a key withdrawn by
   * its issuer stops vouching for the tokens it signed.
   */
  stillTrusts(key: VerificationKey): boolean;
}

/** Settings of fetched key sets (durations in milliseconds). */
export interface KeySetSettings extends FetchJsonOptions {
  maxAgeMs: number;
  cooldownMs: number;
  staleIfErrorMs: number;
  errorBackoffMs: number;
  /** Origins besides the issuer's own that a discovered `jwks_uri` may name. */
  allowedOrigins: readonly string[];
  backend: CryptoBackend;
  now: () => number;
}

/** 401 `unknown_key`, keeping why (an import or refetch failure) for logs. */
export function unknownKey(cause?: unknown): AuthError {
  return new AuthError('unknown_key', cause === undefined ? {} : { cause });
}

/** 503 `keys_unavailable`: the API, not the client, is at fault; retry after the backoff. */
export function keysUnavailable(cause: unknown, retryAfterMs: number): AuthError {
  return new AuthError('keys_unavailable', {
    cause,
    retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });
}

/** One fetch at a time, and memory of the last failure so a broken endpoint is not hammered. */
export class SingleFlight<T> {
  private inflight: Promise<T> | undefined;
  private failure: { at: number; error: unknown } | undefined;

  constructor(
    private readonly run: () => Promise<T>,
    private readonly now: () => number,
  ) {}

  /** Whether a run is under way. */
  get busy(): boolean {
    return this.inflight !== undefined;
  }

  /** The last failure if it happened less than `ms` ago (and nothing is under way since). */
  failedWithin(ms: number): { at: number; error: unknown } | undefined {
    const failure = this.failure;
    return failure && !this.inflight && this.now() - failure.at < ms ? failure : undefined;
  }

  /** Joins the run under way, or starts one. */
  start(): Promise<T> {
    this.inflight ??= this.run().then(
      (value) => {
        this.inflight = undefined;
        this.failure = undefined;
        return value;
      },
      (error: unknown) => {
        this.inflight = undefined;
        this.failure = { at: this.now(), error };
        throw error;
      },
    );
    return this.inflight;
  }
}
