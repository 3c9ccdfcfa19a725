import type { CryptoBackend } from '../lib/crypto.js';
import { importVerificationKey, keyFits, type VerificationKey } from '../lib/crypto.js';
import type { JsonWebKey, JwsAlgorithm } from '../types.js';
import { type KeyQuery, type KeySet, unknownKey } from './key-set.js';

/** A published key's import result per algorithm; failures are remembered so bad material is parsed once. */
type Imported = VerificationKey | { failed: unknown };

/**
 * A set of published keys held in memory: static keys from the configuration, or one fetch of a JWKS. It picks the
 * keys that fit a token (RFC 8725 §3.1: `use`, `key_ops`, `alg`, `kty`, curve, RSA size, `kid`) and imports each
 * once per algorithm.
 */
export class LocalKeySet implements KeySet {
  private readonly fingerprints: ReadonlySet<string>;
  private readonly imported = new WeakMap<JsonWebKey, Map<JwsAlgorithm, Imported>>();

  constructor(
    readonly jwks: readonly JsonWebKey[],
    private readonly backend: CryptoBackend,
  ) {
    this.fingerprints = new Set(jwks.map(fingerprint));
  }

  /** The published keys that may check a token for `query`. */
  select(query: KeyQuery): JsonWebKey[] {
    const { alg, kid } = query;
    return this.jwks.filter(
      (jwk) => (kid === undefined || jwk.kid === kid) && keyFits(jwk, alg) && keyOfIssuer(jwk, query),
    );
  }

  /** Whether any published key carries `kid`, fitting or not. */
  hasKid(kid: string): boolean {
    return this.jwks.some((jwk) => jwk.kid === kid);
  }

  keysNow(query: KeyQuery): readonly VerificationKey[] | undefined {
    const keys: VerificationKey[] = [];
    for (const jwk of this.select(query)) {
      const imported = this.imported.get(jwk)?.get(query.alg);
      if (imported === undefined) return undefined;
      if (!('failed' in imported)) keys.push(imported);
    }
    return keys.length === 0 ? undefined : keys;
  }

  async keys(query: KeyQuery): Promise<readonly VerificationKey[]> {
    const { keys, failure } = await this.importFitting(query);
    if (keys.length === 0) throw unknownKey(failure);
    return keys;
  }

  stillTrusts(key: VerificationKey): boolean {
    return key.jwk !== undefined && this.fingerprints.has(fingerprint(key.jwk));
  }

  /**
   * Imports the fitting keys. Published but unusable key material counts as absent: it must not hide another key
   * with the same kid that works. `failure` is the first import failure, for logs.
   */
  async importFitting(query: KeyQuery): Promise<{ keys: VerificationKey[]; failure: unknown }> {
    const keys: VerificationKey[] = [];
    let failure: unknown;
    for (const jwk of this.select(query)) {
      const imported = await this.importKey(jwk, query.alg);
      if ('failed' in imported) failure ??= imported.failed;
      else keys.push(imported);
    }
    return { keys, failure };
  }

  private async importKey(jwk: JsonWebKey, alg: JwsAlgorithm): Promise<Imported> {
    let byAlg = this.imported.get(jwk);
    if (!byAlg) {
      byAlg = new Map();
      this.imported.set(jwk, byAlg);
    }
    let imported = byAlg.get(alg);
    if (!imported) {
      try {
        imported = await importVerificationKey(jwk, alg, this.backend);
      } catch (failed) {
        imported = { failed };
      }
      byAlg.set(alg, imported);
    }
    return imported;
  }
}

/**
 * Whether a key may check a token of the query's issuer. Microsoft Entra ID publishes one key set for every tenant
 * and scopes some keys to one tenant with an `issuer` member, `{tenantid}` standing for the token's `tid`: such a
 * key checks that issuer's tokens only. Keys without `issuer` serve every issuer of the set.
 */
function keyOfIssuer(jwk: JsonWebKey, { issuer, tenant }: KeyQuery): boolean {
  if (jwk.issuer === undefined || issuer === undefined) return true;
  if (typeof jwk.issuer !== 'string') return false;
  // Microsoft substitutes the template case-insensitively.
  const expected = tenant === undefined ? jwk.issuer : jwk.issuer.replace(/\{tenantid\}/gi, tenant);
  return expected === issuer;
}

const fingerprints = new WeakMap<JsonWebKey, string>();

/**
 * A key's identity across refetches of an unchanged key. It covers what decides whether the key may be used
 * (`alg`, `use`, `key_ops`) as well as the material, so a key republished as `use: "enc"` or for another algorithm
 * stops vouching for the tokens it checked. Computed once per published key object.
 */
function fingerprint(jwk: JsonWebKey): string {
  let value = fingerprints.get(jwk);
  if (value === undefined) {
    value = JSON.stringify([
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
    fingerprints.set(jwk, value);
  }
  return value;
}
