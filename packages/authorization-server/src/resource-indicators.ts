import { OAuthError } from './errors.js';
import type { Resource } from './settings.js';

// RFC 3986 §4.3: absolute-URI = scheme ":" hier-part [ "?" query ]. Only URI characters, well-formed
// percent-encoding and no fragment.
const absoluteUri = /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;

/**
 * Whether `value` is an absolute URI without a fragment (RFC 8707 §2). URNs such as `urn:invoices` are absolute
 * URIs; `/api`, `api.example.com` and `https://api.example.com#x` are not.
 */
export function isResourceIndicator(value: string): boolean {
  return absoluteUri.test(value);
}

/**
 * Turns `resource` parameter values into the client's resources. Each must be an absolute URI without a fragment,
 * a known resource, and one the client may target; otherwise `invalid_target`.
 */
export function parseResourceIndicators(
  values: readonly string[],
  allowed: readonly Resource[],
  known: ReadonlyMap<string, Resource>,
): Resource[] {
  const resources: Resource[] = [];
  for (const value of values) {
    if (!isResourceIndicator(value)) {
      throw new OAuthError('invalid_target', 'A resource must be an absolute URI without a fragment.');
    }
    const resource = known.get(value);
    if (resource === undefined) throw new OAuthError('invalid_target', 'The resource is unknown.');
    if (!allowed.includes(resource)) {
      throw new OAuthError('invalid_target', 'The client may not request tokens for this resource.');
    }
    if (!resources.includes(resource)) resources.push(resource);
  }
  return resources;
}
