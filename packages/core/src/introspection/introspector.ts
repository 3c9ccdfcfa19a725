import type { LRUCache } from 'lru-cache';
import type { IntrospectionSettings } from '../config/introspection.js';
import { AuthError, isAuthError } from '../errors.js';
import { causeText, warnOnce } from '../lib/diagnostics.js';
import { sha256Base64url } from '../lib/digest.js';
import { type BoundedResponse, FetchError, fetchBounded, parseJsonObject } from '../lib/fetch-json.js';
import { andThen, type Maybe } from '../lib/maybe.js';
import { createTokenCache, entryBytes } from '../lib/token-cache.js';
import type { TrustedIssuer, TrustedIssuers } from '../trusted-issuers.js';
import type { JwsAlgorithm } from '../types.js';
import { ClientAuthenticator } from './client-auth.js';
import { readSignedAnswer } from './signed-response.js';

/**
 * One answer of the authorization server, as cached. `prepared` is the verifier's: what it built from an active
 * answer once the checks that depend on the answer alone passed.
 */
export interface IntrospectionEntry {
  readonly active: boolean;
  /** The answer without `active`: read as the token's claims. */
  readonly claims: Record<string, unknown>;
  readonly issuer: TrustedIssuer;
  readonly bytes: number;
  prepared?: unknown;
}

/** What the introspector needs of the verifier. */
export interface IntrospectorContext {
  readonly issuers: TrustedIssuers;
  readonly algorithms: ReadonlySet<JwsAlgorithm>;
  readonly clockTolerance: number;
  readonly now: () => number;
}

/** Most memory the answer cache holds (estimated as for verified tokens). */
const CACHE_MAX_BYTES = 64 * 1024 * 1024;
const SIGNED = 'application/token-introspection+jwt';

/**
 * RFC 7662 token introspection for opaque tokens: an authenticated POST per token not seen lately, its answer
 * cached by SHA-256 of the token — for the configured time at most, and never past the token's `exp` — and one
 * request shared by concurrent lookups of one token. The server unreachable, too slow, refusing this API's
 * credentials or answering nonsense is a 503 with `Retry-After`, never a 401; after such a failure new lookups
 * fail at once for `errorBackoffMs`.
 */
export class Introspector {
  private readonly cache: LRUCache<string, IntrospectionEntry> | undefined;
  private readonly pending = new Map<string, Promise<IntrospectionEntry>>();
  private readonly client: ClientAuthenticator;
  private failedAt: number | undefined;

  constructor(
    private readonly settings: IntrospectionSettings,
    private readonly context: IntrospectorContext,
  ) {
    const { cacheMax, cacheTtlMs } = settings;
    this.cache = createTokenCache<IntrospectionEntry>(cacheMax, CACHE_MAX_BYTES, {
      ttl: cacheTtlMs,
      now: context.now,
    });
    this.client = new ClientAuthenticator(settings.clientId, settings.auth, settings.issuer, context.now);
  }

  /** Whether `token` goes to introspection: opaque tokens always, JWTs with `jwts`. */
  handles(token: string): boolean {
    return this.settings.jwts || !isCompactJws(token);
  }

  /** The authorization server's answer for `token`: cached, joined, or asked for. */
  answer(token: string): Maybe<IntrospectionEntry> {
    return andThen(sha256Base64url(token), (key) => {
      const cached = this.cache?.get(key);
      if (cached) return cached;
      let pending = this.pending.get(key);
      if (!pending) {
        pending = this.ask(token, key).finally(() => this.pending.delete(key));
        this.pending.set(key, pending);
      }
      return pending;
    });
  }

