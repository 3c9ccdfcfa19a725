import { LRUCache } from 'lru-cache';
import { AuthError, invalidToken } from './errors.js';
import {
  type AuthenticateRequest,
  extractBearerToken,
  extractBearerTokenSync,
  missingToken,
} from './extract.js';
import { expectedSignatureLength, isSupportedAlgorithm, type VerificationKey } from './lib/crypto.js';
import { IssuerKeys, type KeyHandle } from './lib/issuer-keys.js';
import { decodeJws } from './lib/jwt.js';
import {
  type ResolvedIssuer,
  type ResolvedOptions,
  resolveOptions,
  type VerifierOptions,
} from './options.js';
import { type AuthErrorResponse, renderAuthError } from './render.js';
import type { AccessToken, JwsAlgorithm, JwsHeader, JwtClaims } from './types.js';

/** How required scopes combine. */
export type ScopeMatch = 'all' | 'any';

/** Per-call options for {@link Verifier.verify}. */
export interface VerifyOptions {
  /** Scopes the request needs. Missing ones → 403 `insufficient_scope` naming them. Default: none. */
  scopes?: readonly string[];
  /** `'all'` (default): every listed scope; `'any'`: at least one. */
  scopeMatch?: ScopeMatch;
}

/** Per-call options for {@link Verifier.authenticate}. */
export interface AuthenticateOptions extends VerifyOptions {
  /**
   * `true` (default): a request without credentials is refused (401, no `error` attribute). `false`: it resolves to
   * `undefined` — a presented-but-bad token is still refused.
   */
  credentialsRequired?: boolean;
}

/** The verifier: every security decision audguard makes lives behind these methods. */
export interface Verifier<Claims extends object = Record<string, unknown>> {
  /** Verifies a compact JWT access token; resolves to the token or rejects with an {@link AuthError}. */
  verify(token: string, options?: VerifyOptions): Promise<AccessToken<Claims>>;
  /** Extracts the token from a request (RFC 6750 §2) and verifies it. */
  authenticate(
    request: AuthenticateRequest,
    options: AuthenticateOptions & { credentialsRequired: false },
  ): Promise<AccessToken<Claims> | undefined>;
  authenticate(request: AuthenticateRequest, options?: AuthenticateOptions): Promise<AccessToken<Claims>>;
  /**
   * {@link authenticate} for adapter authors: the same checks, but the answer comes synchronously whenever no I/O
   * is needed (a cached token, or loaded keys on the `node:crypto` backend) — a refusal is then thrown at once —
   * and as a promise otherwise. Framework middleware uses it to skip a promise and a microtask per request.
   */
  authenticateNow(
    request: AuthenticateRequest,
    options?: AuthenticateOptions,
  ): AccessToken<Claims> | undefined | Promise<AccessToken<Claims> | undefined>;
  /**
   * Throws 403 `insufficient_scope` unless `token` carries the scopes (or 401 with no `error` when there is no
   * token at all). What adapters' `requireScopes` call.
   */
  checkScopes(token: AccessToken<Claims> | undefined, scopes: readonly string[], match?: ScopeMatch): void;
  /** Renders an error with this verifier's `realm` and `resource_metadata`. */
  errorResponse(error: AuthError): AuthErrorResponse;
  /** The audiences this verifier accepts, across issuers (for metadata documents). */
  readonly audiences: readonly string[];
  /** Fetches made so far per issuer (key sets and discovery documents). For monitoring and tests. */
  fetchCounts(): Record<string, number>;
}

