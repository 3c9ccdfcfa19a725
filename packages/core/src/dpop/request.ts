import type { AuthenticateRequest, NodeRequestLike } from '../extract.js';
import { targetPath } from './htu.js';

/**
 * What DPoP reads of a request: its `DPoP` header fields, its method, and the path the client asked for. A proof is
 * a JWS, which never holds a comma, so a comma in a field (how fetch's `Headers` and Node's `headers` join repeated
 * fields) means two proofs.
 */

function isWebRequest(request: AuthenticateRequest): request is Request {
  return typeof (request.headers as Headers).get === 'function';
}

/** Every proof the request carries, one entry per `DPoP` field value (RFC 9449 §4.3 check 1 wants exactly one). */
export function dpopProofs(request: AuthenticateRequest): string[] {
  if (isWebRequest(request)) {
    const value = request.headers.get('dpop');
    return value === null ? [] : split(value);
  }
  const { rawHeaders } = request as NodeRequestLike;
  if (!Array.isArray(rawHeaders)) {
    const value = request.headers.dpop;
    if (value === undefined) return [];
    return (Array.isArray(value) ? value : [value]).flatMap(split);
  }
  const proofs: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name?.length === 4 && name.toLowerCase() === 'dpop') proofs.push(...split(rawHeaders[i + 1] ?? ''));
  }
  return proofs;
}

function split(value: string): string[] {
  return value.includes(',') ? value.split(',').map((part) => part.trim()) : [value.trim()];
}

/** The request method, as the proof's `htm` must name it (RFC 9110 methods are case-sensitive). */
export function requestMethod(request: AuthenticateRequest): string {
  return request.method ?? 'GET';
}

/**
 * The path the client asked for, without query: from a web `Request`'s URL (only its path: its origin comes from
 * `Host`), or a Node request's `originalUrl` (Express and Koa rewrite `url` under a mount) or `url`.
 */
export function requestPath(request: AuthenticateRequest): string | undefined {
  if (isWebRequest(request)) {
    // `Request.url` is serialised by the URL parser already: its path starts at the first "/" after "//host".
    const url = request.url;
    const start = url.indexOf('/', url.indexOf('//') + 2);
    return start === -1 ? '/' : targetPath(url.slice(start));
  }
  const target = (request as { originalUrl?: unknown }).originalUrl ?? request.url;
  return typeof target === 'string' ? targetPath(target) : undefined;
}
