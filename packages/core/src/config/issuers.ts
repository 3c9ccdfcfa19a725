import type { KeySource } from '../keys/index.js';
import {
  ASYMMETRIC_ALGORITHMS,
  isSupportedAlgorithm,
  isSymmetric,
  SUPPORTED_ALGORITHMS,
} from '../lib/crypto.js';
import type { IssuerOptions, VerifierOptions } from '../options.js';
import type { JwsAlgorithm } from '../types.js';
import { absoluteUrl, checkKnown, fail, stringList } from './values.js';

/** A trusted issuer as configured: its identifier, its own audience (if any), and its key source. */
export interface IssuerSettings {
  readonly issuer: string;
  /** This API's identifiers for this issuer's tokens; `undefined`: the verifier's `audience`. */
  readonly audience: readonly string[] | undefined;
  readonly source: KeySource;
}

/** The names an issuer entry may carry. */
export const ISSUER_OPTIONS = ['issuer', 'jwksUri', 'jwks', 'secret', 'audience'] as const;

export const audienceRequired =
  "audience is required: set it to this API's resource identifier (e.g. 'https://orders.example.com'); without " +
  'it any token from the issuer would be accepted, whichever API it was minted for. (For issuers that put no aud ' +
  'in access tokens, such as AWS Cognito, set clientId instead.)';

/**
 * The statically configured issuers, keyed by identifier, each with exactly one key source; none with a resolver.
 * `hasAudience`: the verifier has a default audience, or a client list for issuers without `aud`.
 */
export function resolveIssuers(
  options: VerifierOptions,
  algorithms: ReadonlySet<JwsAlgorithm>,
  hasAudience: boolean,
): Map<string, IssuerSettings> {
  const issuers = new Map<string, IssuerSettings>();
  if (typeof options.issuer === 'function') {
    if (options.jwksUri !== undefined || options.jwks !== undefined || options.secret !== undefined) {
      fail(
        'jwksUri, jwks and secret at the top level apply to one issuer; a resolver returns them per issuer.',
      );
    }
    if (!hasAudience) fail(audienceRequired);
    return issuers;
  }
  const entries = issuerEntries(options);
  for (const [i, entry] of entries.entries()) {
    const settings = issuerSettings(entry, algorithms, entries.length > 1 ? `issuer[${i}]` : 'issuer');
    if (issuers.has(settings.issuer)) fail(`issuer ${JSON.stringify(settings.issuer)} is configured twice.`);
    if (settings.audience === undefined && !hasAudience) fail(audienceRequired);
    issuers.set(settings.issuer, settings);
  }
  const hasSecret = [...issuers.values()].some((i) => i.source.kind === 'secret');
  for (const alg of algorithms) {
    if (isSymmetric(alg) && !hasSecret) {
      fail(`algorithms lists ${alg}, which needs a shared secret: set \`secret\`, or remove ${alg}.`);
    }
  }
  return issuers;
}

/** One issuer entry checked: known option names, a valid identifier, its audience, exactly one key source. */
export function issuerSettings(
  entry: IssuerOptions,
  algorithms: ReadonlySet<JwsAlgorithm>,
  where: string,
): IssuerSettings {
  if (typeof entry !== 'object' || entry === null)
    fail(`${where}: each issuer must be a string or an object.`);
  checkKnown(entry, ISSUER_OPTIONS, where);
  const issuer = checkIssuer(entry.issuer);
  const audience = entry.audience === undefined ? undefined : stringList(entry.audience, `${where}.audience`);
  if (audience?.length === 0) fail(`${where}.audience must name at least one identifier.`);
  return { issuer, audience, source: keySource(entry, issuer, algorithms) };
}

