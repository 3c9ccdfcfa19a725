import { AuthError, invalidToken } from '../errors.js';
import type { JsonWebKey, JsonWebKeySet, JwsAlgorithm } from '../types.js';
import {
  type CryptoBackend,
  importSecret,
  importVerificationKey,
  keyFits,
  type VerificationKey,
} from './crypto.js';
import { FetchError, fetchJson } from './fetch-json.js';
import { wellKnownUrl } from './well-known.js';

/** @internal Resolved key-set settings (all durations in milliseconds). */
export interface KeySetSettings {
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  maxBytes: number;
  maxAgeMs: number;
  cooldownMs: number;
  staleIfErrorMs: number;
  errorBackoffMs: number;
  backend: CryptoBackend;
  now: () => number;
}

/** @internal Where an issuer's keys come from. */
export type KeySource =
  | { kind: 'static'; jwks: JsonWebKeySet }
  | { kind: 'secret'; secret: Uint8Array }
  | { kind: 'jwks_uri'; jwksUri: string }
  | { kind: 'discovery' };

/** A key that checked a token, as remembered by the verified-token cache. */
export interface KeyHandle {
  readonly fingerprint: string;
}

interface LoadedSet {
  keys: JsonWebKey[];
  fingerprints: Set<string>;
  fetchedAt: number;
}

/** A published key's import result per algorithm; failures are remembered so bad material is parsed once. */
type Imported = VerificationKey | { failed: unknown };

/**
 * One issuer's signing keys: fetched once, shared by every request, refreshed in the background after `maxAgeMs`,
 * refetched on an unknown `kid` at most once per `cooldownMs`, and kept serving for `staleIfErrorMs` past their
 * age when refreshes fail. Every fetch is single-flight.
 */
export class IssuerKeys {
  private current: LoadedSet | undefined;
  private inflight: Promise<LoadedSet> | undefined;
  private lastFailure: { at: number; error: unknown } | undefined;
  private lastUnknownKidFetch = Number.NEGATIVE_INFINITY;
  private jwksUri: string | undefined;
  private readonly imported = new WeakMap<JsonWebKey, Map<JwsAlgorithm, Imported>>();
  private secretKeys: Map<JwsAlgorithm, VerificationKey> | undefined;
  /** Fetches made so far (key sets and metadata documents), for diagnostics and tests. */
  fetchCount = 0;

  constructor(
    readonly issuer: string,
    private readonly source: KeySource,
    private readonly settings: KeySetSettings,
  ) {
    if (source.kind === 'static') this.current = loaded(source.jwks.keys, Number.POSITIVE_INFINITY);
    if (source.kind === 'jwks_uri') this.jwksUri = source.jwksUri;
  }

  /**
   * The keys that may check a token with this `alg` and `kid`. Throws `unknown_key` (401) when none fits, or
   * `keys_unavailable` (503) when no key set can be had at all.
   */
  /**
   * The hot path of {@link candidates}, synchronous: the keys for `alg` and `kid` when the set is loaded and
   * servable and every fitting key is already imported; `undefined` when anything needs waiting for (a fetch, an
   * import, an unknown kid), and the caller then takes the asynchronous path.
   */
  candidatesNow(alg: JwsAlgorithm, kid: string | undefined): VerificationKey[] | undefined {
    const set = this.current;
    if (this.source.kind === 'secret' || !set || !this.isServable(set)) return undefined;
    const keys: VerificationKey[] = [];
    for (const jwk of select(set.keys, alg, kid)) {
      const imported = this.imported.get(jwk)?.get(alg);
      if (imported === undefined) return undefined;
      if (!('failed' in imported)) keys.push(imported);
    }
    if (keys.length === 0) return undefined;
    this.refreshIfOld(set);
    return keys;
  }

