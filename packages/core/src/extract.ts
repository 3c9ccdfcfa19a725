import { AuthError, type AuthScheme } from './errors.js';
import type { Maybe } from './lib/maybe.js';
import { BodyTooLargeError, readRequestBody } from './lib/read-body.js';

/**
 * A request as the core reads it, when the framework does not hand over a web `Request`. Node's `IncomingMessage`
 * (and so Express's `req`) already has this shape; Koa passes `ctx.req` fields plus `ctx.request.body`.
 */
export interface NodeRequestLike {
  method?: string | undefined;
  /** Request target: path and query. Read for `access_token` in the query, and (without `originalUrl`) for the path. */
  url?: string | undefined;
  /**
   * The target as the client sent it, when the framework rewrote `url` below a mount (Express's `req.originalUrl`,
   * Koa's `ctx.originalUrl`): the path of audit events and of a DPoP proof's `htu`.
   */
  originalUrl?: string | undefined;
  /**
   * Raw header name/value pairs. Read instead of `headers` because Node keeps only the first of duplicated
   * `Authorization` headers there, and RFC 6750 §2 wants two credentials refused. Without them (a request shim),
   * `headers.authorization` is read.
   */
  rawHeaders?: readonly string[] | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed form body, if the application parsed it (only read when body tokens are enabled). */
  body?: unknown;
}

/** Anything `authenticate` accepts: a web-standard `Request` (Hono, Workers, Bun, Deno) or a Node request. */
export type AuthenticateRequest = Request | NodeRequestLike;

/** Where tokens may come from (RFC 6750 §2). The `Authorization` header is always accepted. */
export interface BearerMethods {
  /** RFC 6750 §2.2: `access_token` in a form-encoded body (not GET). Default `false`. */
  body: boolean;
  /** RFC 6750 §2.3: `access_token` in the query (leaks into logs; the RFC says SHOULD NOT). Default `false`. */
  query: boolean;
  /**
   * With `body`: the largest form body read to look for the token, in bytes. A larger one is refused with 413
   * `body_too_large` — checked against `Content-Length` first, and reading stops at the limit — so an anonymous
   * upload is never buffered. Default `65536` (64 KiB). Node requests are read from the parsed body, which the
   * framework's body parser limits.
   */
  maxBodyBytes?: number;
}

/** {@link BearerMethods.maxBodyBytes} when not set. */
export const DEFAULT_MAX_BODY_BYTES = 65_536;

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const SCHEME = /^bearer$/i;
const SCHEME_OR_DPOP = /^(?:bearer|dpop)$/i;

/** @internal A credential and the scheme it came with (query and body tokens are bearer tokens, RFC 6750 §2). */
export interface Credential {
  readonly token: string;
  readonly scheme: AuthScheme;
}

/**
 * Finds the access token in a request, per RFC 6750 §2. Returns `undefined` when no credentials were sent (the
 * caller decides whether that is allowed), and throws `invalid_request` (400) for a malformed `Authorization`
 * header, more than one method or header, or a token in a place that is not enabled.
 */
export async function extractBearerToken(
  request: AuthenticateRequest,
  methods: BearerMethods,
): Promise<string | undefined> {
  const found = headerAndQueryTokens(request, methods);
  // A form body is only read when body tokens are enabled: reading every POST body to refuse it would cost more
  // than it protects.
  const method = (request.method ?? 'GET').toUpperCase();
  if (methods.body && method !== 'GET' && method !== 'HEAD') {
    found.push(...(await bodyTokens(request, methods.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)));
  }
  return single(found);
}

/**
 * @internal The synchronous path of {@link extractBearerToken} when body tokens are off: the header and the query
 * are all there is to read, and a per-request promise would be pure overhead.
 */
export function extractBearerTokenSync(
  request: AuthenticateRequest,
  methods: BearerMethods,
): string | undefined {
  return single(headerAndQueryTokens(request, methods));
}

/**
 * @internal Extraction for a verifier that takes DPoP too (RFC 9449 §7.1): `Authorization: DPoP <token>` is read
 * as well, and the scheme comes back with the token. The same refusals otherwise.
 */
export function extractCredential(
  request: AuthenticateRequest,
  methods: BearerMethods,
): Maybe<Credential | undefined> {
  const seen: { scheme?: AuthScheme } = {};
  const found = headerAndQueryTokens(request, methods, seen);
  const method = methods.body ? (request.method ?? 'GET').toUpperCase() : 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    return bodyTokens(request, methods.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES).then((body) =>
      credential([...found, ...body], seen.scheme),
    );
  }
  return credential(found, seen.scheme);
}

/** The one token found, with the scheme of the header it came in (query and body tokens are bearer tokens). */
function credential(found: string[], scheme: AuthScheme | undefined): Credential | undefined {
  const token = single(found);
  return token === undefined ? undefined : { token, scheme: scheme ?? 'Bearer' };
}

