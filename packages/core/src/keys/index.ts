import type { JsonWebKeySet } from '../types.js';
import { DiscoveredKeySet } from './discovery.js';
import type { KeySet, KeySetSettings } from './key-set.js';
import { LocalKeySet } from './local.js';
import { RemoteKeySet } from './remote.js';
import { SecretKeySet } from './secret.js';

export type { KeyQuery, KeySet, KeySetSettings } from './key-set.js';

/** Where an issuer's keys come from, as configured. */
export type KeySource =
  | { readonly kind: 'static'; readonly jwks: JsonWebKeySet }
  | { readonly kind: 'secret'; readonly secret: Uint8Array }
  | { readonly kind: 'jwks_uri'; readonly jwksUri: string }
  | { readonly kind: 'discovery' };

/**
 * Builds the key sets of one verifier. Remote key sets are shared by URL: ten issuers (tenants) that publish at one
 * `jwks_uri` are one key set, one fetch, one unknown-kid budget.
 */
export class KeySets {
  private readonly remote = new Map<string, RemoteKeySet>();

  constructor(private readonly settings: KeySetSettings) {}

  /** The key set for an issuer's configured source. The one place that tells the kinds apart. */
  forSource(issuer: string, source: KeySource): KeySet {
    switch (source.kind) {
      case 'static':
        return new LocalKeySet(source.jwks.keys, this.settings.backend);
      case 'secret':
        return new SecretKeySet(source.secret, this.settings.backend);
      case 'jwks_uri':
        return this.at(source.jwksUri);
      case 'discovery':
        return new DiscoveredKeySet(issuer, this.settings, (jwksUri) => this.at(jwksUri));
    }
  }

  /** The remote key set at `jwksUri`, created on first use. */
  at(jwksUri: string): RemoteKeySet {
    let set = this.remote.get(jwksUri);
    if (!set) {
      set = new RemoteKeySet(jwksUri, this.settings);
      this.remote.set(jwksUri, set);
    }
    return set;
  }
}
