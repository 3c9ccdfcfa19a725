/**
 * The RFC 6750 §3.1 error code carried by an {@link AuthError}; RFC 9449's `invalid_dpop_proof` and
 * `use_dpop_nonce`; and `temporarily_unavailable` for the cases where the resource server, not the client, is at
 * fault (no signing keys, no introspection answer, no replay record could be had).
 */
export type AuthErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'temporarily_unavailable';

/** The authentication scheme a request used (RFC 6750 `Bearer`, RFC 9449 `DPoP`): its challenge carries the error. */
export type AuthScheme = 'Bearer' | 'DPoP';

interface ReasonRow {
  /** RFC 6750 `error`; `undefined` only for `missing_token`, whose challenge carries none (§3.1). */
  readonly code: AuthErrorCode | undefined;
  /** Safe to send to the client; a throw site may pass a more specific one. */
  readonly description: string;
  /** The HTTP status when it is not the code's own (RFC 6750 §3.1). */
  readonly status?: number;
}

/**
 * Every refusal the core makes, by stable reason: its RFC 6750 code and default description. The HTTP status
 * follows from the code ({@link STATUS}). Adding a refusal is adding a row.
 */
const REASONS = {
  // No credentials at all: the challenge carries no `error` attribute.
  missing_token: {
    code: undefined,
    description: 'This API requires an access token (Authorization: Bearer).',
  },
  // Extraction (RFC 6750 §2).
  malformed_authorization_header: {
    code: 'invalid_request',
    description: 'The Authorization header is malformed: expected "Bearer", a space and the token.',
  },
  multiple_credentials: {
    code: 'invalid_request',
    description: 'The request carries the access token in more than one place.',
  },
  token_in_query_not_allowed: {
    code: 'invalid_request',
    description: 'Access tokens are not accepted in the URL; send them in the Authorization header.',
  },
  unreadable_body: { code: 'invalid_request', description: 'The request body could not be read.' },
  body_too_large: {
    code: 'invalid_request',
    status: 413,
    description: 'The request body is too large to look for an access token in it.',
  },
  // Token structure.
  token_too_large: { code: 'invalid_token', description: 'The token is too long.' },
  malformed_token: { code: 'invalid_token', description: 'The token is not a well-formed JWT.' },
  encrypted_token_not_supported: {
    code: 'invalid_token',
    description: 'Encrypted tokens (JWE) are not accepted by this API.',
  },
  // Header policy, decided before any key lookup.
  algorithm_not_allowed: {
    code: 'invalid_token',
    description: "The token's signing algorithm is not accepted by this API.",
  },
  type_not_allowed: {
    code: 'invalid_token',
    description: 'The token is not an access token (its "typ" names another kind of JWT).',
  },
  unsupported_critical_header: {
    code: 'invalid_token',
    description: 'The token has critical header parameters this API does not understand.',
  },
  key_reference_in_header: {
    code: 'invalid_token',
    description: 'Tokens that carry or point to their own key are not accepted.',
  },
  unknown_issuer: {
    code: 'invalid_token',
    description: 'The token was issued by an issuer this API does not trust.',
  },
  id_token_not_accepted: {
    code: 'invalid_token',
    description: 'The token is an ID token; this API accepts access tokens only.',
  },
  // Keys and signature.
  unknown_key: {
    code: 'invalid_token',
    description: 'The token was signed with a key this API does not accept.',
  },
  bad_signature: { code: 'invalid_token', description: 'The token signature is invalid.' },
  // Claims.
  missing_claim: { code: 'invalid_token', description: 'The token lacks a required claim.' },
  invalid_claim: { code: 'invalid_token', description: 'A claim of the token has an invalid value.' },
  expired: { code: 'invalid_token', description: 'The token has expired.' },
  not_yet_valid: { code: 'invalid_token', description: 'The token is not valid yet.' },
  issued_in_future: { code: 'invalid_token', description: 'The token claims to be issued in the future.' },
  audience_mismatch: { code: 'invalid_token', description: 'The token was not issued for this API.' },
  audience_not_exclusive: {
    code: 'invalid_token',
    description: 'The token is also valid at other APIs; this API accepts only tokens issued for it alone.',
  },
  client_not_allowed: {
    code: 'invalid_token',
    description: 'The token was issued to a client this API does not accept.',
  },
  validation_failed: {
    code: 'invalid_token',
    description: "The token does not meet this API's requirements.",
  },
  // Introspection (RFC 7662): the authorization server says the token is not active (revoked, expired, unknown).
  token_inactive: { code: 'invalid_token', description: 'The token is not active.' },
  // DPoP (RFC 9449): the request's form.
  dpop_proof_missing: {
    code: 'invalid_request',
    description: 'A DPoP-bound token needs a DPoP proof: send it in the DPoP header.',
  },
  dpop_proof_with_bearer: {
    code: 'invalid_request',
    description: 'A DPoP proof came with the Bearer scheme: send DPoP-bound tokens as "Authorization: DPoP".',
  },
  // DPoP: the proof itself (§4.3).
  multiple_dpop_proofs: {
    code: 'invalid_dpop_proof',
    description: 'The request carries more than one DPoP header.',
  },
  malformed_dpop_proof: {
    code: 'invalid_dpop_proof',
    description: 'The DPoP proof is not a well-formed JWT.',
  },
  dpop_proof_type_not_allowed: {
    code: 'invalid_dpop_proof',
    description: 'The DPoP proof is not typed "dpop+jwt".',
  },
  dpop_algorithm_not_allowed: {
    code: 'invalid_dpop_proof',
    description: "The DPoP proof's signing algorithm is not accepted by this API.",
  },
  dpop_key_invalid: {
    code: 'invalid_dpop_proof',
    description:
      'The DPoP proof must carry a public key ("jwk") that fits its algorithm, and no private key.',
  },
  dpop_bad_signature: { code: 'invalid_dpop_proof', description: 'The DPoP proof signature is invalid.' },
  dpop_claim_invalid: {
    code: 'invalid_dpop_proof',
    description: 'The DPoP proof lacks a claim or has an invalid one (jti, htm, htu, iat).',
  },
  dpop_method_mismatch: {
    code: 'invalid_dpop_proof',
    description: 'The DPoP proof was made for another HTTP method ("htm").',
  },
  dpop_uri_mismatch: {
    code: 'invalid_dpop_proof',
    description: 'The DPoP proof was made for another URL ("htu").',
  },
  dpop_proof_expired: { code: 'invalid_dpop_proof', description: 'The DPoP proof is too old.' },
  dpop_proof_issued_in_future: {
    code: 'invalid_dpop_proof',
    description: 'The DPoP proof claims to be made in the future.',
  },
  dpop_proof_replayed: { code: 'invalid_dpop_proof', description: 'The DPoP proof was already used.' },
  dpop_token_hash_mismatch: {
    code: 'invalid_dpop_proof',
    description: 'The DPoP proof was made for another access token ("ath").',
  },
  dpop_nonce_required: {
    code: 'use_dpop_nonce',
    description: 'This API requires a DPoP proof with the nonce of the DPoP-Nonce header.',
  },
  // DPoP: the token and its binding (§6, §7).
  dpop_key_mismatch: {
    code: 'invalid_token',
    description: 'The DPoP proof was signed by another key than the one the token is bound to.',
  },
  dpop_token_not_bound: {
    code: 'invalid_token',
    description: 'The token is not DPoP-bound; send it with the Bearer scheme.',
  },
  dpop_bound_token_as_bearer: {
    code: 'invalid_token',
    description: 'The token is DPoP-bound: send it as "Authorization: DPoP" with a DPoP proof.',
  },
  dpop_required: {
    code: 'invalid_token',
    description: 'This API accepts DPoP-bound tokens only: send "Authorization: DPoP" with a DPoP proof.',
  },
  // Authorization.
  unverified_token: {
    code: 'invalid_token',
    description: 'The request carries no access token verified by this API.',
  },
  insufficient_scope: { code: 'insufficient_scope', description: 'The access token lacks a required scope.' },
  // Our side: the client's token may be fine.
  keys_unavailable: {
    code: 'temporarily_unavailable',
    description:
      'The API cannot check tokens right now because its authorization server keys are unavailable. Retry later.',
  },
  issuer_lookup_failed: {
    code: 'temporarily_unavailable',
    description:
      'The API cannot check tokens right now because it could not look up their issuer. Retry later.',
  },
  introspection_unavailable: {
    code: 'temporarily_unavailable',
    description:
      'The API cannot check tokens right now because its authorization server does not answer. Retry later.',
  },
  introspection_response_invalid: {
    code: 'temporarily_unavailable',
    description:
      "The API cannot check tokens right now because its authorization server's answer was unusable. Retry later.",
  },
  replay_cache_unavailable: {
    code: 'temporarily_unavailable',
    description: 'The API cannot check DPoP proofs right now. Retry later.',
  },
} as const satisfies Record<string, ReasonRow>;

