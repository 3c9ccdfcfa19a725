import type { LRUCache } from 'lru-cache';
import { AudiencePolicies, callAudience } from './audience-policies.js';
import { readIssuer } from './checks/claims.js';
import { checkHeader } from './checks/header.js';
import { checkPayload, type Prepared, recheckPrepared } from './checks/payload.js';
import { challengeScopes, checkTokenScopes, type ScopeMatch } from './checks/scopes.js';
import { checkSignatureLength, verifyingKey } from './checks/signature.js';
import { checkTokenString, freezeToken, isVerifiedToken } from './checks/token.js';
import { applyValidator } from './checks/validate.js';
import { resolveSettings, type VerifierSettings } from './config/settings.js';
import { publishAccepted, publishRefused } from './decisions.js';
import { authenticateWithDpop, confirmBinding, type TokenSteps, tagScheme } from './dpop/authenticate.js';
import { DpopChecker } from './dpop/check.js';
import { AuthError } from './errors.js';
import { type AuthenticateRequest, extractBearerToken, extractBearerTokenSync } from './extract.js';
import { type IntrospectionEntry, Introspector } from './introspection/introspector.js';
import type { VerificationKey } from './lib/crypto.js';
import { decodeJws } from './lib/jwt.js';
import { andThen, type Maybe } from './lib/maybe.js';
import { createTokenCache, entryBytes } from './lib/token-cache.js';
import type { VerifierOptions } from './options.js';
import { type AuthErrorResponse, renderAuthError } from './render.js';
import { type TrustedIssuer, TrustedIssuers } from './trusted-issuers.js';
import type { AccessToken, JwsHeader, JwtClaims } from './types.js';
import {
  type AuthenticateOptions,
  type CallContext,
  VERIFIER,
  type Verifier,
  type VerifierInternals,
  type VerifyOptions,
} from './verifier-api.js';

export type { ScopeMatch } from './checks/scopes.js';
export {
  type AuthenticateOptions,
  VERIFIER,
  type Verifier,
  type VerifierInternals,
  type VerifyOptions,
} from './verifier-api.js';

interface CacheEntry extends Prepared {
  /** Estimated memory held, for the cache's byte bound. */
  readonly bytes: number;
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
  readonly [VERIFIER]: VerifierInternals = {
    authenticateNow: (request, options) => this.authenticateNow(request, options),
    authorize: (token, required, match, needed, request) =>
      this.authorize(token, required, match, needed, request),
  };
  private readonly issuers: TrustedIssuers;
  private readonly cache: LRUCache<string, CacheEntry> | undefined;
  private readonly policies: AudiencePolicies;
  /** The token and scope checks, for the DPoP request path (made once, not per request). */
  private readonly steps: TokenSteps<AccessToken<Claims>> = {
    verifyToken: (token, context) => this.verifyToken(token, context),
    withScopes: (token, options) => this.withScopes(token, options),
  };
  private readonly dpop: DpopChecker | undefined;
  private readonly introspector: Introspector | undefined;

  constructor(private readonly settings: VerifierSettings) {
    this.issuers = new TrustedIssuers(settings);
    this.policies = new AudiencePolicies(settings);
    this.cache = createTokenCache(settings.cacheMax, settings.cacheMaxBytes);
    if (settings.dpop) this.dpop = new DpopChecker(settings.dpop, settings.keySets.backend, settings.now);
    if (settings.introspection) {
      this.introspector = new Introspector(settings.introspection, {
        issuers: this.issuers,
        algorithms: settings.header.algorithms,
        clockTolerance: settings.time.clockTolerance,
        now: settings.now,
      });
    }
  }

  get audiences(): readonly string[] {
    return this.issuers.audiences;
  }

  async verify(token: string, options: VerifyOptions = {}): Promise<AccessToken<Claims>> {
    const context = { request: undefined, audience: callAudience(options) };
    try {
      const found = await this.verifyToken(token, context);
      // No request, so no proof: a DPoP-bound token is refused, and with 'required' every token.
      const verified = this.dpop
        ? await confirmBinding(undefined, options, this.dpop, this.steps, found, undefined)
        : this.withScopes(found, options);
      publishAccepted(verified);
      return verified;
    } catch (error) {
      publishRefused(error);
      throw error;
    }
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
    this.authorize(token, scopes, match, scopes, undefined);
  }

