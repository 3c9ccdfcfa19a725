import type { LRUCache } from 'lru-cache';
import { type AudiencePolicy, checkAudience, readAudience } from './checks/audience.js';
import { checkClaims, readIssuer } from './checks/claims.js';
import { checkClient, clientIdOf } from './checks/client.js';
import { checkHeader } from './checks/header.js';
import { checkScopes, type ScopeMatch } from './checks/scopes.js';
import { checkSignatureLength, verifyingKey } from './checks/signature.js';
import { checkTimes, readTimeClaims, type TimeClaims } from './checks/time.js';
import { freezeToken, isVerifiedToken } from './checks/token.js';
import { checkAccessTokenKind } from './checks/token-kind.js';
import { resolveSettings, type VerifierSettings } from './config/settings.js';
import { fail, stringList } from './config/values.js';
import { publishAccepted, publishRefused, vouchedFor } from './decisions.js';
import { DpopChecker } from './dpop/check.js';
import { AuthError, type AuthScheme, isAuthError } from './errors.js';
import {
  type AuthenticateRequest,
  type Credential,
  extractBearerToken,
  extractBearerTokenSync,
  extractCredential,
} from './extract.js';
import { type IntrospectionEntry, Introspector } from './introspection/introspector.js';
import type { VerificationKey } from './lib/crypto.js';
import { decodeJws } from './lib/jwt.js';
import { andThen, type Maybe } from './lib/maybe.js';
import { createTokenCache, entryBytes } from './lib/token-cache.js';
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
  /**
   * This API's identifier(s) for this call, instead of the issuer's or the verifier's `audience` (a resource per
   * tenant, say). Required with `verify()` when the verifier's `audience` is a function of the request.
   */
  audience?: string | readonly string[];
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
  /** `checkScopes` for a request: the challenge names `needed`, and the decision is published with the request. */
  authorize(
    token: unknown,
    required: readonly string[],
    match: ScopeMatch | undefined,
    needed: readonly string[],
    request: AuthenticateRequest | undefined,
  ): void;
}

/** A token whose claims passed every check that depends on them alone. */
interface Prepared {
  readonly token: AccessToken<Record<string, unknown>>;
  readonly times: TimeClaims;
  readonly audience: readonly string[] | undefined;
}

interface CacheEntry extends Prepared {
  /** Estimated memory held, for the cache's byte bound. */
  readonly bytes: number;
  readonly issuer: TrustedIssuer;
  readonly key: VerificationKey;
}

/** What one call brings: the request (from `authenticate`) and a per-call audience. */
interface CallContext {
  readonly request: AuthenticateRequest | undefined;
  readonly audience: readonly string[] | undefined;
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
  /** The audience policy of each issuer when it does not depend on the request (computed once). */
  private readonly staticPolicies = new WeakMap<TrustedIssuer, AudiencePolicy>();
  private readonly dpop: DpopChecker | undefined;
  private readonly introspector: Introspector | undefined;

