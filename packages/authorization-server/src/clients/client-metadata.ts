import { isScopeToken } from '@audguard/core/protocol';
import type { GrantType } from '../config.js';
import { OAuthError } from '../errors.js';
import { OFFLINE_ACCESS } from '../scopes.js';
import type { ClientPolicySettings } from '../settings.js';

/**
 * The client metadata (RFC 7591 §2) that self-described and registered clients share, checked by one set of
 * rules: redirect URIs by application type, the user-facing grants, `response_types` `code`, a `scope` within the
 * policy, and a name that cannot pretend to be something else.
 */
export interface CheckedMetadata {
  readonly redirectUris: string[];
  readonly grantTypes: GrantType[];
  readonly applicationType: 'web' | 'native' | undefined;
  /** The resource scopes the client may ask for: its `scope`, or every scope of the policy. */
  readonly scopes: string[];
  /** The `scope` it declared, as registered (RFC 7591 echoes it). */
  readonly scope: string | undefined;
  readonly clientName: string | undefined;
  readonly clientUri: string | undefined;
}

/** The longest redirect URI, client URI or client_id URL accepted, in characters. */
export const MAX_URI_LENGTH = 2000;
/** The longest `client_name` accepted, in characters. */
export const MAX_NAME_LENGTH = 100;

const bad = (description: string) => new OAuthError('invalid_client_metadata', description);
const badRedirect = (description: string) => new OAuthError('invalid_redirect_uri', description);

/** Control characters, and the bidirectional marks, overrides and isolates that can make a name read as another. */
function hasUnsafeText(value: string): boolean {
  for (const char of value) {
    const c = char.codePointAt(0) ?? 0;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x200e || c === 0x200f) return true;
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return true;
  }
  return false;
}
// Schemes that run code or read local data when navigated to: never a redirect target.
const dangerousSchemes = new Set([
  'javascript:',
  'data:',
  'vbscript:',
  'file:',
  'blob:',
  'about:',
  'filesystem:',
]);

/** Whether a URL's host is the local machine: `localhost` (and its subdomains) or a loopback address. */
export function isLoopbackHost(url: URL): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return (
    host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1'
  );
}

/**
 * Why `uri` cannot be a redirect URI of a self-service client, or `undefined`. `web` (OpenID Connect
 * Registration §2): https on a host other than localhost. `native` (RFC 8252 §7): that, https on any host, http on
 * a loopback host, or a private-use scheme. Always absolute, without fragment or user name, and of bounded length.
 */
