import { LRUCache } from 'lru-cache';
import { checkAudience, readAudience } from './checks/audience.js';
import { checkClaimTypes, readIssuer } from './checks/claims.js';
import { checkHeader } from './checks/header.js';
import { checkScopes, type ScopeMatch } from './checks/scopes.js';
import { checkSignatureLength, verifyingKey } from './checks/signature.js';
import { checkTimes, readTimeClaims, type TimeClaims } from './checks/time.js';
import { freezeToken } from './checks/token.js';
import { resolveSettings, type VerifierSettings } from './config/settings.js';
import { AuthError } from './errors.js';
import { type AuthenticateRequest, extractBearerToken, extractBearerTokenSync } from './extract.js';
import type { VerificationKey } from './lib/crypto.js';
import { decodeJws } from './lib/jwt.js';
import { andThen, type Maybe } from './lib/maybe.js';
import type { VerifierOptions } from './options.js';
import { type AuthErrorResponse, renderAuthError } from './render.js';
import { type TrustedIssuer, TrustedIssuers } from './trusted-issuers.js';
import type { AccessToken, JwsHeader, JwtClaims } from './types.js';

export type { ScopeMatch } from './checks/scopes.js';

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
   * Throws 403 `insufficient_scope` unless `token` carries the scopes (or 401 with no `error` when there is no
   * token at all). What adapters' `requireScopes` call.
   */
  checkScopes(token: AccessToken<Claims> | undefined, scopes: readonly string[], match?: ScopeMatch): void;
  /** Renders an error with this verifier's `realm` and `resource_metadata`. */
  errorResponse(error: AuthError): AuthErrorResponse;
  /** The audiences this verifier accepts, across issuers (for metadata documents). */
  readonly audiences: readonly string[];
}

/** @internal The brand of a verifier, and what `@audguard/core/adapter` reaches through it. */
export const VERIFIER = Symbol.for('audguard.verifier');

/** @internal What adapters need beyond the public interface. */
export interface VerifierInternals {
  authenticateNow(
    request: AuthenticateRequest,
    options: AuthenticateOptions,
  ): Maybe<AccessToken<object> | undefined>;
}

interface CacheEntry {
  readonly token: AccessToken<Record<string, unknown>>;
  readonly times: TimeClaims;
  readonly issuer: TrustedIssuer;
  readonly key: VerificationKey;
}

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
  return new AudguardVerifier<Claims>(resolveSettings(options));
}

/**
 * The orchestration, and nothing else: extract → header policy → issuer → keys → signature → claims → token, with
 * the verified-token cache in front. Each step is a module of its own under `checks/` and `keys/`.
 */
class AudguardVerifier<Claims extends object> implements Verifier<Claims> {
  readonly audiences: readonly string[];
  readonly [VERIFIER]: VerifierInternals = {
    authenticateNow: (request, options) => this.authenticateNow(request, options),
  };
  private readonly issuers: TrustedIssuers;
  private readonly cache: LRUCache<string, CacheEntry> | undefined;

  constructor(private readonly settings: VerifierSettings) {
    this.issuers = new TrustedIssuers(settings);
    this.audiences = this.issuers.audiences;
    this.cache = settings.cacheMax > 0 ? new LRUCache({ max: settings.cacheMax }) : undefined;
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

  checkScopes(token: AccessToken<Claims> | undefined, scopes: readonly string[], match?: ScopeMatch): void {
    if (token === undefined) throw new AuthError('missing_token');
    checkScopes(token.scopes, scopes, match);
  }

  errorResponse(error: AuthError): AuthErrorResponse {
    return renderAuthError(error, this.settings.challenge);
  }

  /** Synchronous whenever no I/O is needed: a value, or a thrown `AuthError`; a promise otherwise. */
  private authenticateNow(
    request: AuthenticateRequest,
    options: AuthenticateOptions,
  ): Maybe<AccessToken<Claims> | undefined> {
    const methods = this.settings.bearerMethods;
    const token = methods.body
      ? extractBearerToken(request, methods)
      : extractBearerTokenSync(request, methods);
    return andThen(token, (found) => {
      if (found === undefined) {
        if (options.credentialsRequired === false) return undefined;
        throw new AuthError('missing_token');
      }
      return andThen(this.verifyToken(found), (verified) => this.withScopes(verified, options));
    });
  }

  private withScopes(token: AccessToken<Claims>, options: VerifyOptions): AccessToken<Claims> {
    if (options.scopes !== undefined) checkScopes(token.scopes, options.scopes, options.scopeMatch);
    return token;
  }

  private verifyToken(token: string): Maybe<AccessToken<Claims>> {
    if (typeof token !== 'string' || token.length === 0) throw new AuthError('malformed_token');
    const { maxTokenLength } = this.settings;
    if (token.length > maxTokenLength) {
      throw new AuthError('token_too_large', {
        description: `The token is longer than ${maxTokenLength} characters.`,
      });
    }
    const cached = this.fromCache(token);
    if (cached) return cached;

    const { header, payload, signingInput, signature } = decodeJws(token);
    const alg = checkHeader(header, this.settings.header);
    const issuer = this.issuers.lookUp(readIssuer(payload));
    checkSignatureLength(alg, signature);
    const query = { alg, kid: header.kid as string | undefined };
    const keys = issuer.keys.keysNow(query) ?? issuer.keys.keys(query);
    return andThen(
      andThen(keys, (candidates) => verifyingKey(candidates, signingInput, signature)),
      (key) => this.accept(token, header, payload, issuer, key),
    );
  }

  /** A hit skips the signature, never the clock or the key's presence in the issuer's current set. */
  private fromCache(token: string): AccessToken<Claims> | undefined {
    const cached = this.cache?.get(token);
    if (!cached) return undefined;
    checkTimes(cached.times, this.nowSeconds(), this.settings.time);
    if (cached.issuer.keys.stillTrusts(cached.key)) return cached.token as AccessToken<Claims>;
    this.cache?.delete(token);
    return undefined;
  }

  /** After the signature: the claims, then the frozen token, remembered by the cache. */
  private accept(
    token: string,
    header: Record<string, unknown>,
    payload: Record<string, unknown>,
    issuer: TrustedIssuer,
    key: VerificationKey,
  ): AccessToken<Claims> {
    const times = readTimeClaims(payload);
    checkTimes(times, this.nowSeconds(), this.settings.time);
    const audience = readAudience(payload.aud);
    checkAudience(audience, issuer.audience);
    checkClaimTypes(payload, this.settings.header.tokenType);
    const verified = freezeToken<Claims>(
      token,
      header as JwsHeader,
      payload as JwtClaims,
      issuer.issuer,
      audience,
    );
    this.cache?.set(token, { token: verified, times, issuer, key });
    return verified;
  }

  private nowSeconds(): number {
    return Math.floor(this.settings.now() / 1000);
  }
}