/** A decoded token whose header and issuer passed, on its way to the signature check. */
interface SignedToken {
  token: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  issuer: ResolvedIssuer;
  keys: IssuerKeys;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

interface CacheEntry {
  token: AccessToken<Record<string, unknown>>;
  /** `exp`, `nbf` and `iat` in seconds. */
  exp: number;
  nbf: number | undefined;
  iat: number | undefined;
  keys: IssuerKeys;
  handle: KeyHandle;
}

const FOREIGN_TYPES_MESSAGE = 'The token is not an access token (its "typ" names another kind of JWT).';

/**
 * Creates a verifier. The options are checked here, once; a mistake throws a `ConfigurationError` saying what to fix.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuer: 'https://as.example.com', audience: 'https://orders.example.com' });
 * const token = await verifier.authenticate(request, { scopes: ['orders:read'] });
 * ```
 */
export function createVerifier<Claims extends object = Record<string, unknown>>(
  options: VerifierOptions,
): Verifier<Claims> {
  return new AudguardVerifier<Claims>(resolveOptions(options));
}

class AudguardVerifier<Claims extends object> implements Verifier<Claims> {
  readonly audiences: readonly string[];
  private readonly keys = new Map<string, IssuerKeys>();
  private readonly cache: LRUCache<string, CacheEntry> | undefined;

  constructor(private readonly options: ResolvedOptions) {
    for (const issuer of options.issuers.values()) {
      this.keys.set(issuer.issuer, new IssuerKeys(issuer.issuer, issuer.source, options.keySet));
    }
    this.audiences = [...new Set([...options.issuers.values()].flatMap((i) => i.audience))];
    this.cache = options.cacheMax > 0 ? new LRUCache({ max: options.cacheMax }) : undefined;
  }

  async verify(token: string, options: VerifyOptions = {}): Promise<AccessToken<Claims>> {
    return this.withScopes(await this.verifyToken(token), options);
  }

  authenticate(
    request: AuthenticateRequest,
    options: AuthenticateOptions & { credentialsRequired: false },
  ): Promise<AccessToken<Claims> | undefined>;
  authenticate(request: AuthenticateRequest, options?: AuthenticateOptions): Promise<AccessToken<Claims>>;
  async authenticate(
    request: AuthenticateRequest,
    options: AuthenticateOptions = {},
  ): Promise<AccessToken<Claims> | undefined> {
    return this.authenticateNow(request, options);
  }

  authenticateNow(
    request: AuthenticateRequest,
    options: AuthenticateOptions = {},
  ): AccessToken<Claims> | undefined | Promise<AccessToken<Claims> | undefined> {
    const methods = this.options.bearerMethods;
    if (methods.body) {
      return extractBearerToken(request, methods).then((token) => this.verifyExtracted(token, options));
    }
    return this.verifyExtracted(extractBearerTokenSync(request, methods), options);
  }

  private verifyExtracted(
    token: string | undefined,
    options: AuthenticateOptions,
  ): AccessToken<Claims> | undefined | Promise<AccessToken<Claims>> {
    if (token === undefined) {
      if (options.credentialsRequired === false) return undefined;
      throw missingToken();
    }
    const verified = this.verifyToken(token);
    return verified instanceof Promise
      ? verified.then((t) => this.withScopes(t, options))
      : this.withScopes(verified, options);
  }

  private withScopes(token: AccessToken<Claims>, options: VerifyOptions): AccessToken<Claims> {
    if (options.scopes && options.scopes.length > 0)
      this.checkScopes(token, options.scopes, options.scopeMatch);
    return token;
  }

  checkScopes(
    token: AccessToken<Claims> | undefined,
    scopes: readonly string[],
    match: ScopeMatch = 'all',
  ): void {
    if (token === undefined) throw missingToken();
    if (scopes.length === 0) return;
    const ok =
      match === 'any' ? scopes.some((s) => token.scopes.has(s)) : scopes.every((s) => token.scopes.has(s));
    if (!ok) {
      throw new AuthError(
        'insufficient_scope',
        'insufficient_scope',
        match === 'any'
          ? `The access token needs one of these scopes: ${scopes.join(', ')}.`
          : `The access token lacks a required scope; needed: ${scopes.join(', ')}.`,
        { scopes },
      );
    }
  }

  errorResponse(error: AuthError): AuthErrorResponse {
    return renderAuthError(error, {
      ...(this.options.realm === undefined ? {} : { realm: this.options.realm }),
      ...(this.options.resourceMetadata === undefined
        ? {}
        : { resourceMetadata: this.options.resourceMetadata }),
    });
  }

  fetchCounts(): Record<string, number> {
    return Object.fromEntries([...this.keys].map(([issuer, keys]) => [issuer, keys.fetchCount]));
  }

