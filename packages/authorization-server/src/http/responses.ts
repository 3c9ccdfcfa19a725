import { type OAuthError, UseDpopNonceError } from '../errors.js';

const noStore = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** A JSON response that no cache may keep (RFC 6749 §5.1). */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...noStore, ...headers },
  });
}

/** A response of `contentType` (e.g. a signed JWT) that no cache may keep. */
export function noStoreResponse(
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(body, { headers: { 'Content-Type': contentType, ...noStore, ...headers } });
}

/** An empty response that no cache may keep. */
export function emptyResponse(status = 200): Response {
  return new Response(null, { status, headers: noStore });
}

/**
 * The RFC 6749 §5.2 error response: `{ error, error_description }`, `no-store`, for `invalid_client` a 401 with
 * `WWW-Authenticate: Basic`, `Retry-After` when the error says when to retry, and for `use_dpop_nonce` the nonce to
 * use in `DPoP-Nonce` (RFC 9449 §8).
 */
export function oauthErrorResponse(error: OAuthError): Response {
  const headers: Record<string, string> = {};
  if (error.status === 401) headers['WWW-Authenticate'] = 'Basic realm="oauth", charset="UTF-8"';
  if (error.retryAfter !== undefined) headers['Retry-After'] = String(error.retryAfter);
  if (error instanceof UseDpopNonceError) headers['DPoP-Nonce'] = error.nonce;
  return jsonResponse({ error: error.code, error_description: error.description }, error.status, headers);
}

/** A redirect that no cache may keep and that sends no referrer. */
export function redirectResponse(location: string, status: 302 | 303 = 302): Response {
  return new Response(null, {
    status,
    headers: { Location: location, ...noStore, 'Referrer-Policy': 'no-referrer' },
  });
}

/** An HTML page: never cached, never framed, no scripts. */
export function htmlResponse(html: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(html, {
    status,
    headers: {
      ...headers,
      'Content-Type': 'text/html; charset=utf-8',
      ...noStore,
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    },
  });
}