/**
 * A stable, machine-readable reason for a refusal. Switch on it in logs and metrics; it never changes meaning
 * between releases.
 */
export type AuthErrorReason = keyof typeof REASONS;

/** Every reason, in table order (for documentation, metrics labels and exhaustive tests). */
export const AUTH_ERROR_REASONS = Object.freeze(Object.keys(REASONS)) as readonly AuthErrorReason[];

const STATUS: Record<AuthErrorCode, number> = {
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  invalid_dpop_proof: 401,
  use_dpop_nonce: 401,
  temporarily_unavailable: 503,
};

/** Options for {@link AuthError}. */
export interface AuthErrorOptions {
  /**
   * What to tell the client instead of the reason's default description. Written by code, never copied from a
   * token, a network error or a stack trace.
   */
  description?: string;
  /** The underlying failure, kept for logs; never rendered to the client. */
  cause?: unknown;
  /** For `insufficient_scope`: the scopes the request needs (rendered as `scope="…"`). */
  scopes?: readonly string[];
  /** For 503: seconds the client should wait before retrying (rendered as `Retry-After`). */
  retryAfter?: number;
  /** For claim failures: the claim that failed (`aud`, `exp`, ...). */
  claim?: string;
  /** The scheme the request used, when known: its challenge carries the error (RFC 9449 §7.2). */
  scheme?: AuthScheme;
  /** For `use_dpop_nonce`: the nonce the client must put in its next proof (rendered as `DPoP-Nonce`). */
  dpopNonce?: string;
}