  /** Synchronous until it has to wait for keys or for WebCrypto; refusals before that are thrown at once. */
  private verifyToken(token: string): AccessToken<Claims> | Promise<AccessToken<Claims>> {
    if (typeof token !== 'string' || token.length === 0) {
      throw invalidToken('malformed_token', 'The token is not a well-formed JWT.');
    }
    if (token.length > this.options.maxTokenLength) {
      throw invalidToken(
        'token_too_large',
        `The token is longer than ${this.options.maxTokenLength} characters.`,
      );
    }
    const cached = this.cache?.get(token);
    if (cached) {
      // A hit skips the signature, never the clock or the key's presence in the issuer's current set.
      this.checkTimes(cached.exp, cached.nbf, cached.iat);
      if (cached.keys.stillPublished(cached.handle)) return cached.token as AccessToken<Claims>;
      this.cache?.delete(token);
    }

    const { header, payload, signingInput, signature } = decodeJws(token);
    const alg = this.checkHeader(header);
    const issuer = this.lookUpIssuer(payload);
    const keys = this.keys.get(issuer.issuer) as IssuerKeys;

    const expected = expectedSignatureLength(alg);
    if (signature.length === 0 || (expected !== undefined && signature.length !== expected))
      throw badSignature();
    const kid = header.kid as string | undefined;
    const signed = { token, header, payload, issuer, keys, signingInput, signature };
    const ready = keys.candidatesNow(alg, kid);
    if (ready) return this.checkSignature(signed, ready);
    return keys.candidates(alg, kid).then((candidates) => this.checkSignature(signed, candidates));
  }

  private checkSignature(
    signed: SignedToken,
    candidates: VerificationKey[],
  ): AccessToken<Claims> | Promise<AccessToken<Claims>> {
    const found = firstVerifying(candidates, signed.signingInput, signed.signature);
    return found instanceof Promise
      ? found.then((key) => this.accept(signed, key))
      : this.accept(signed, found);
  }

  /** After the signature: the claims, then the frozen token, remembered by the cache. */
  private accept(signed: SignedToken, key: VerificationKey | undefined): AccessToken<Claims> {
    if (!key) throw badSignature();
    const { token, header, payload, issuer, keys } = signed;
    const { exp, nbf, iat } = this.checkClaims(header, payload, issuer);
    const verified = freezeToken<Claims>(token, header as JwsHeader, payload as JwtClaims, issuer.issuer);
    this.cache?.set(token, { token: verified, exp, nbf, iat, keys, handle: keys.handle(key) });
    return verified;
  }

  /** Everything decided from the header, before any key is looked up. */
  private checkHeader(header: Record<string, unknown>): JwsAlgorithm {
    const alg = header.alg;
    if (typeof alg !== 'string') throw invalidToken('malformed_token', 'The token header has no "alg".');
    if (!isSupportedAlgorithm(alg) || !this.options.algorithms.has(alg)) {
      throw invalidToken(
        'algorithm_not_allowed',
        "The token's signing algorithm is not accepted by this API.",
      );
    }
    if (!this.typeAllowed(header.typ)) throw invalidToken('type_not_allowed', FOREIGN_TYPES_MESSAGE);
    if (header.crit !== undefined) {
      throw invalidToken(
        'unsupported_critical_header',
        'The token has critical header parameters this API does not understand.',
      );
    }
    // RFC 8725 §3.10: a token never chooses the key that checks it.
    if (header.jku !== undefined || header.x5u !== undefined || header.jwk !== undefined) {
      throw invalidToken(
        'key_reference_in_header',
        'Tokens that carry or point to their own key are not accepted.',
      );
    }
    if (header.kid !== undefined && typeof header.kid !== 'string') {
      throw invalidToken('malformed_token', 'The token header "kid" must be a string.');
    }
    return alg;
  }

  private typeAllowed(typ: unknown): boolean {
    if (typ === undefined) return this.options.tokenType !== 'strict';
    if (typeof typ !== 'string') return false;
    const t = typ.toLowerCase();
    if (t === 'at+jwt' || t === 'application/at+jwt') return true;
    return this.options.tokenType !== 'strict' && (t === 'jwt' || t === 'application/jwt');
  }

