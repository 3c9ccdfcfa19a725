/**
 * RFC 8707 (resource indicators) with Duende-style resource isolation, in one place: what a `resource` value may be,
 * which resources a grant covers, and the audience and scope of each token (DESIGN.md, RFC 9068 §3).
 */
import { OAuthError } from './errors.js';
import type { Params } from './http/params.js';
import type { Client, Resource, Settings } from './settings.js';

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

/** A token's audience and the scopes that travel with it. */
export interface Audience {
  audience: string[];
  scopes: string[];
}

/**
 * Chooses a token's `aud` and narrows its scope.
 *
 * - With a `target` resource: `aud` is that resource alone and the scope keeps only the scopes it owns; none left is
 *   `invalid_scope`.
 * - Without: `aud` is every candidate that owns a requested scope and does not require a resource indicator; none
 *   is `invalid_target`. Scopes no audience owns are dropped, so each scope means something to the `aud`.
 */
export function selectAudience(
  scopes: readonly string[],
  target: Resource | undefined,
  candidates: readonly Resource[],
): Audience {
  if (target !== undefined) {
    const narrowed = scopes.filter((scope) => target.scopes.has(scope));
    if (narrowed.length === 0) {
      throw new OAuthError(
        'invalid_scope',
        'None of the requested scopes belongs to the requested resource.',
      );
    }
    return { audience: [target.id], scopes: narrowed };
  }
  const audience = candidates.filter(
    (resource) => !resource.requireResourceIndicator && scopes.some((scope) => resource.scopes.has(scope)),
  );
  if (audience.length === 0) {
    throw new OAuthError(
      'invalid_target',
      'No audience can be derived from the requested scope; name the resource with the resource parameter.',
    );
  }
  return {
    audience: audience.map((resource) => resource.id),
    scopes: scopes.filter((scope) => audience.some((resource) => resource.scopes.has(scope))),
  };
}

/** What an authorization request covers: the grant's resources and the scopes consented for them. */
export interface GrantScope {
  resources: Resource[];
  scopes: string[];
}

/**
 * The resources of an authorization request (RFC 8707 §2.1): the ones it names, each owning at least one requested
 * scope (else no token could ever be issued for it: `invalid_scope`); without any, the ones {@link selectAudience}
 * derives from the scope.
 */
export function authorizationResources(
  params: Params,
  scopes: readonly string[],
  client: Client,
  settings: Settings,
): GrantScope {
  const named = parseResourceIndicators(params.getAll('resource'), client.resources, settings.resources);
  if (named.length > 0) {
    if (named.some((resource) => !scopes.some((scope) => resource.scopes.has(scope)))) {
      throw new OAuthError('invalid_scope', 'A requested resource owns none of the requested scopes.');
    }
    return {
      resources: named,
      scopes: scopes.filter((scope) => named.some((resource) => resource.scopes.has(scope))),
    };
  }
  const derived = selectAudience(scopes, undefined, client.resources);
  return {
    resources: client.resources.filter((resource) => derived.audience.includes(resource.id)),
    scopes: derived.scopes,
  };
}

/**
 * The `resource` of a token request: at most one (one token per audience, RFC 8707 §2.2), valid, known and allowed
 * for the client; otherwise `invalid_target`.
 */
export function tokenTarget(params: Params, client: Client, settings: Settings): Resource | undefined {
  const values = params.getAll('resource');
  if (values.length > 1) {
    throw new OAuthError(
      'invalid_target',
      'Request one resource per token request; a token has one audience.',
    );
  }
  return parseResourceIndicators(values, client.resources, settings.resources)[0];
}

/**
 * The audience and scope of a token issued from a grant (code redemption or refresh): the `resource` may name any
 * one of the resources the grant was consented for, as configured now, never another (RFC 8707 §2.2, RFC 9700
 * §4.14.2: `invalid_target`); without it the audience is derived from `scopes` within the grant.
 */
export function grantAudience(
  params: Params,
  client: Client,
  settings: Settings,
  grant: { readonly resources: readonly string[] },
  scopes: readonly string[],
): Audience {
  const consented = grant.resources.flatMap((id) => {
    const resource = settings.resources.get(id);
    return resource !== undefined && client.resources.includes(resource) ? [resource] : [];
  });
  const target = tokenTarget(params, client, settings);
  if (target !== undefined && !consented.includes(target)) {
    throw new OAuthError('invalid_target', 'The resource was not part of the authorization grant.');
  }
  return selectAudience(scopes, target, consented);
}
