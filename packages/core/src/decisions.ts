import { clientIdOf } from './checks/client.js';
import { type AuthError, isAuthError } from './errors.js';
import type { AuthenticateRequest } from './extract.js';
import { causeText, type DecisionEvent, decisionsObserved, publishDecision } from './lib/diagnostics.js';
import type { AccessToken, JwtClaims } from './types.js';

/**
 * The audit trail: every accept or refusal published on `audguard:decision`. Nothing is built unless someone
 * subscribes. Claims appear only for tokens whose signature was verified; the token itself never does.
 */

/** Claims of tokens refused after their signature checked out (their issuer vouches for them). */
const vouched = new WeakMap<AuthError, { claims: JwtClaims; scopes: readonly string[] | undefined }>();

/** Remembers that `error` refused a token whose signature was verified, with these claims. */
export function vouchedFor(error: unknown, claims: object, scopes?: ReadonlySet<string>): void {
  if (isAuthError(error) && decisionsObserved()) {
    vouched.set(error, { claims: claims as JwtClaims, scopes: scopes && [...scopes] });
  }
}

/** Publishes an acceptance (or an anonymous pass, with no token). */
export function publishAccepted(token: AccessToken<object> | undefined, request?: AuthenticateRequest): void {
  if (!decisionsObserved()) return;
  publishDecision({
    outcome: token === undefined ? 'anonymous' : 'accepted',
    ...(token === undefined ? {} : describe(token.claims as JwtClaims, [...token.scopes])),
    ...requestLine(request),
  });
}

/** Publishes a refusal; errors that are not `AuthError`s are not decisions and are not published. */
export function publishRefused(
  error: unknown,
  request?: AuthenticateRequest,
  token?: AccessToken<object>,
): void {
  if (!decisionsObserved() || !isAuthError(error)) return;
  const known = token ? { claims: token.claims as JwtClaims, scopes: [...token.scopes] } : vouched.get(error);
  publishDecision({
    outcome: 'refused',
    reason: error.reason,
    status: error.status,
    ...(known === undefined ? {} : describe(known.claims, known.scopes)),
    ...(error.cause === undefined ? {} : { detail: causeText(error.cause) }),
    ...requestLine(request),
  });
}

function describe(claims: JwtClaims, scopes: readonly string[] | undefined): Partial<DecisionEvent> {
  const aud = claims.aud;
  const event: { -readonly [K in keyof DecisionEvent]?: DecisionEvent[K] } = {};
  if (typeof claims.iss === 'string') event.issuer = claims.iss;
  const client = clientIdOf(claims);
  if (client !== undefined) event.client = client;
  if (typeof claims.sub === 'string') event.subject = claims.sub;
  if (typeof aud === 'string') event.audience = [aud];
  else if (Array.isArray(aud)) event.audience = aud.filter((a): a is string => typeof a === 'string');
  if (typeof claims.jti === 'string') event.jti = claims.jti;
  if (scopes !== undefined) event.scopes = scopes;
  return event;
}

/** Method and path; never the query, which may carry a token (RFC 6750 §2.3). */
function requestLine(request: AuthenticateRequest | undefined): Partial<DecisionEvent> {
  if (request === undefined) return {};
  // Express rewrites `url` below a mount path; `originalUrl` is what the client asked for.
  const target = (request as { originalUrl?: unknown }).originalUrl ?? request.url ?? '';
  if (typeof target !== 'string') return {};
  const path = target.startsWith('/') ? target : safePath(target);
  const query = path.search(/[?#]/);
  return {
    method: (request.method ?? 'GET').toUpperCase(),
    path: query === -1 ? path : path.slice(0, query),
  };
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}
