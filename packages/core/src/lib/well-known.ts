/**
 * The path of a well-known document for `identifier`, with the suffix inserted between the host and the
 * identifier's own path (RFC 8615; RFC 8414 §3.1 for authorization servers, RFC 9728 §3.1 for protected
 * resources): `wellKnownPath('https://as.example.com/tenant', 'oauth-authorization-server')` →
 * `/.well-known/oauth-authorization-server/tenant`. A trailing slash of the identifier's path is dropped.
 */
export function wellKnownPath(identifier: string, name: string): string {
  const { pathname } = new URL(identifier);
  const path = pathname === '/' ? '' : pathname.replace(/\/$/, '');
  return `/.well-known/${name}${path}`;
}

/** The absolute URL of {@link wellKnownPath} on the identifier's origin. */
export function wellKnownUrl(identifier: string, name: string): string {
  return new URL(identifier).origin + wellKnownPath(identifier, name);
}
