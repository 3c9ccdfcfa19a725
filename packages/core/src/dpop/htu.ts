/**
 * The `htu` of a DPoP proof against the request (RFC 9449 §4.3 check 9): both sides normalised per RFC 3986 §6.2.2
 * (case, percent-encoding, dot segments) and §6.2.3 (default port, empty path), query and fragment dropped. The
 * request's URI is this API's configured public origin and the path the client asked for — never the `Host`
 * header, which the client (or anything in between) chooses.
 */

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * An absolute http(s) URI, normalised, without query and fragment; `undefined` when the value is not one (or
 * carries userinfo, which no request target has).
 */
export function normalizeHttpUri(value: string): string | undefined {
  let url: URL;
  try {
    // The WHATWG parser lower-cases scheme and host, drops the default port, removes dot segments (%2E too) and
    // makes an empty path "/".
    url = new URL(value);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') {
    return undefined;
  }
  return `${url.protocol}//${url.host}${normalizePercentEncoding(url.pathname)}`;
}

/** RFC 3986 §6.2.2.1–2: hex digits upper-case, and unreserved characters never percent-encoded. */
function normalizePercentEncoding(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(/%[0-9A-Fa-f]{2}/g, (encoded) => {
    const char = String.fromCharCode(Number.parseInt(encoded.slice(1), 16));
    return UNRESERVED.test(char) ? char : encoded.toUpperCase();
  });
}

/**
 * The path (no query, no fragment) of a request target: origin-form (`/orders?x`) as sent, absolute-form by its
 * path; `undefined` for anything else (`*`, authority-form).
 */
export function targetPath(target: string): string | undefined {
  if (target.startsWith('/')) {
    const end = target.search(/[?#]/);
    return end === -1 ? target : target.slice(0, end);
  }
  try {
    return new URL(target).pathname;
  } catch {
    return undefined;
  }
}

/**
 * Whether `htu` names `origin` + `path` (origin already normalised). Equal strings need no parsing: what clients
 * send is usually exactly that.
 */
export function htuMatches(htu: string, origin: string, path: string): boolean {
  const expected = origin + path;
  if (htu === expected) return true;
  const normalized = normalizeHttpUri(htu);
  return normalized !== undefined && normalized === normalizeHttpUri(expected);
}