  /** `iss` must be one of the configured issuers; an unknown one is refused without any network call. */
  private lookUpIssuer(payload: Record<string, unknown>): ResolvedIssuer {
    const iss = payload.iss;
    if (typeof iss !== 'string')
      throw invalidToken('missing_claim', 'The token has no "iss" claim.', { claim: 'iss' });
    const issuer = this.options.issuers.get(iss);
    if (!issuer)
      throw invalidToken('unknown_issuer', 'The token was issued by an issuer this API does not trust.');
    return issuer;
  }

  private checkClaims(
    header: Record<string, unknown>,
    payload: Record<string, unknown>,
    issuer: ResolvedIssuer,
  ): { exp: number; nbf: number | undefined; iat: number | undefined } {
    const exp = numericDate(payload, 'exp', true) as number;
    const nbf = numericDate(payload, 'nbf', false);
    const iat = numericDate(payload, 'iat', false);
    this.checkTimes(exp, nbf, iat);

    this.checkAudience(payload.aud, issuer.audience);

    for (const claim of ['sub', 'client_id', 'jti', 'scope'] as const) {
      if (payload[claim] !== undefined && typeof payload[claim] !== 'string') {
        throw invalidToken('invalid_claim', `The token's "${claim}" claim must be a string.`, { claim });
      }
    }
    const scp = payload.scp;
    if (
      scp !== undefined &&
      typeof scp !== 'string' &&
      !(Array.isArray(scp) && scp.every((s) => typeof s === 'string'))
    ) {
      throw invalidToken(
        'invalid_claim',
        'The token\'s "scp" claim must be a string or an array of strings.',
        { claim: 'scp' },
      );
    }
    if (this.options.tokenType === 'strict') {
      // RFC 9068 §2.2 required claims (iss, exp and aud are checked above).
      for (const claim of ['sub', 'client_id', 'iat', 'jti'] as const) {
        if (payload[claim] === undefined) {
          throw invalidToken('missing_claim', `The token has no "${claim}" claim (RFC 9068 §2.2).`, {
            claim,
          });
        }
      }
      if (typeof header.typ !== 'string') throw invalidToken('type_not_allowed', FOREIGN_TYPES_MESSAGE);
    }
    return { exp, nbf, iat };
  }

  private checkAudience(aud: unknown, accepted: readonly string[]): void {
    let values: readonly unknown[];
    if (typeof aud === 'string') values = [aud];
    else if (Array.isArray(aud)) values = aud;
    else if (aud === undefined)
      throw invalidToken('missing_claim', 'The token has no "aud" claim.', { claim: 'aud' });
    else values = [];
    if (values.length === 0 || values.some((v) => typeof v !== 'string')) {
      throw invalidToken(
        'invalid_claim',
        'The token\'s "aud" claim must be a string or an array of strings.',
        { claim: 'aud' },
      );
    }
    if (!values.some((v) => accepted.includes(v as string))) {
      throw invalidToken('audience_mismatch', 'The token was not issued for this API.', { claim: 'aud' });
    }
    if (this.options.audiencePolicy === 'exclusive' && values.some((v) => !accepted.includes(v as string))) {
      throw invalidToken(
        'audience_not_exclusive',
        'The token is also valid at other APIs; this API accepts only tokens issued for it alone.',
        { claim: 'aud' },
      );
    }
  }

  /**
   * The time claims against one reading of the clock: `exp`, `nbf`, `iat` not in the future, and `maxTokenAge`.
   * Run on every cache hit too — a cached token still expires and still grows old.
   */
  private checkTimes(exp: number, nbf: number | undefined, iat: number | undefined): void {
    const now = this.nowSeconds();
    const tolerance = this.options.clockTolerance;
    if (exp <= now - tolerance) throw invalidToken('expired', 'The token has expired.', { claim: 'exp' });
    if (nbf !== undefined && nbf > now + tolerance) {
      throw invalidToken('not_yet_valid', 'The token is not valid yet.', { claim: 'nbf' });
    }
    if (iat !== undefined && iat > now + tolerance) {
      throw invalidToken('issued_in_future', 'The token claims to be issued in the future.', {
        claim: 'iat',
      });
    }
    if (this.options.maxTokenAge !== undefined) {
      if (iat === undefined)
        throw invalidToken('missing_claim', 'The token has no "iat" claim.', { claim: 'iat' });
      if (now - iat > this.options.maxTokenAge + tolerance) {
        throw invalidToken('expired', 'The token is older than this API accepts.', { claim: 'iat' });
      }
    }
  }

