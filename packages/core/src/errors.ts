/**
 * The RFC 6750 §3.1 error code carried by an {@link AuthError}, plus `temporarily_unavailable` for the one case
 * where the resource server, not the client, is at fault (no signing keys could be had).
 */
export type AuthErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'temporarily_unavailable';

/**
 * A stable, machine-readable reason for a refusal. Switch on it in logs and metrics; it never changes meaning
 * between releases.
 */
export type AuthErrorReason =
  // No credentials at all (RFC 6750 §3.1: the challenge carries no `error` attribute).
  | 'missing_token'
  // Extraction (400 invalid_request).
  | 'malformed_authorization_header'
  | 'multiple_credentials'
  | 'token_in_query_not_allowed'
  // Token structure (401 invalid_token).
  | 'token_too_large'
  | 'malformed_token'
  | 'encrypted_token_not_supported'
  // Header policy, decided before any key lookup (401 invalid_token).
  | 'algorithm_not_allowed'
  | 'type_not_allowed'
  | 'unsupported_critical_header'
  | 'key_reference_in_header'
  | 'unknown_issuer'
  // Keys and signature (401 invalid_token).
  | 'unknown_key'
  | 'bad_signature'
  // Claims (401 invalid_token).
  | 'missing_claim'
  | 'invalid_claim'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'audience_mismatch'
  | 'audience_not_exclusive'
  // Authorization (403 insufficient_scope).
  | 'insufficient_scope'
  // Our side (503).
  | 'keys_unavailable';

const STATUS: Record<AuthErrorCode, number> = {
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  temporarily_unavailable: 503,
};

/** Options for {@link AuthError}. */
export interface AuthErrorOptions {
  /** The underlying failure, kept for logs; never rendered to the client. */
  cause?: unknown;
  /** For `insufficient_scope`: the scopes the request needs (rendered as `scope="…"`). */
  scopes?: readonly string[];
  /** For 503: seconds the client should wait before retrying (rendered as `Retry-After`). */
  retryAfter?: number;
  /** For claim failures: the claim that failed (`aud`, `exp`, ...). */
  claim?: string;
}

/**
 * The one error the verifier throws for a refused request. `description` is safe to send to the client: it is
 * written here, never copied from a token, a network error or a stack trace. Render it with `renderAuthError`.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  /** RFC 6750 error code; `undefined` only for `missing_token`, whose challenge carries no `error`. */
  readonly code: AuthErrorCode | undefined;
  /** HTTP status: 400, 401, 403 or 503. */
  readonly status: number;
  /** Stable machine-readable reason. */
  readonly reason: AuthErrorReason;
  /** Human-readable, safe to show to the client. */
  readonly description: string;
  /** For `insufficient_scope`: the scopes the request needs. */
  readonly scopes: readonly string[] | undefined;
  /** For 503: seconds before a retry makes sense. */
  readonly retryAfter: number | undefined;
  /** For claim failures: the claim that failed. */
  readonly claim: string | undefined;

  constructor(
    code: AuthErrorCode | undefined,
    reason: AuthErrorReason,
    description: string,
    options: AuthErrorOptions = {},
  ) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = code === undefined ? 401 : STATUS[code];
    this.reason = reason;
    this.description = description;
    this.scopes = options.scopes;
    this.retryAfter = options.retryAfter;
    this.claim = options.claim;
  }
}

/** True when `value` is an {@link AuthError} (also across duplicated module copies). */
export function isAuthError(value: unknown): value is AuthError {
  return (
    value instanceof AuthError || (value instanceof Error && value.name === 'AuthError' && 'reason' in value)
  );
}

/** @internal Shorthands used across the core. */
export const invalidRequest = (reason: AuthErrorReason, description: string, cause?: unknown): AuthError =>
  new AuthError('invalid_request', reason, description, { cause });

/** @internal */
export const invalidToken = (
  reason: AuthErrorReason,
  description: string,
  options: AuthErrorOptions = {},
): AuthError => new AuthError('invalid_token', reason, description, options);

/**
 * Thrown by `createVerifier` and `protectedResourceMetadata` when the configuration cannot work. The message says
 * which option is wrong and what to do about it.
 */
export class ConfigurationError extends TypeError {
  override readonly name = 'ConfigurationError';
}