  async candidates(alg: JwsAlgorithm, kid: string | undefined): Promise<VerificationKey[]> {
    if (this.source.kind === 'secret') return [await this.secretKey(alg)];
    const { set, waited } = await this.usableSet();
    let fitting = select(set.keys, alg, kid);
    let cause: unknown;
    // A kid we have never seen: the issuer may have rotated. A request that just waited for a fetch already holds
    // the newest set, and a kid that is known but does not fit gains nothing from a refetch.
    if (fitting.length === 0 && kid !== undefined && !waited && !set.keys.some((k) => k.kid === kid)) {
      try {
        const latest = await this.refetchForUnknownKid();
        if (latest) fitting = select(latest.keys, alg, kid);
      } catch (error) {
        cause = error;
      }
    }
    const keys: VerificationKey[] = [];
    for (const jwk of fitting) {
      const imported = await this.importKey(jwk, alg);
      if ('failed' in imported) cause ??= imported.failed;
      else keys.push(imported);
    }
    if (keys.length === 0) {
      throw invalidToken(
        'unknown_key',
        'The token was signed with a key this API does not accept.',
        cause === undefined ? {} : { cause },
      );
    }
    return keys;
  }

  /** A stable identity for `key`, valid across refetches of an unchanged key. */
  handle(key: VerificationKey): KeyHandle {
    return { fingerprint: key.jwk ? fingerprint(key.jwk) : 'secret' };
  }

  /**
   * Whether the key behind `handle` is still published: the verified-token cache asks on every hit, so a key removed
   * from the issuer's set stops vouching for the tokens it signed. Kicks a background refresh when the set is old.
   */
  stillPublished(handle: KeyHandle): boolean {
    if (this.source.kind === 'secret') return true;
    const set = this.current;
    if (!set || !this.isServable(set)) return false;
    this.refreshIfOld(set);
    return set.fingerprints.has(handle.fingerprint);
  }

  /**
   * The newest set for a kid missing from the current one, or `undefined` when the cooldown forbids a fetch. A fetch
   * already under way (a background refresh, another request's refetch) is joined at no cost, so the requests that
   * arrive with a new kid during a rotation all wait for that one fetch instead of being refused; otherwise at most
   * one fetch per cooldown, so a flood of made-up kids cannot become a flood of fetches.
   */
  private refetchForUnknownKid(): Promise<LoadedSet> | undefined {
    if (this.source.kind === 'static') return undefined;
    if (!this.inflight) {
      const now = this.settings.now();
      if (now - this.lastUnknownKidFetch < this.settings.cooldownMs) return undefined;
      this.lastUnknownKidFetch = now;
    }
    return this.refresh();
  }

  /** A set that may serve now; `waited` when this request had to wait for it to be fetched. */
  private async usableSet(): Promise<{ set: LoadedSet; waited: boolean }> {
    const set = this.current;
    if (set && this.isServable(set)) {
      this.refreshIfOld(set);
      return { set, waited: false };
    }
    // Nothing usable: the request has to wait for keys, unless a fetch failed a moment ago.
    const failure = this.lastFailure;
    const now = this.settings.now();
    if (failure && !this.inflight && now - failure.at < this.settings.errorBackoffMs) {
      throw this.unavailable(failure.error, failure.at + this.settings.errorBackoffMs - now);
    }
    try {
      return { set: await this.refresh(), waited: true };
    } catch (error) {
      throw this.unavailable(error, this.settings.errorBackoffMs);
    }
  }

  private isServable(set: LoadedSet): boolean {
    return this.settings.now() - set.fetchedAt < this.settings.maxAgeMs + this.settings.staleIfErrorMs;
  }

  private refreshIfOld(set: LoadedSet): void {
    if (this.source.kind === 'static' || this.inflight) return;
    if (this.settings.now() - set.fetchedAt < this.settings.maxAgeMs) return;
    const failure = this.lastFailure;
    if (failure && this.settings.now() - failure.at < this.settings.errorBackoffMs) return;
    // Background refresh: requests keep using the current set; failures are remembered, never thrown here.
    this.refresh().catch(() => {});
  }

  /** Single-flight fetch of the key set (after discovery if needed). */
  private refresh(): Promise<LoadedSet> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async load(): Promise<LoadedSet> {
    try {
      const jwksUri = this.jwksUri ?? (await this.discover());
      this.jwksUri = jwksUri;
      this.fetchCount++;
      const document = await fetchJson(jwksUri, this.settings);
      const keys = document.keys;
      if (!Array.isArray(keys)) throw new FetchError(`${jwksUri} is not a JWK Set: it has no "keys" array`);
      const set = loaded(
        keys.filter((k): k is JsonWebKey => typeof k === 'object' && k !== null && typeof k.kty === 'string'),
        this.settings.now(),
      );
      this.current = set;
      this.lastFailure = undefined;
      return set;
    } catch (error) {
      this.lastFailure = { at: this.settings.now(), error };
      throw error;
    }
  }

