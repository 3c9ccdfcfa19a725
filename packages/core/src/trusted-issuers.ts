import { LRUCache } from 'lru-cache';
import { type IssuerSettings, issuerSettings } from './config/issuers.js';
import type { VerifierSettings } from './config/settings.js';
import { AuthError, ConfigurationError } from './errors.js';
import { type KeySet, KeySets } from './keys/index.js';
import { nearMiss, warnOnce } from './lib/diagnostics.js';
import type { Maybe } from './lib/maybe.js';
import type { IssuerOptions } from './options.js';

/** An issuer this API trusts: its own audience here (if any), and where its keys come from. */
export interface TrustedIssuer {
  readonly issuer: string;
  /** This API's identifiers for this issuer's tokens; `undefined`: the verifier's `audience`. */
  readonly audience: readonly string[] | undefined;
  readonly keys: KeySet;
}

/**
 * The issuers this API trusts, looked up by a token's `iss`: the configured ones, or those an issuer resolver
 * vouches for. Resolver answers are cached (bounded, with a time to live), refusals too (a short negative cache), and
 * concurrent lookups of one `iss` share one call; a refused `iss` never causes a fetch. Key sets are shared by URL
 * across issuers.
 */
export class TrustedIssuers {
  private readonly configured = new Map<string, TrustedIssuer>();
  private readonly keySets: KeySets;
  private readonly resolved: LRUCache<string, TrustedIssuer> | undefined;
  private readonly refused: LRUCache<string, true> | undefined;
  private readonly pending = new Map<string, Promise<TrustedIssuer | undefined>>();

  constructor(private readonly settings: VerifierSettings) {
    this.keySets = new KeySets(settings.keySets);
    for (const issuer of settings.issuers.values()) this.configured.set(issuer.issuer, this.trust(issuer));
    const resolver = settings.resolver;
    if (resolver) {
      const perf = { now: settings.now };
      const { max, ttlMs, negativeTtlMs } = resolver.cache;
      this.resolved = new LRUCache({ max, ttl: ttlMs, ttlResolution: 0, perf });
      this.refused = new LRUCache({ max, ttl: negativeTtlMs, ttlResolution: 0, perf });
    }
  }

  /** The audiences of the configured issuers and the default audience, for metadata documents. */
  get audiences(): readonly string[] {
    const fallback = Array.isArray(this.settings.audience) ? this.settings.audience : [];
    const issuers = [...this.configured.values()];
    const all = issuers.length === 0 ? fallback : issuers.flatMap((i) => i.audience ?? fallback);
    return [...new Set(all)];
  }

  /** The issuer named by `iss`, compared exactly; an unknown one is refused without any network call. */
  lookUp(iss: string): Maybe<TrustedIssuer> {
    const configured = this.configured.get(iss);
    if (configured) return configured;
    if (!this.settings.resolver) throw this.unknown(iss);
    const resolved = this.resolved?.get(iss);
    if (resolved) return resolved;
    if (this.refused?.has(iss)) throw this.unknown(iss);
    let pending = this.pending.get(iss);
    if (!pending) {
      pending = this.resolve(iss).finally(() => this.pending.delete(iss));
      this.pending.set(iss, pending);
    }
    return pending.then((issuer) => {
      if (!issuer) throw this.unknown(iss);
      return issuer;
    });
  }

  private async resolve(iss: string): Promise<TrustedIssuer | undefined> {
    const resolver = this.settings.resolver as NonNullable<VerifierSettings['resolver']>;
    let answer: Awaited<ReturnType<typeof resolver.resolve>>;
    try {
      answer = await resolver.resolve(iss);
    } catch (cause) {
      throw new AuthError('issuer_lookup_failed', { cause, retryAfter: 1 });
    }
    if (answer === undefined || answer === null) {
      this.refused?.set(iss, true);
      return undefined;
    }
    if (typeof answer !== 'object') {
      throw new ConfigurationError('audguard: the issuer resolver must return issuer options or undefined.');
    }
    if (answer.issuer !== undefined && answer.issuer !== iss) {
      throw new ConfigurationError(
        `audguard: the issuer resolver answered for ${JSON.stringify(answer.issuer)} when asked about ` +
          `${JSON.stringify(iss)}; return the options of the issuer asked about, or undefined.`,
      );
    }
    const entry = { ...answer, issuer: iss } as IssuerOptions;
    const issuer = this.trust(issuerSettings(entry, this.settings.header.algorithms, 'issuer resolver'));
    this.resolved?.set(iss, issuer);
    return issuer;
  }

  private trust({ issuer, audience, source }: IssuerSettings): TrustedIssuer {
    return { issuer, audience, keys: this.keySets.forSource(issuer, source) };
  }

  /** `unknown_issuer`; when `iss` is a near miss of a configured issuer, the operator is told once why. */
  private unknown(iss: string): AuthError {
    for (const configured of this.configured.keys()) {
      const difference = nearMiss(iss, configured);
      if (difference === undefined) continue;
      const detail =
        `A token names the issuer ${JSON.stringify(iss)}, which differs from the configured issuer ` +
        `${JSON.stringify(configured)} only by ${difference}. Issuers are compared exactly: configure the issuer ` +
        'exactly as the authorization server writes it in "iss" (its metadata "issuer").';
      warnOnce('AUDGUARD_ISSUER_NEAR_MISS', configured, `audguard: issuer near miss (${difference})`, detail);
      return new AuthError('unknown_issuer', { cause: new Error(detail) });
    }
    return new AuthError('unknown_issuer');
  }
}
