/**
 * Thrown by {@link createAuthorizationServer} when the configuration cannot work. The message names the field
 * (for example `clients[1].redirectUris`) and says what to change.
 */
export class ConfigurationError extends TypeError {
  /** The configuration path at fault, e.g. `resources[0].id`. */
  readonly field: string;

  /**
   * @param field - the configuration path at fault, e.g. `resources[0].id`
   * @param message - what is wrong and how to fix it
   */
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ConfigurationError';
    this.field = field;
  }
}

/**
 * The error codes this server answers with (RFC 6749 §4.1.2.1 and §5.2, RFC 8707 §2, RFC 7009 §2.2.1, RFC 7591
 * §3.2.2, RFC 9449 §5 and §8).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'server_error'
  | 'temporarily_unavailable';

const defaultStatus: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  unsupported_token_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  access_denied: 400,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
  server_error: 500,
  temporarily_unavailable: 503,
};

// RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
const unsafeDescription = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/g;

/**
 * A protocol error meant for the client: its `description` is safe to show (no secrets, no internals) and is
 * reduced to the characters RFC 6749 allows in `error_description`.
 * @internal
 */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly status: number;
  readonly description: string;
  /** Seconds until a retry may succeed, sent as `Retry-After` (a 503, or a locked client's 429). */
  readonly retryAfter: number | undefined;

  constructor(code: OAuthErrorCode, description: string, status = defaultStatus[code], retryAfter?: number) {
    super(description);
    this.name = 'OAuthError';
    this.code = code;
    this.status = status;
    this.description = description.replace(unsafeDescription, '');
    this.retryAfter = retryAfter;
  }
}

/**
 * RFC 9449 §8: the token request's DPoP proof lacks the current server nonce; `nonce` goes out as `DPoP-Nonce`.
 * @internal
 */
export class UseDpopNonceError extends OAuthError {
  readonly nonce: string;
  constructor(description: string, nonce: string) {
    super('use_dpop_nonce', description);
    this.name = 'UseDpopNonceError';
    this.nonce = nonce;
  }
}

/**
 * A `Store` or `KeyStore` call failed temporarily (unreachable, too slow): 503 `temporarily_unavailable` with
 * `Retry-After`, so clients retry instead of treating their grant as bad. The description says nothing of the
 * cause; `message` and `cause` carry it for logs.
 * @internal
 */
export class StorageUnavailableError extends OAuthError {
  constructor(storage: 'store' | 'keyStore', method: string, cause: unknown, retryAfter: number) {
    super(
      'temporarily_unavailable',
      'The server cannot reach its storage; try again shortly.',
      503,
      retryAfter,
    );
    this.name = 'StorageUnavailableError';
    this.message = `${storage}.${method}() failed: ${cause instanceof Error ? cause.message : String(cause)}`;
    this.cause = cause;
  }
}