  constructor(private readonly settings: VerifierSettings) {
    this.issuers = new TrustedIssuers(settings);
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
        ? await this.confirmed(undefined, options, this.dpop, found, undefined)
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
        checkScopes(token.scopes, required, match, needed);
      } catch (error) {
        vouchedFor(error, token.claims, token.scopes);
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
    if (this.dpop) return this.authenticateDpop(request, options, this.dpop);
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

  /**
   * `authenticate` with DPoP on (RFC 9449 §7): the scheme comes with the token; the request's form is checked first,
   * then the token, then its binding and the proof, then the scopes. Every refusal names the scheme, so the right
   * challenge carries it. No closure is made per request on the synchronous (bearer) path.
   */
  private authenticateDpop(
    request: AuthenticateRequest,
    options: AuthenticateOptions,
    dpop: DpopChecker,
  ): Maybe<AccessToken<Claims> | undefined> {
    const credential = extractCredential(request, this.settings.bearerMethods);
    if (credential instanceof Promise) {
      return credential.then((found) => this.authenticateCredential(request, options, dpop, found));
    }
    return this.authenticateCredential(request, options, dpop, credential);
  }

  private authenticateCredential(
    request: AuthenticateRequest,
    options: AuthenticateOptions,
    dpop: DpopChecker,
    credential: Credential | undefined,
  ): Maybe<AccessToken<Claims> | undefined> {
    if (credential === undefined) {
      if (options.credentialsRequired === false) return undefined;
      throw dpop.missingToken();
    }
    const { scheme } = credential;
    let result: Maybe<AccessToken<Claims>>;
    try {
      const proof = dpop.proofOf(request, scheme);
      const found = this.verifyToken(credential.token, { request, audience: callAudience(options) });
      result =
        found instanceof Promise
          ? found.then((token) => this.confirmed(request, options, dpop, token, proof))
          : this.confirmed(request, options, dpop, found, proof);
    } catch (error) {
      throw withScheme(error, scheme);
    }
    return result instanceof Promise ? result.catch((error: unknown) => withScheme(error, scheme)) : result;
  }

  /** The token's binding and the proof, then the scopes; a refusal carries the token's claims to the audit trail. */
  private confirmed(
    request: AuthenticateRequest | undefined,
    options: VerifyOptions,
    dpop: DpopChecker,
    token: AccessToken<Claims>,
    proof: string | undefined,
  ): Maybe<AccessToken<Claims>> {
    let check: Maybe<void>;
    try {
      check = request === undefined ? dpop.proofless(token) : dpop.confirm(request, token, proof);
    } catch (error) {
      vouchedFor(error, token.claims, token.scopes);
      throw error;
    }
    if (!(check instanceof Promise)) return this.withScopes(token, options);
    return check.then(
      () => this.withScopes(token, options),
      (error: unknown) => {
        vouchedFor(error, token.claims, token.scopes);
        throw error;
      },
    );
  }

  private withScopes(token: AccessToken<Claims>, options: VerifyOptions): AccessToken<Claims> {
    if (options.scopes !== undefined) {
      try {
        checkScopes(token.scopes, options.scopes, options.scopeMatch);
      } catch (error) {
        vouchedFor(error, token.claims, token.scopes);
        throw error;
      }
    }
    return token;
  }

  private verifyToken(token: string, context: CallContext): Maybe<AccessToken<Claims>> {
    if (typeof token !== 'string' || token.length === 0) throw new AuthError('malformed_token');
    const { maxTokenLength } = this.settings;
    if (token.length > maxTokenLength) {
      throw new AuthError('token_too_large', {
        description: `The token is longer than ${maxTokenLength} characters.`,
      });
    }
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
    const verified = cached.token as AccessToken<Claims>;
    try {
      checkTimes(cached.times, this.nowSeconds(), this.settings.time);
      checkAudience(cached.audience, this.audiencePolicy(cached.issuer, context));
    } catch (error) {
      vouchedFor(error, verified.claims);
      throw error;
    }
    if (!cached.issuer.keys.stillTrusts(cached.key)) {
      this.cache?.delete(token);
      return undefined;
    }
    return this.validated(verified, context);
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

  /**
   * Every check of a token's claims — time, kind, audience, client, shapes, required values — then the frozen
   * token: for a JWT after its signature, for an opaque token after its introspection answer.
   */
  private prepare(
    token: string,
    header: Record<string, unknown>,
    payload: Record<string, unknown>,
    issuer: TrustedIssuer,
    context: CallContext,
  ): Prepared {
    const { settings } = this;
    let times: TimeClaims;
    let audience: readonly string[] | undefined;
    try {
      times = readTimeClaims(payload);
      checkTimes(times, this.nowSeconds(), settings.time);
      checkAccessTokenKind(payload);
      audience = readAudience(payload.aud);
      checkAudience(audience, this.audiencePolicy(issuer, context));
      checkClient(clientIdOf(payload), settings.clientIds);
      checkClaims(payload, { tokenType: settings.header.tokenType, ...settings });
    } catch (error) {
      vouchedFor(error, payload);
      throw error;
    }
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
      try {
        checkTimes(known.times, this.nowSeconds(), this.settings.time);
        checkAudience(known.audience, this.audiencePolicy(entry.issuer, context));
      } catch (error) {
        vouchedFor(error, known.token.claims);
        throw error;
      }
      return this.validated(known.token as AccessToken<Claims>, context);
    });
  }

