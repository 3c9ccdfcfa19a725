import type { VerificationKey } from '../lib/crypto.js';
import { publishKeys, reportKeysFailure } from '../lib/diagnostics.js';
import { FetchError, type FetchJsonOptions, fetchJson } from '../lib/fetch-json.js';
import { wellKnownUrl } from '../lib/well-known.js';
import { type KeyQuery, type KeySet, type KeySetSettings, keysUnavailable, SingleFlight } from './key-set.js';

/**
 * The issuer's `jwks_uri`: RFC 8414 §3 metadata (well-known suffix inserted before the issuer's path), then OpenID
 * Connect Discovery (appended). A document whose `issuer` is not identical to `issuer` is not used (RFC 8414 §3.3).
 */
export async function discoverJwksUri(
  issuer: string,
  options: FetchJsonOptions & { readonly allowedOrigins: readonly string[] },
): Promise<string> {
  const candidates = [
    wellKnownUrl(issuer, 'oauth-authorization-server'),
    `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
  ];
  const failures: unknown[] = [];
  for (const candidate of candidates) {
    try {
      const metadata = await fetchJson(candidate, options);
      if (metadata.issuer !== issuer) {
        throw new FetchError(
          `${candidate} names issuer ${JSON.stringify(metadata.issuer)}, not ${JSON.stringify(issuer)}`,
        );
      }
      return checkJwksUri(metadata.jwks_uri, issuer, candidate, options.allowedOrigins);
    } catch (error) {
      failures.push(error);
    }
  }
  throw new FetchError(`discovery failed for issuer ${issuer}`, { cause: new AggregateError(failures) });
}

/**
 * A discovered `jwks_uri` is only as trustworthy as the hop it is fetched over: an `https:` issuer's keys must come
 * over `https:` too (RFC 8414 §2; otherwise anyone on that hop can inject keys), and from the issuer's own origin
 * unless the operator allowed another (`jwksOptions.allowedOrigins`: Google publishes at www.googleapis.com).
 */
function checkJwksUri(value: unknown, issuer: string, document: string, allowed: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    throw new FetchError(`${document} has no usable jwks_uri`);
  }
  if (typeof value !== 'string' || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new FetchError(`${document} has no usable jwks_uri`);
  }
  const issuerOrigin = new URL(issuer).origin;
  if (issuerOrigin.startsWith('https:') && url.protocol !== 'https:') {
    throw new FetchError(
      `${document} names a jwks_uri over plain http (${value}) for an https issuer; refused`,
    );
  }
  if (url.origin !== issuerOrigin && !allowed.includes(url.origin)) {
    throw new FetchError(
      `${document} names a jwks_uri on another origin (${url.origin}); allow it with jwksOptions.allowedOrigins`,
    );
  }
  return value;
}

/**
 * The key set of an issuer configured without `jwksUri`: discovered on first use (single-flight, with the same
 * error backoff as key fetches), then the remote key set at the discovered URL — shared with every other issuer
 * that publishes there.
 */
export class DiscoveredKeySet implements KeySet {
  private remote: KeySet | undefined;
  private readonly discovery: SingleFlight<KeySet>;

  constructor(
    readonly issuer: string,
    private readonly settings: KeySetSettings,
    remoteFor: (jwksUri: string) => KeySet,
  ) {
    this.discovery = new SingleFlight(async () => {
      let jwksUri: string;
      try {
        jwksUri = await discoverJwksUri(issuer, settings);
      } catch (error) {
        reportKeysFailure('discovery_failed', issuer, error);
        throw error;
      }
      publishKeys(() => ({ type: 'discovered', url: issuer, jwksUri }));
      this.remote = remoteFor(jwksUri);
      return this.remote;
    }, settings.now);
  }

  keysNow(query: KeyQuery): readonly VerificationKey[] | undefined {
    return this.remote?.keysNow(query);
  }

  async keys(query: KeyQuery): Promise<readonly VerificationKey[]> {
    return (this.remote ?? (await this.discover())).keys(query);
  }

  stillTrusts(key: VerificationKey): boolean {
    return this.remote?.stillTrusts(key) ?? false;
  }

  private async discover(): Promise<KeySet> {
    const { errorBackoffMs, now } = this.settings;
    const failure = this.discovery.failedWithin(errorBackoffMs);
    if (failure) throw keysUnavailable(failure.error, failure.at + errorBackoffMs - now());
    try {
      return await this.discovery.start();
    } catch (error) {
      throw keysUnavailable(error, errorBackoffMs);
    }
  }
}