  private async ask(token: string, key: string): Promise<IntrospectionEntry> {
    const { errorBackoffMs } = this.settings;
    const now = this.context.now();
    if (this.failedAt !== undefined && now - this.failedAt < errorBackoffMs) {
      const retryAfter = Math.ceil((errorBackoffMs - (now - this.failedAt)) / 1000);
      throw new AuthError('introspection_unavailable', {
        retryAfter,
        cause: new Error('backing off after a failed introspection request'),
      });
    }
    const issuer = await this.context.issuers.lookUp(this.settings.issuer);
    let entry: IntrospectionEntry;
    try {
      const response = await this.send(token);
      entry = await this.read(token, response, issuer).catch((error: unknown) => {
        throw isAuthError(error) ? error : this.failure('introspection_response_invalid', error);
      });
    } catch (error) {
      this.failedAt = this.context.now();
      throw isAuthError(error) ? error : this.failure('introspection_unavailable', error);
    }
    this.failedAt = undefined;
    this.remember(key, entry);
    return entry;
  }

  /** The POST (RFC 7662 §2.1): the token, a hint, this API's credentials; only a 200 is an answer. */
  private async send(token: string): Promise<BoundedResponse> {
    const { settings } = this;
    const credentials = await this.client.credentials();
    const body = new URLSearchParams({ token, token_type_hint: 'access_token', ...credentials.params });
    return fetchBounded(
      settings.endpoint,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: settings.signedResponses ? SIGNED : 'application/json',
          ...credentials.headers,
        },
        body: body.toString(),
      },
      settings.http,
      true,
    );
  }

  /** The answer: JSON (RFC 7662 §2.2) or, with `signedResponses`, a signed JWT (RFC 9701) holding it. */
  private async read(
    token: string,
    response: BoundedResponse,
    issuer: TrustedIssuer,
  ): Promise<IntrospectionEntry> {
    const { settings, context } = this;
    const what = `POST ${settings.endpoint}`;
    let answer: Record<string, unknown>;
    if (settings.signedResponses) {
      const type = response.contentType.split(';')[0]?.trim().toLowerCase();
      if (type !== SIGNED) throw new FetchError(`${what}: answered ${type || 'no type'}, not ${SIGNED}`);
      answer = await readSignedAnswer(new TextDecoder().decode(response.bytes), {
        issuer,
        clientId: settings.clientId,
        algorithms: context.algorithms,
        maxAge: settings.maxResponseAge,
        clockTolerance: context.clockTolerance,
        now: context.now() / 1000,
      });
    } else {
      answer = parseJsonObject(response.bytes, what);
    }
    const { active, ...claims } = answer;
    // RFC 7662 §2.2: `active` is REQUIRED and a boolean; an answer without it cannot be read either way.
    if (typeof active !== 'boolean') throw new FetchError(`${what}: the answer has no boolean "active"`);
    return { active, claims, issuer, bytes: entryBytes(token, claims) };
  }

  /** Active answers for at most the cache time and never past `exp`; inactive ones for the cache time. */
  private remember(key: string, entry: IntrospectionEntry): void {
    const cache = this.cache;
    if (cache === undefined || entry.bytes > CACHE_MAX_BYTES) return;
    let ttl = this.settings.cacheTtlMs;
    if (entry.active) {
      const exp = entry.claims.exp;
      if (typeof exp !== 'number' || !Number.isFinite(exp)) return;
      ttl = Math.min(ttl, Math.floor(exp * 1000 - this.context.now()));
      if (ttl <= 0) return;
    }
    cache.set(key, entry, { ttl });
  }

  /** The 503, and the operator told once per cause (a 401 from the server is a credentials problem here). */
  private failure(
    reason: 'introspection_unavailable' | 'introspection_response_invalid',
    error: unknown,
  ): AuthError {
    const { endpoint, errorBackoffMs } = this.settings;
    const detail = causeText(error);
    warnOnce(
      'AUDGUARD_INTROSPECTION_UNAVAILABLE',
      `${endpoint}\0${detail}`,
      `audguard: token introspection at ${endpoint} failed; tokens it should answer for get 503 until it works`,
      detail,
    );
    return new AuthError(reason, { cause: error, retryAfter: Math.max(1, Math.ceil(errorBackoffMs / 1000)) });
  }
}

/** Three base64url segments: what a JWS looks like (a JWE has five, and is no access token here). */
function isCompactJws(token: string): boolean {
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  return second !== -1 && token.indexOf('.', second + 1) === -1;
}