export function redirectUriProblem(uri: unknown, type: 'web' | 'native'): string | undefined {
  if (typeof uri !== 'string' || uri === '') return 'a redirect URI must be a non-empty string';
  if (uri.length > MAX_URI_LENGTH) return `a redirect URI is longer than ${MAX_URI_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'a redirect URI is not an absolute URI';
  }
  if (uri.includes('#')) return 'a redirect URI must not have a fragment (RFC 6749 §3.1.2)';
  if (url.username !== '' || url.password !== '') return 'a redirect URI must not carry a user name';
  if (dangerousSchemes.has(url.protocol)) return `a redirect URI must not use the ${url.protocol} scheme`;
  if (type === 'web') {
    if (url.protocol !== 'https:') {
      // RFC 7591 §2: a client that omits application_type is a web client; native loopback apps must say so.
      return url.protocol === 'http:' && isLoopbackHost(url)
        ? 'a web client must use https redirect URIs; a loopback http redirect URI needs application_type native (RFC 8252)'
        : 'a web client must use https redirect URIs';
    }
    if (isLoopbackHost(url)) {
      return 'a web client must not redirect to localhost; register with application_type native (RFC 8252)';
    }
    return undefined;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url)) {
    return 'an http redirect URI must be on a loopback host (127.0.0.1, [::1] or localhost; RFC 8252 §7.3)';
  }
  return undefined;
}

function stringList(value: unknown, name: string, fallback: readonly string[]): string[] {
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw bad(`${name} must be an array of strings.`);
  }
  return [...new Set(value as string[])];
}

function optionalText(value: unknown, name: string, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > max || hasUnsafeText(value)) {
    throw bad(`${name} must be a string of at most ${max} printable characters.`);
  }
  return value;
}

/**
 * Checks the shared client metadata. `defaultType` is the application type assumed when none is given; for a
 * metadata document it is `undefined`, and the `native` rules apply then (documents of desktop clients list
 * loopback redirect URIs without saying so, as the MCP specification's example does).
 */
export function checkClientMetadata(
  raw: Record<string, unknown>,
  policy: ClientPolicySettings,
  limits: { readonly maxRedirectUris: number; readonly defaultType: 'web' | 'native' | undefined },
): CheckedMetadata {
  const applicationType = raw.application_type ?? limits.defaultType;
  if (applicationType !== undefined && applicationType !== 'web' && applicationType !== 'native') {
    throw bad('application_type must be web or native.');
  }
  const redirectUris = stringList(raw.redirect_uris, 'redirect_uris', []);
  if (redirectUris.length === 0) throw badRedirect('redirect_uris must list at least one redirect URI.');
  if (redirectUris.length > limits.maxRedirectUris) {
    throw badRedirect(`redirect_uris may list at most ${limits.maxRedirectUris} redirect URIs.`);
  }
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri, applicationType ?? 'native');
    if (problem !== undefined) throw badRedirect(`Invalid redirect URI: ${problem}.`);
  }
  const grantTypes = stringList(raw.grant_types, 'grant_types', ['authorization_code']);
  if (!grantTypes.includes('authorization_code')) {
    throw bad('grant_types must include authorization_code: it is the only grant offered to such clients.');
  }
  const refused = grantTypes.find((grant) => grant !== 'authorization_code' && grant !== 'refresh_token');
  if (refused !== undefined) {
    throw bad('Only the authorization_code and refresh_token grants are offered to such clients.');
  }
  const responseTypes = stringList(raw.response_types, 'response_types', ['code']);
  if (responseTypes.some((type) => type !== 'code')) throw bad('response_types may only be code.');
  const { scope, scopes } = checkScope(raw.scope, policy, grantTypes.includes('refresh_token'));
  const clientUri = optionalText(raw.client_uri, 'client_uri', MAX_URI_LENGTH);
  if (clientUri !== undefined && !/^https?:\/\//i.test(clientUri))
    throw bad('client_uri must be an http(s) URL.');
  return {
    redirectUris,
    grantTypes: grantTypes as GrantType[],
    applicationType: applicationType as 'web' | 'native' | undefined,
    scopes,
    scope,
    clientName: optionalText(raw.client_name, 'client_name', MAX_NAME_LENGTH),
    clientUri,
  };
}

function checkScope(
  value: unknown,
  policy: ClientPolicySettings,
  refresh: boolean,
): { scope: string | undefined; scopes: string[] } {
  if (value === undefined) return { scope: undefined, scopes: [...policy.scopes] };
  if (typeof value !== 'string') throw bad('scope must be a space-separated string.');
  const tokens = [...new Set(value.split(' ').filter((token) => token !== ''))];
  if (tokens.length === 0) return { scope: undefined, scopes: [...policy.scopes] };
  if (tokens.some((token) => !isScopeToken(token))) throw bad('scope is malformed.');
  if (tokens.includes(OFFLINE_ACCESS) && !refresh) {
    throw bad('offline_access needs the refresh_token grant in grant_types.');
  }
  const scopes = tokens.filter((token) => token !== OFFLINE_ACCESS);
  if (scopes.some((token) => !policy.scopes.includes(token))) {
    throw bad('scope names a scope this server does not offer to such clients.');
  }
  return { scope: tokens.join(' '), scopes: scopes.length === 0 ? [...policy.scopes] : scopes };
}