function headerAndQueryTokens(
  request: AuthenticateRequest,
  methods: BearerMethods,
  dpop?: { scheme?: AuthScheme },
): string[] {
  const found: string[] = [];
  const headerValues = isWebRequest(request) ? webAuthorization(request) : nodeAuthorization(request);
  if (headerValues !== undefined) {
    if (typeof headerValues !== 'string') {
      throw new AuthError('multiple_credentials', {
        description: 'The request carries more than one Authorization header.',
      });
    }
    found.push(parseAuthorization(headerValues, dpop));
  }
  const url = request.url;
  if (url?.includes('access_token')) {
    const query = queryTokens(url);
    if (query.length > 0 && !methods.query) {
      throw new AuthError('token_in_query_not_allowed');
    }
    found.push(...query);
  }
  return found;
}

function single(found: string[]): string | undefined {
  if (found.length > 1) {
    throw new AuthError('multiple_credentials');
  }
  // Query and body tokens are not checked against the header grammar; the JWT decoder refuses malformed ones.
  return found[0];
}

function isWebRequest(request: AuthenticateRequest): request is Request {
  return typeof (request.headers as Headers).get === 'function';
}

/** `undefined` when absent, a string for one header, an array for several. */
function webAuthorization(request: Request): string | string[] | undefined {
  const value = request.headers.get('authorization');
  if (value === null) return undefined;
  // Headers joins repeated fields with ", ". A bearer credential never contains a comma, so a comma means two.
  return value.includes(',') ? value.split(',') : value;
}

function nodeAuthorization(request: NodeRequestLike): string | string[] | undefined {
  const { rawHeaders } = request;
  if (!Array.isArray(rawHeaders)) return request.headers.authorization;
  let first: string | undefined;
  let all: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name?.length !== 13 || name.toLowerCase() !== 'authorization') continue;
    const value = rawHeaders[i + 1] ?? '';
    if (first === undefined) first = value;
    else if (all === undefined) all = [first, value];
    else all.push(value);
  }
  return all ?? first;
}

/**
 * `Bearer 1*SP b64token` (RFC 6750 §2.1; RFC 9110 §11.4 allows one or more spaces after the scheme), and with
 * `dpop` also `DPoP 1*SP token68` (RFC 9449 §7.1), recording which scheme in `dpop`. The scheme is
 * case-insensitive; a tab is not a space, and nothing may follow the token.
 */
function parseAuthorization(value: string, dpop?: { scheme?: AuthScheme }): string {
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  if (dpop === undefined ? !SCHEME.test(scheme) : !SCHEME_OR_DPOP.test(scheme)) {
    throw new AuthError('malformed_authorization_header', {
      description:
        dpop === undefined
          ? 'The Authorization header must use the Bearer scheme: "Authorization: Bearer <token>".'
          : 'The Authorization header must use the DPoP or the Bearer scheme: "Authorization: DPoP <token>".',
    });
  }
  if (dpop !== undefined) dpop.scheme = scheme.length === 4 ? 'DPoP' : 'Bearer';
  let start = space + 1;
  while (space !== -1 && value.charCodeAt(start) === 0x20) start++;
  const token = space === -1 ? '' : value.slice(start);
  if (token.length === 0 || !B64TOKEN.test(token)) {
    throw new AuthError(
      'malformed_authorization_header',
      dpop?.scheme === undefined
        ? {}
        : {
            scheme: dpop.scheme,
            description: `The Authorization header is malformed: expected "${dpop.scheme}", a space and the token.`,
          },
    );
  }
  return token;
}

function queryTokens(url: string): string[] {
  const q = url.indexOf('?');
  if (q === -1) return [];
  const hash = url.indexOf('#', q);
  return new URLSearchParams(url.slice(q + 1, hash === -1 ? undefined : hash)).getAll('access_token');
}

const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

async function bodyTokens(request: AuthenticateRequest, maxBytes: number): Promise<string[]> {
  if (isWebRequest(request)) {
    const req = request;
    if (!req.body || !FORM.test(req.headers.get('content-type') ?? '')) return [];
    let bytes: Uint8Array;
    try {
      // Read a copy so the application can still read the body; never more than the limit.
      bytes = await readRequestBody(req.clone(), maxBytes);
    } catch (cause) {
      if (cause instanceof BodyTooLargeError) {
        throw new AuthError('body_too_large', {
          description: `The request body is larger than ${maxBytes} bytes; send the token in the Authorization header.`,
        });
      }
      throw new AuthError('unreadable_body', { cause });
    }
    return new URLSearchParams(new TextDecoder().decode(bytes)).getAll('access_token');
  }
  const node = request as NodeRequestLike;
  const contentType = node.headers['content-type'];
  if (typeof contentType !== 'string' || !FORM.test(contentType)) return [];
  const body = node.body;
  if (typeof body !== 'object' || body === null) return [];
  const value = (body as Record<string, unknown>).access_token;
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}