/** The `algorithms` allow-list: asymmetric by default, never `none`, never HS* mixed with asymmetric. */
export function resolveAlgorithms(algorithms: readonly string[] | undefined): ReadonlySet<JwsAlgorithm> {
  if (algorithms === undefined) return new Set(ASYMMETRIC_ALGORITHMS);
  if (!Array.isArray(algorithms) || algorithms.length === 0) fail('algorithms must be a non-empty array.');
  const out = new Set<JwsAlgorithm>();
  for (const alg of algorithms) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
      fail("algorithms must not include 'none': unsigned tokens can be forged by anyone.");
    }
    if (typeof alg !== 'string' || !isSupportedAlgorithm(alg)) {
      fail(
        `algorithms: ${JSON.stringify(alg)} is not supported; use some of ${SUPPORTED_ALGORITHMS.join(', ')}.`,
      );
    }
    out.add(alg as JwsAlgorithm);
  }
  const symmetric = [...out].filter(isSymmetric);
  if (symmetric.length > 0 && symmetric.length !== out.size) {
    // RFC 8725 §2.1: mixing lets a public key be used as an HMAC secret (algorithm confusion).
    fail('algorithms mixes HS* with asymmetric algorithms; use one kind per verifier.');
  }
  return out;
}

function issuerEntries(options: VerifierOptions): IssuerOptions[] {
  const raw = options.issuer;
  if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) {
    fail("issuer is required: the authorization server's issuer identifier, e.g. 'https://as.example.com'.");
  }
  const entries: IssuerOptions[] = (Array.isArray(raw) ? raw : [raw]).map((entry: unknown) =>
    typeof entry === 'string' ? { issuer: entry } : (entry as IssuerOptions),
  );
  const { jwksUri, jwks, secret } = options;
  if (jwksUri === undefined && jwks === undefined && secret === undefined) return entries;
  if (entries.length !== 1) {
    fail(
      'jwksUri, jwks and secret at the top level apply to a single issuer; with several, set them per issuer.',
    );
  }
  return [
    {
      ...(entries[0] as IssuerOptions),
      ...(jwksUri === undefined ? {} : { jwksUri }),
      ...(jwks === undefined ? {} : { jwks }),
      ...(secret === undefined ? {} : { secret }),
    },
  ];
}

function keySource(entry: IssuerOptions, issuer: string, algorithms: ReadonlySet<JwsAlgorithm>): KeySource {
  const given = [entry.jwksUri, entry.jwks, entry.secret].filter((v) => v !== undefined).length;
  if (given > 1) fail(`issuer ${issuer}: set only one of jwksUri, jwks and secret.`);
  if (entry.secret !== undefined) {
    if (![...algorithms].some(isSymmetric)) {
      fail(`issuer ${issuer}: a secret is set, so list the HS algorithm in \`algorithms\` (e.g. ['HS256']).`);
    }
    const secret = typeof entry.secret === 'string' ? new TextEncoder().encode(entry.secret) : entry.secret;
    if (secret.byteLength < 32)
      fail(`issuer ${issuer}: the secret must be at least 32 bytes (RFC 7518 §3.2).`);
    return { kind: 'secret', secret };
  }
  if (entry.jwks !== undefined) {
    if (!Array.isArray(entry.jwks?.keys)) fail(`issuer ${issuer}: jwks must be a JWK Set ({ keys: [...] }).`);
    return { kind: 'static', jwks: entry.jwks };
  }
  if (entry.jwksUri !== undefined) {
    const jwksUri = absoluteUrl(entry.jwksUri, 'jwksUri');
    if (issuer.startsWith('https:') && !jwksUri.startsWith('https:') && !isLoopback(jwksUri)) {
      fail(
        `issuer ${issuer}: jwksUri must be https like the issuer; keys over plain http can be swapped on the way.`,
      );
    }
    return { kind: 'jwks_uri', jwksUri };
  }
  return { kind: 'discovery' };
}

function checkIssuer(issuer: unknown): string {
  if (typeof issuer !== 'string' || issuer.length === 0) fail('each issuer must be a non-empty string.');
  const value = issuer as string;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`issuer ${JSON.stringify(value)} is not an absolute URL; use e.g. 'https://as.example.com'.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`issuer ${value} must be an https URL.`);
  if (url.search || url.hash) fail(`issuer ${value} must not have a query or fragment (RFC 8414 §2).`);
  return value;
}

/** Plain http is fine to this machine only (tests, a sidecar): nothing on a network hop can swap the keys. */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
