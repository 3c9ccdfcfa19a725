import type { VerificationKey } from '../lib/crypto.js';
import { publishKeys, reportKeysFailure } from '../lib/diagnostics.js';
import { FetchError, fetchJson } from '../lib/fetch-json.js';
import type { JsonWebKey } from '../types.js';
import {
  type KeyQuery,
  type KeySet,
  type KeySetSettings,
  keysUnavailable,
  SingleFlight,
  unknownKey,
} from './key-set.js';
import { LocalKeySet } from './local.js';

interface Loaded {
  readonly set: LocalKeySet;
  readonly fetchedAt: number;
}

/**
 * A JWKS fetched from a URL: fetched once and shared by every request (and every issuer that publishes there),
 * refreshed in the background after `maxAgeMs`, refetched for an unknown `kid` at most once per `cooldownMs`, and
 * kept serving for `staleIfErrorMs` past its age while refreshes fail. Every fetch is single-flight.
 */
export class RemoteKeySet implements KeySet {
  private current: Loaded | undefined;
  private readonly fetches: SingleFlight<Loaded>;
  private lastUnknownKidFetch = Number.NEGATIVE_INFINITY;

  constructor(
    readonly url: string,
    private readonly settings: KeySetSettings,
  ) {
    this.fetches = new SingleFlight(
      () =>
        this.load().catch((error: unknown) => {
          reportKeysFailure('fetch_failed', url, error);
          throw error;
        }),
      settings.now,
    );
  }

  keysNow(query: KeyQuery): readonly VerificationKey[] | undefined {
    const current = this.servable();
    const keys = current?.set.keysNow(query);
    if (keys) this.refreshIfOld(current as Loaded);
    return keys;
  }

  async keys(query: KeyQuery): Promise<readonly VerificationKey[]> {
    let { set, waited } = await this.usable();
    let cause: unknown;
    // A kid we have never seen: the issuer may have rotated. A request that just waited for a fetch already holds
    // the newest set, and a kid that is known but does not fit gains nothing from a refetch.
    const { kid } = query;
    if (kid !== undefined && !waited && !set.hasKid(kid) && set.select(query).length === 0) {
      try {
        const latest = await this.refetchForUnknownKid();
        if (latest) set = latest.set;
      } catch (error) {
        cause = error;
      }
    }
    const { keys, failure } = await set.importFitting(query);
    if (keys.length === 0) throw unknownKey(cause ?? failure);
    return keys;
  }

  stillTrusts(key: VerificationKey): boolean {
    const current = this.servable();
    if (!current) return false;
    this.refreshIfOld(current);
    return current.set.stillTrusts(key);
  }

  /** The current set while it may still serve (its age below `maxAgeMs + staleIfErrorMs`). */
  private servable(): Loaded | undefined {
    const current = this.current;
    const { maxAgeMs, staleIfErrorMs, now } = this.settings;
    return current && now() - current.fetchedAt < maxAgeMs + staleIfErrorMs ? current : undefined;
  }

  /** A set that may serve now; `waited` when this request had to wait for it to be fetched. */
  private async usable(): Promise<{ set: LocalKeySet; waited: boolean }> {
    const current = this.servable();
    if (current) {
      this.refreshIfOld(current);
      return { set: current.set, waited: false };
    }
    // Nothing usable: the request has to wait for keys, unless a fetch failed a moment ago.
    const { errorBackoffMs, now } = this.settings;
    const failure = this.fetches.failedWithin(errorBackoffMs);
    if (failure) throw keysUnavailable(failure.error, failure.at + errorBackoffMs - now());
    try {
      return { set: (await this.fetches.start()).set, waited: true };
    } catch (error) {
      throw keysUnavailable(error, errorBackoffMs);
    }
  }

  /**
   * The newest set for a kid missing from the current one, or `undefined` when the cooldown forbids a fetch. A fetch
   * already under way (a background refresh, another request's refetch) is joined at no cost, so the requests that
   * arrive with a new kid during a rotation all wait for that one fetch instead of being refused; otherwise at most
   * one fetch per cooldown, so a flood of made-up kids cannot become a flood of fetches.
   */
  private refetchForUnknownKid(): Promise<Loaded> | undefined {
    if (!this.fetches.busy) {
      const now = this.settings.now();
      if (now - this.lastUnknownKidFetch < this.settings.cooldownMs) return undefined;
      this.lastUnknownKidFetch = now;
    }
    return this.fetches.start();
  }

  /** Background refresh: requests keep using the current set; failures are remembered, never thrown here. */
  private refreshIfOld(current: Loaded): void {
    const { maxAgeMs, errorBackoffMs, now } = this.settings;
    if (this.fetches.busy || now() - current.fetchedAt < maxAgeMs) return;
    if (this.fetches.failedWithin(errorBackoffMs)) return;
    this.fetches.start().catch(() => {});
  }

  private async load(): Promise<Loaded> {
    const document = await fetchJson(this.url, this.settings);
    const keys = document.keys;
    if (!Array.isArray(keys)) throw new FetchError(`${this.url} is not a JWK Set: it has no "keys" array`);
    const jwks = keys.filter(
      (k): k is JsonWebKey => typeof k === 'object' && k !== null && typeof k.kty === 'string',
    );
    const loaded = { set: new LocalKeySet(jwks, this.settings.backend), fetchedAt: this.settings.now() };
    this.current = loaded;
    publishKeys(() => ({ type: 'fetched', url: this.url, keys: jwks.length }));
    return loaded;
  }
}
