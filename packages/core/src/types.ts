/** JWS algorithms the verifier can check. `none` is not one of them, by design. */
export type JwsAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519'
  | 'HS256'
  | 'HS384'
  | 'HS512';

/** A JSON Web Key as published in a JWKS (public members only matter here). */
export interface JsonWebKey {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  crv?: string;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
  k?: string;
  [member: string]: unknown;
}

/** RFC 7517 §5 JSON Web Key Set. */
export interface JsonWebKeySet {
  keys: JsonWebKey[];
}

/** The registered claims audguard reads, plus anything else the issuer put in. */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  client_id?: string;
  /** Space-delimited (RFC 9068 §2.2.3); some issuers (Duende) write an array. */
  scope?: string | string[];
  scp?: string | string[];
  /** RFC 7800 confirmation: `cnf.jkt` binds the token to a DPoP key (RFC 9449 §6.1). */
  cnf?: { jkt?: string; [member: string]: unknown };
  [claim: string]: unknown;
}

/** The protected header of a verified token; empty for an opaque token checked by introspection. */
export interface JwsHeader {
  /** Always present for a JWT; absent only in the empty header of an introspected token. */
  alg?: string;
  typ?: string;
  kid?: string;
  [parameter: string]: unknown;
}

/**
 * A verified access token. Objects are frozen and may be shared between requests (the verified-token cache hands
 * out the same object for the same token), so never mutate one.
 *
 * @typeParam Claims - The claims your issuer puts into tokens, beyond the registered ones.
 */
export interface AccessToken<Claims extends object = Record<string, unknown>> {
  /** The compact JWT as received. */
  readonly token: string;
  /** The protected header; `{}` for an opaque token checked by introspection (its server vouches, not a signature). */
  readonly header: Readonly<JwsHeader>;
  /** Every claim of the payload, typed by `Claims`. */
  readonly claims: Readonly<JwtClaims & Claims>;
  /** `iss`, identical to one of the configured issuers. */
  readonly issuer: string;
  /** `sub`, when present. For client-credentials tokens it names the client (RFC 9068 §2.2). */
  readonly subject: string | undefined;
  /** `client_id`, when present; else `azp`, `cid` (Okta) or `appid` (Entra ID v1), which some issuers use instead. */
  readonly clientId: string | undefined;
  /** `aud`, always as an array. */
  readonly audience: readonly string[];
  /**
   * Granted scopes, from the `scopeClaims` (default `scope`, space-delimited, and `scp`), with every scope they
   * imply under `impliedScopes`.
   */
  readonly scopes: ReadonlySet<string>;
  /** `exp` as a Date. */
  readonly expiresAt: Date;
  /** `iat` as a Date, when present. */
  readonly issuedAt: Date | undefined;
}