  /** The application's own check, last, on every use of a token (cache hits too). */
  private validated(token: AccessToken<Claims>, context: CallContext): Maybe<AccessToken<Claims>> {
    const validate = this.settings.validate;
    if (validate === undefined) return token;
    const refuse = (error: unknown) => {
      vouchedFor(error, token.claims);
      throw error;
    };
    let verdict: ReturnType<typeof validate>;
    try {
      verdict = validate(token as AccessToken<Record<string, unknown>>, context.request);
    } catch (error) {
      return refuse(error);
    }
    return andThen(verdict, (result) => {
      if (result === false) return refuse(new AuthError('validation_failed'));
      if (typeof result === 'string')
        return refuse(new AuthError('validation_failed', { description: result }));
      return token;
    });
  }

  /** The audience this call expects from this issuer's tokens: per call, per issuer, or the verifier's. */
  private audiencePolicy(issuer: TrustedIssuer, context: CallContext): AudiencePolicy {
    const configured = this.settings.audience;
    if (
      context.audience === undefined &&
      (issuer.audience !== undefined || typeof configured !== 'function')
    ) {
      let policy = this.staticPolicies.get(issuer);
      if (!policy) {
        policy = this.policy(issuer.audience ?? (configured as readonly string[] | undefined) ?? []);
        this.staticPolicies.set(issuer, policy);
      }
      return policy;
    }
    if (context.audience !== undefined) return this.policy(context.audience);
    const request = context.request;
    if (request === undefined) {
      fail("verify(): this verifier's audience depends on the request; pass { audience } to verify().");
    }
    const resolver = configured as (request: AuthenticateRequest) => string | readonly string[];
    // Nothing (undefined or []) means this request names no resource this API serves: every token is refused.
    const answer = resolver(request) as string | readonly string[] | undefined;
    return this.policy(answer === undefined ? [] : stringList(answer, "the audience function's answer"));
  }

  private policy(accepted: readonly string[]): AudiencePolicy {
    const { audiencePolicy, ignoredAudiences, clientIds } = this.settings;
    // Tokens without `aud` pass on their client alone only where no audience is configured at all (Cognito).
    const optional = clientIds !== undefined && accepted.length === 0 && this.settings.audience === undefined;
    return { accepted, mode: audiencePolicy, ignored: ignoredAudiences, optional };
  }

  private nowSeconds(): number {
    return Math.floor(this.settings.now() / 1000);
  }
}

/**
 * MCP 2026-07-28: a 401 SHOULD name the scopes the request needs, so a client asks for them at once. A refusal
 * without scopes of its own gets those of the call (the guard's), on the same error object.
 */
function challengeScopes(error: unknown, scopes: readonly string[] | undefined): void {
  if (scopes === undefined || scopes.length === 0 || !isAuthError(error) || error.status !== 401) return;
  if (error.scopes === undefined) (error as { scopes: readonly string[] | undefined }).scopes = scopes;
}

/** Names the scheme of the refused request on the error, for the challenge (RFC 9449 §7.2). */
function withScheme(error: unknown, scheme: AuthScheme): never {
  if (isAuthError(error) && error.scheme === undefined) (error as { scheme: AuthScheme }).scheme = scheme;
  throw error;
}

/** A per-call `audience`, checked (a programming error throws a `ConfigurationError`). */
function callAudience(options: VerifyOptions): readonly string[] | undefined {
  if (options.audience === undefined) return undefined;
  const audience = stringList(options.audience, 'verify(): audience');
  if (audience.length === 0) fail('verify(): audience must name at least one identifier.');
  return audience;
}