  /**
   * The scope check of a route. Only a token this verifier produced counts: application code that puts a look-alike
   * object where the token goes (`req.auth = { scopes: … }`) is refused, not trusted.
   */
  private authorize(
    token: unknown,
    required: readonly string[],
    match: ScopeMatch | undefined,
    needed: readonly string[],
    request: AuthenticateRequest | undefined,
  ): void {
    try {
      if (token === undefined)
        throw new AuthError('missing_token', needed.length > 0 ? { scopes: needed } : {});
      if (!isVerifiedToken(token)) throw new AuthError('unverified_token');
      try {
        checkTokenScopes(token, required, match, needed);
      } catch (error) {
        // With DPoP on, a verified token came with the scheme its binding demands: that challenge gets the 403.
        if (this.dpop)
          tagScheme(error, (token.claims as JwtClaims).cnf?.jkt === undefined ? 'Bearer' : 'DPoP');
        throw error;
      }
    } catch (error) {
      publishRefused(error, request);
      throw error;
    }
  }

  errorResponse(error: AuthError): AuthErrorResponse {
    return renderAuthError(error, this.settings.challenge);
  }

  /** Synchronous whenever no I/O is needed: a value, or a thrown `AuthError`; a promise otherwise. */
  private authenticateNow(
    request: AuthenticateRequest,
    options: AuthenticateOptions,
  ): Maybe<AccessToken<Claims> | undefined> {
    let result: Maybe<AccessToken<Claims> | undefined>;
    try {
      result = this.authenticateRequest(request, options);
    } catch (error) {
      challengeScopes(error, options.scopes);
      publishRefused(error, request);
      throw error;
    }
    if (!(result instanceof Promise)) {
      publishAccepted(result, request);
      return result;
    }
    return result.then(
      (token) => {
        publishAccepted(token, request);
        return token;
      },
      (error: unknown) => {
        challengeScopes(error, options.scopes);
        publishRefused(error, request);
        throw error;
      },
    );
  }

  private authenticateRequest(
    request: AuthenticateRequest,
    options: AuthenticateOptions,
  ): Maybe<AccessToken<Claims> | undefined> {
    if (this.dpop) {
      return authenticateWithDpop(request, options, this.dpop, this.settings.bearerMethods, this.steps);
    }
    const methods = this.settings.bearerMethods;
    const token = methods.body
      ? extractBearerToken(request, methods)
      : extractBearerTokenSync(request, methods);
    const context = { request, audience: callAudience(options) };
    return andThen(token, (found) => {
      if (found === undefined) {
        if (options.credentialsRequired === false) return undefined;
        throw new AuthError('missing_token');
      }
      return andThen(this.verifyToken(found, context), (verified) => this.withScopes(verified, options));
    });
  }

  private withScopes(token: AccessToken<Claims>, options: VerifyOptions): AccessToken<Claims> {
    if (options.scopes !== undefined) checkTokenScopes(token, options.scopes, options.scopeMatch);
    return token;
  }

  private verifyToken(token: string, context: CallContext): Maybe<AccessToken<Claims>> {
    checkTokenString(token, this.settings.maxTokenLength);
    if (this.introspector?.handles(token)) return this.introspected(token, context, this.introspector);
    const cached = this.fromCache(token, context);
    if (cached) return cached;

    const { header, payload, signingInput, signature } = decodeJws(token);
    const alg = checkHeader(header, this.settings.header);
    return andThen(this.issuers.lookUp(readIssuer(payload)), (issuer) => {
      checkSignatureLength(alg, signature);
      const tenant = typeof payload.tid === 'string' ? payload.tid : undefined;
      const query = { alg, kid: header.kid as string | undefined, issuer: issuer.issuer, tenant };
      const keys = issuer.keys.keysNow(query) ?? issuer.keys.keys(query);
      return andThen(
        andThen(keys, (candidates) => verifyingKey(candidates, signingInput, signature)),
        (key) => this.accept(token, header, payload, issuer, key, context),
      );
    });
  }

