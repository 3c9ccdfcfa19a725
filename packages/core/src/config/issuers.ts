import type { KeySource } from '../keys/index.js';
import {
  ASYMMETRIC_ALGORITHMS,
  isSupportedAlgorithm,
  isSymmetric,
  SUPPORTED_ALGORITHMS,
} from '../lib/crypto.js';
import type { IssuerOptions, VerifierOptions } from '../options.js';
import type { JwsAlgorithm } from '../types.js';
import { absoluteUrl, fail, stringList } from './values.js';

/** A trusted issuer as configured: its identifier, this API's audience for its tokens, and its key source. */
export interface IssuerSettings {
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly source: KeySource;
}

/** The configured issuers, keyed by identifier, each with an audience and exactly one key source. */
export function resolveIssuers(
  options: VerifierOptions,
  algorithms: ReadonlySet<JwsAlgorithm>,
): Map<string, IssuerSettings> {
  const defaultAudience =
    options.audience === undefined ? undefined : stringList(options.audience, 'audience');
  const issuers = new Map<string, IssuerSettings>();
  for (const entry of issuerEntries(options)) {
    const issuer = checkIssuer(entry.issuer);
    if (issuers.has(issuer)) fail(`issuer ${JSON.stringify(issuer)} is configured twice.`);
    const audience = entry.audience === undefined ? defaultAudience : stringList(entry.audience, 'audience');
    if (audience === undefined || audience.length === 0) {
      fail(
        `audience is required: set it to this API's resource identifier (e.g. 'https://orders.example.com'); ` +
          'without it any token from the issuer would be accepted, whichever API it was minted for.',
      );
    }
    issuers.set(issuer, { issuer, audience, source: keySource(entry, issuer, algorithms) });
  }
  const hasSecret = [...issuers.values()].some((i) => i.source.kind === 'secret');
  for (const alg of algorithms) {
    if (isSymmetric(alg) && !hasSecret) {
      fail(`algorithms lists ${alg}, which needs a shared secret: set \`secret\`, or remove ${alg}.`);
    }
  }
  return issuers;
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
  const entries: IssuerOptions[] = (Array.isArray(raw) ? raw : [raw]).map((entry: string | IssuerOptions) =>
    typeof entry === 'string' ? { issuer: entry } : entry,
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
  if (entry.jwksUri !== undefined)
    return { kind: 'jwks_uri', jwksUri: absoluteUrl(entry.jwksUri, 'jwksUri') };
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