/**
 * The one error the verifier throws for a refused request, built from its {@link AuthErrorReason}: the reason
 * decides the RFC 6750 `code`, the HTTP `status` and the default `description`. `description` is safe to send to
 * the client. Render it with `renderAuthError`.
 *
 * @example
 * ```ts
 * throw new AuthError('invalid_claim', { description: 'The token is for another tenant.', claim: 'tid' });
 * ```
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  /** RFC 6750 error code; `undefined` only for `missing_token`, whose challenge carries no `error`. */
  readonly code: AuthErrorCode | undefined;
  /** HTTP status: 400, 401, 403, 503, or 413 for `body_too_large`. */
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
  /**
   * The authentication scheme of the refused request, when known (`authenticate()` sets it). With both schemes
   * offered, its challenge carries the error; with none known, both do.
   */
  readonly scheme: AuthScheme | undefined;
  /** For `use_dpop_nonce`: the nonce to use next (rendered as the `DPoP-Nonce` header). */
  readonly dpopNonce: string | undefined;

  constructor(reason: AuthErrorReason, options: AuthErrorOptions = {}) {
    const row: ReasonRow | undefined = REASONS[reason];
    if (row === undefined) throw new TypeError(`AuthError: unknown reason ${JSON.stringify(reason)}`);
    const description = options.description ?? row.description;
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = row.code;
    this.status = row.status ?? (row.code === undefined ? 401 : STATUS[row.code]);
    this.reason = reason;
    this.description = description;
    this.scopes = options.scopes;
    this.retryAfter = options.retryAfter;
    this.claim = options.claim;
    this.scheme = options.scheme;
    this.dpopNonce = options.dpopNonce;
  }
}

/** True when `value` is an {@link AuthError} (also across duplicated module copies). */
export function isAuthError(value: unknown): value is AuthError {
  return (
    value instanceof AuthError || (value instanceof Error && value.name === 'AuthError' && 'reason' in value)
  );
}

/**
 * Thrown by `createVerifier`, the guards and `protectedResourceMetadata` when the configuration cannot work. The
 * message says which option is wrong and what to do about it.
 */
export class ConfigurationError extends TypeError {
  override readonly name = 'ConfigurationError';
}