  private nowSeconds(): number {
    return Math.floor(this.options.now() / 1000);
  }
}

/** The first key whose signature check passes; synchronous while the checks are (node:crypto). */
function firstVerifying(
  candidates: VerificationKey[],
  data: Uint8Array,
  signature: Uint8Array,
  from = 0,
): VerificationKey | undefined | Promise<VerificationKey | undefined> {
  for (let i = from; i < candidates.length; i++) {
    const key = candidates[i] as VerificationKey;
    let result: boolean | Promise<boolean>;
    try {
      result = key.verify(data, signature);
    } catch {
      continue;
    }
    if (result === true) return key;
    if (result instanceof Promise) {
      return result.then(
        (ok) => (ok ? key : firstVerifying(candidates, data, signature, i + 1)),
        () => firstVerifying(candidates, data, signature, i + 1),
      );
    }
  }
  return undefined;
}

/** The largest NumericDate a JavaScript Date can hold, in seconds. */
const MAX_NUMERIC_DATE = 8.64e12;

function numericDate(payload: Record<string, unknown>, claim: 'exp' | 'nbf' | 'iat', required: boolean) {
  const value = payload[claim];
  if (value === undefined) {
    if (required) throw invalidToken('missing_claim', `The token has no "${claim}" claim.`, { claim });
    return undefined;
  }
  // Beyond ±8.64e12 s a NumericDate is no Date at all (and a token "valid" for millions of years is no token).
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_NUMERIC_DATE) {
    throw invalidToken('invalid_claim', `The token's "${claim}" claim must be a number of seconds.`, {
      claim,
    });
  }
  return value;
}

function freezeToken<Claims extends object>(
  token: string,
  header: JwsHeader,
  claims: JwtClaims,
  issuer: string,
): AccessToken<Claims> {
  const scopes = new Set<string>();
  const addAll = (values: readonly string[]) => {
    for (const value of values) if (value) scopes.add(value);
  };
  if (typeof claims.scope === 'string') addAll(claims.scope.split(' '));
  if (typeof claims.scp === 'string') addAll(claims.scp.split(' '));
  else if (Array.isArray(claims.scp)) addAll(claims.scp);
  const clientId =
    typeof claims.client_id === 'string'
      ? claims.client_id
      : typeof claims.azp === 'string'
        ? claims.azp
        : undefined;
  return Object.freeze({
    token,
    header: Object.freeze(header),
    claims: Object.freeze(claims) as Readonly<JwtClaims & Claims>,
    issuer,
    subject: claims.sub,
    clientId,
    audience: Object.freeze(typeof claims.aud === 'string' ? [claims.aud] : [...(claims.aud ?? [])]),
    scopes: new ReadonlyScopeSet(scopes),
    expiresAt: new Date((claims.exp as number) * 1000),
    issuedAt: claims.iat === undefined ? undefined : new Date(claims.iat * 1000),
  });
}

/** A Set that cannot be changed after construction (the token object is shared through the cache). */
class ReadonlyScopeSet extends Set<string> {
  private sealed = false;
  constructor(values: Iterable<string>) {
    super(values);
    this.sealed = true;
  }
  override add(value: string): this {
    if (this.sealed) throw new TypeError('AccessToken.scopes is read-only');
    return super.add(value);
  }
  override delete(): boolean {
    throw new TypeError('AccessToken.scopes is read-only');
  }
  override clear(): void {
    throw new TypeError('AccessToken.scopes is read-only');
  }
}

function badSignature(): AuthError {
  return invalidToken('bad_signature', 'The token signature is invalid.');
}
