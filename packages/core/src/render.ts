import { type AuthError, type AuthScheme, isAuthError } from './errors.js';

/** Options for {@link renderAuthError}: what every challenge of this API carries. */
export interface ChallengeOptions {
  /** `realm` auth-param. Default: none unless `resourceMetadata` is also unset, then `"api"` (a bare `Bearer` is invalid). */
  realm?: string;
  /** RFC 9728 §5.1: URL of this API's protected-resource metadata, sent as `resource_metadata="…"`. */
  resourceMetadata?: string;
  /**
   * RFC 9449 §7: this API takes DPoP-bound tokens. `required: false` (DPoP allowed): every challenge offers both
   * schemes, `Bearer …, DPoP … algs="…"`, and the error goes to the scheme the request used (to both when that is
   * unknown). `required: true`: the `DPoP` challenge alone. Default: none, the `Bearer` challenge alone.
   */
  dpop?: { readonly algorithms: readonly string[]; readonly required: boolean };
}

/** The HTTP form of an {@link AuthError}: what an adapter writes to the wire, unchanged. */
export interface AuthErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error?: string; error_description: string; scope?: string };
}

const DEFAULT_REALM = 'api';

/**
 * Renders an {@link AuthError} as an RFC 6750 §3 response: status, `WWW-Authenticate` (`realm`, `error`,
 * `error_description`, `scope`, `resource_metadata`), `Cache-Control: no-store`, `Retry-After` for 503, and a JSON
 * body. This is the only error-to-HTTP mapping in audguard; every adapter uses it.
 *
 * Values are reduced to the RFC 6750 auth-param character set (printable ASCII without `"` and `\`), so nothing a
 * caller puts into a description can break the header.
 */
export function renderAuthError(error: AuthError, options: ChallengeOptions = {}): AuthErrorResponse {
  if (!isAuthError(error)) throw new TypeError('renderAuthError expects an AuthError');
  const headers: Record<string, string> = {
    'cache-control': 'no-store',
    'content-type': 'application/json; charset=utf-8',
  };
  const body: AuthErrorResponse['body'] = { error_description: error.description };
  if (error.code !== undefined) body.error = error.code;
  const scope = error.scopes && error.scopes.length > 0 ? error.scopes.join(' ') : undefined;
  if (scope !== undefined) body.scope = scope;

  if (error.status === 503) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfter ?? 30)));
  } else {
    headers['www-authenticate'] = challenges(error, scope, options);
  }
  // RFC 9449 §9: the nonce to put in the next proof.
  if (error.dpopNonce !== undefined) headers['dpop-nonce'] = error.dpopNonce.replace(OUTSIDE_CHARSET, '');
  return { status: error.status, headers, body: reorder(body) };
}

/**
 * One challenge per scheme the API offers (RFC 9110 §11.6.1 allows several in one field). RFC 9449 §7.2: the error
 * goes to the challenge of the scheme the request used, or to both when that cannot be told; with no credentials at
 * all, neither carries one (RFC 6750 §3.1).
 */
function challenges(error: AuthError, scope: string | undefined, options: ChallengeOptions): string {
  const { dpop } = options;
  if (dpop === undefined) return challenge('Bearer', error, true, scope, options);
  const dpopChallenge = (withError: boolean) =>
    `${challenge('DPoP', error, withError, scope, options)}, ${param('algs', dpop.algorithms.join(' '))}`;
  if (dpop.required) return dpopChallenge(true);
  const scheme: AuthScheme | undefined = error.scheme;
  return `${challenge('Bearer', error, scheme !== 'DPoP', scope, options)}, ${dpopChallenge(scheme !== 'Bearer')}`;
}

function challenge(
  scheme: AuthScheme,
  error: AuthError,
  withError: boolean,
  scope: string | undefined,
  options: ChallengeOptions,
): string {
  const params: string[] = [];
  const realm = options.realm ?? (options.resourceMetadata === undefined ? DEFAULT_REALM : undefined);
  if (realm !== undefined) params.push(param('realm', realm));
  // RFC 6750 §3.1: with no credentials at all, the challenge carries no error information.
  const carries = withError && error.code !== undefined;
  if (carries) {
    params.push(param('error', error.code as string));
    params.push(param('error_description', error.description));
  }
  if (scope !== undefined && (carries || error.code === undefined)) params.push(param('scope', scope));
  if (options.resourceMetadata !== undefined)
    params.push(param('resource_metadata', options.resourceMetadata));
  return `${scheme} ${params.join(', ')}`;
}

// RFC 6750 §3: auth-param values use %x20-21 / %x23-5B / %x5D-7E only.
const OUTSIDE_CHARSET = /[^\x20\x21\x23-\x5B\x5D-\x7E]/g;

function param(name: string, value: string): string {
  return `${name}="${value.replace(OUTSIDE_CHARSET, '')}"`;
}

// `error` first reads better in logs and curl output.
function reorder(body: AuthErrorResponse['body']): AuthErrorResponse['body'] {
  const { error, error_description, scope } = body;
  return {
    ...(error === undefined ? {} : { error }),
    error_description,
    ...(scope === undefined ? {} : { scope }),
  };
}