  /**
   * A hit skips the signature and the checks that depend on the token alone; never the clock, the audience this
   * request expects, the key's presence in the issuer's current set, or `validate`.
   */
  private fromCache(token: string, context: CallContext): Maybe<AccessToken<Claims>> | undefined {
    const cached = this.cache?.get(token);
    if (!cached) return undefined;
    recheckPrepared(cached, this.nowSeconds(), this.settings, () =>
      this.policies.for(cached.issuer, context),
    );
    if (!cached.issuer.keys.stillTrusts(cached.key)) {
      this.cache?.delete(token);
      return undefined;
    }
    return this.validated(cached.token as AccessToken<Claims>, context);
  }

  /** After the signature: the claims, then the frozen token, remembered by the cache. */
  private accept(
    token: string,
    header: Record<string, unknown>,
    payload: Record<string, unknown>,
    issuer: TrustedIssuer,
    key: VerificationKey,
    context: CallContext,
  ): Maybe<AccessToken<Claims>> {
    const prepared = this.prepare(token, header, payload, issuer, context);
    if (this.cache) {
      const bytes = entryBytes(token, payload);
      // An entry larger than the whole cache would only evict everything else.
      if (bytes <= this.settings.cacheMaxBytes) this.cache.set(token, { ...prepared, bytes, issuer, key });
    }
    return this.validated(prepared.token as AccessToken<Claims>, context);
  }

  /** Every check of a token's claims ({@link checkPayload}), then the frozen token. */
  private prepare(
    token: string,
    header: Record<string, unknown>,
    payload: Record<string, unknown>,
    issuer: TrustedIssuer,
    context: CallContext,
  ): Prepared {
    const { settings } = this;
    const policy = () => this.policies.for(issuer, context);
    const { times, audience } = checkPayload(payload, this.nowSeconds(), settings, policy);
    const verified = freezeToken<Claims>(
      token,
      header as JwsHeader,
      payload as JwtClaims,
      issuer.issuer,
      audience,
      settings.scopeClaims,
      settings.impliedScopes,
    );
    return { token: verified as AccessToken<Record<string, unknown>>, times, audience };
  }

  /**
   * An opaque token (or, with `jwts`, any token) by its introspection answer: inactive is `token_inactive`; an
   * active answer is held to every check a JWT's claims are, its `iss` (when given) must be the endpoint's issuer,
   * and a cached answer still meets the clock and this request's audience.
   */
  private introspected(
    token: string,
    context: CallContext,
    introspector: Introspector,
  ): Maybe<AccessToken<Claims>> {
    return andThen(introspector.answer(token), (entry: IntrospectionEntry) => {
      if (!entry.active) throw new AuthError('token_inactive');
      const known = entry.prepared as Prepared | undefined;
      if (known === undefined) {
        const { claims, issuer } = entry;
        if (claims.iss !== undefined && claims.iss !== issuer.issuer) {
          throw new AuthError('unknown_issuer', { description: 'The token was issued by another issuer.' });
        }
        // No header: the authorization server vouches for the token, not a signature.
        const prepared = this.prepare(token, {}, claims, issuer, context);
        entry.prepared = prepared;
        return this.validated(prepared.token as AccessToken<Claims>, context);
      }
      recheckPrepared(known, this.nowSeconds(), this.settings, () =>
        this.policies.for(entry.issuer, context),
      );
      return this.validated(known.token as AccessToken<Claims>, context);
    });
  }

  /** The application's own check, last, on every use of a token (cache hits too). */
  private validated(token: AccessToken<Claims>, context: CallContext): Maybe<AccessToken<Claims>> {
    return applyValidator(this.settings.validate, token, context.request);
  }

  private nowSeconds(): number {
    return Math.floor(this.settings.now() / 1000);
  }
}