  /**
   * RFC 8414 §3 metadata (well-known suffix inserted between host and path), then OpenID Connect Discovery. The
   * document's `issuer` must be identical to the configured one (RFC 8414 §3.3), or it is not used.
   */
  private async discover(): Promise<string> {
    const candidates = [
      wellKnownUrl(this.issuer, 'oauth-authorization-server'),
      // OpenID Connect Discovery 1.0 §4 appends instead of inserting.
      `${this.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    ];
    const failures: unknown[] = [];
    for (const candidate of candidates) {
      try {
        this.fetchCount++;
        const metadata = await fetchJson(candidate, this.settings);
        if (metadata.issuer !== this.issuer) {
          throw new FetchError(
            `${candidate} names issuer ${JSON.stringify(metadata.issuer)}, not ${JSON.stringify(this.issuer)}`,
          );
        }
        const jwksUri = metadata.jwks_uri;
        if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) {
          throw new FetchError(`${candidate} has no usable jwks_uri`);
        }
        return jwksUri;
      } catch (error) {
        failures.push(error);
      }
    }
    throw new FetchError(`discovery failed for issuer ${this.issuer}`, {
      cause: new AggregateError(failures),
    });
  }

  private unavailable(cause: unknown, retryAfterMs: number): AuthError {
    return new AuthError(
      'temporarily_unavailable',
      'keys_unavailable',
      'The API cannot check tokens right now because its authorization server keys are unavailable. Retry later.',
      { cause, retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)) },
    );
  }

  /**
   * Published but unusable key material counts as absent: it must not hide another key with the same kid that
   * works, and it is parsed once per fetched set, not on every request that names it.
   */
  private async importKey(jwk: JsonWebKey, alg: JwsAlgorithm): Promise<Imported> {
    let byAlg = this.imported.get(jwk);
    if (!byAlg) {
      byAlg = new Map();
      this.imported.set(jwk, byAlg);
    }
    let imported = byAlg.get(alg);
    if (!imported) {
      try {
        imported = await importVerificationKey(jwk, alg, this.settings.backend);
      } catch (failed) {
        imported = { failed };
      }
      byAlg.set(alg, imported);
    }
    return imported;
  }

  private async secretKey(alg: JwsAlgorithm): Promise<VerificationKey> {
    this.secretKeys ??= new Map();
    let key = this.secretKeys.get(alg);
    if (!key && this.source.kind === 'secret') {
      key = await importSecret(this.source.secret, alg, this.settings.backend);
      this.secretKeys.set(alg, key);
    }
    if (!key) throw invalidToken('unknown_key', 'The token was signed with a key this API does not accept.');
    return key;
  }
}

function loaded(keys: JsonWebKey[], fetchedAt: number): LoadedSet {
  return { keys, fingerprints: new Set(keys.map(fingerprint)), fetchedAt };
}

function select(keys: JsonWebKey[], alg: JwsAlgorithm, kid: string | undefined): JsonWebKey[] {
  return keys.filter((jwk) => (kid === undefined || jwk.kid === kid) && keyFits(jwk, alg));
}

/**
 * A key's identity for the verified-token cache. It covers what decides whether the key may be used (`alg`, `use`,
 * `key_ops`) as well as the material, so a key republished as `use: "enc"` or for another algorithm stops vouching
 * for the tokens it checked.
 */
function fingerprint(jwk: JsonWebKey): string {
  return JSON.stringify([
    jwk.kty,
    jwk.kid,
    jwk.crv,
    jwk.n,
    jwk.e,
    jwk.x,
    jwk.y,
    jwk.alg,
    jwk.use,
    Array.isArray(jwk.key_ops) ? [...jwk.key_ops].sort() : jwk.key_ops,
  ]);
}
