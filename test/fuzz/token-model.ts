/**
 * The fuzzer's token model: what a scenario is. A scenario is plain data (so fast-check can shrink and print it):
 * an honest RFC 9068 access token for the verifier with mutations layered on it — header fields, claims, JSON text,
 * bytes, base64url encoding (before signing, so the signature still covers the mutated text), and the compact string
 * after signing. Also the verifier configuration a scenario runs against, and what follows from it (tolerance,
 * audiences, the algorithm allow-list).
 *
 * The generators are in arbitraries.ts (and header-payload-arbitraries.ts); rendering to a compact JWS is in
 * render.ts.
 */

import type { JwsAlgorithm } from '@audguard/core';
import { ASYMMETRIC, AUDIENCE, AUDIENCE_ALT, CLIENT, HMAC_ALGORITHMS, isHmac, USERINFO } from './keys.js';

// ---------------------------------------------------------------------------------------------------------------
// Verifier configuration

export interface VerifierConfig {
  /** `undefined`: the verifier's default (5 s), passed to jose explicitly. */
  readonly clockTolerance: number | undefined;
  /** This API's identifiers: `single` AUDIENCE, `alt` AUDIENCE_ALT, `pair` both. */
  readonly audience: 'single' | 'alt' | 'pair';
  /**
   * How audguard is given them: `static` (`audience: [...]`); `function` (`audience: (request) => [...]`, by the
   * request's path, called through `authenticate()`, and overridden by `verify(t, { audience })`); `per-call` (a
   * static audience of another API, overridden by `verify(t, { audience })`). jose always gets the list.
   */
  readonly audienceSource: 'static' | 'function' | 'per-call';
  readonly audiencePolicy: 'any' | 'exclusive' | undefined;
  readonly tokenType: 'default' | 'strict' | undefined;
  /** The allow-list, relative to the algorithm under test. */
  readonly algorithms: 'default' | 'exact' | 'family' | 'excluding';
  /** Asymmetric verifiers: whether the published JWKs carry `alg`. */
  readonly jwkAlg: boolean;
  readonly maxTokenAge: number | undefined;
  /** `one`: trusts ISSUER; `two`: ISSUER and OTHER_ISSUER, each with its own keys (same kids, other material). */
  readonly issuers: 'one' | 'two';
  /**
   * `list`: the issuers as strings or entries; `resolver` / `async-resolver`: an issuer resolver answering for the
   * same issuers (and `undefined` for every other `iss`). jose gets the list either way.
   */
  readonly issuerSource: 'list' | 'resolver' | 'async-resolver';
  /** `requiredClaims`: none, `{ token_use: 'access' }` (Cognito), or {@link MIXED_REQUIRED} (a string, a number, a boolean). */
  readonly requiredClaims: 'none' | 'token_use' | 'mixed';
  /** `listed`: `clientId: [CLIENT]`, alongside the audience (clientId alone has no jose equivalent). */
  readonly clientId: 'any' | 'listed';
  /** `userinfo`: `ignoredAudiences: [USERINFO]` (Auth0's `/userinfo`). */
  readonly ignoredAudiences: 'none' | 'userinfo';
  /** `scopeClaims`: the default (`scope`, `scp`), or `['scope', 'permissions']` (Auth0 RBAC; `scp` unread). */
  readonly scopeClaims: 'default' | 'permissions';
}

/** The configuration every field of which is the verifier's default (the hand-built cases start from it). */
export const DEFAULT_CONFIG: VerifierConfig = {
  clockTolerance: undefined,
  audience: 'single',
  audienceSource: 'static',
  audiencePolicy: undefined,
  tokenType: undefined,
  algorithms: 'default',
  jwkAlg: true,
  maxTokenAge: undefined,
  issuers: 'one',
  issuerSource: 'list',
  requiredClaims: 'none',
  clientId: 'any',
  ignoredAudiences: 'none',
  scopeClaims: 'default',
};

/** The `requiredClaims: 'mixed'` values: one of each JSON type `requiredClaims` takes. */
export const MIXED_REQUIRED = { ver: '2.0', tier: 2, mfa: true } as const;

export const tolerance = (config: VerifierConfig): number => config.clockTolerance ?? 5;

/** The identifiers an `audience` setting stands for. */
export const audienceList = (audience: VerifierConfig['audience']): string[] =>
  audience === 'single' ? [AUDIENCE] : audience === 'alt' ? [AUDIENCE_ALT] : [AUDIENCE, AUDIENCE_ALT];

export const audiences = (config: VerifierConfig): string[] => audienceList(config.audience);

/** Another audience of this API, for the same verifier on another request (the cache must not carry a token over). */
export const otherAudience = (audience: VerifierConfig['audience']): VerifierConfig['audience'] =>
  audience === 'single' ? 'alt' : 'single';

/** The `requiredClaims` option both sides get (jose: the names, for presence; audguard: the exact values). */
export function requiredClaims(config: VerifierConfig): Readonly<Record<string, string | number | boolean>> {
  if (config.requiredClaims === 'token_use') return { token_use: 'access' };
  return config.requiredClaims === 'mixed' ? MIXED_REQUIRED : {};
}

export const clientIds = (config: VerifierConfig): readonly string[] | undefined =>
  config.clientId === 'listed' ? [CLIENT] : undefined;

export const ignoredAudiences = (config: VerifierConfig): readonly string[] =>
  config.ignoredAudiences === 'userinfo' ? [USERINFO] : [];

export const scopeClaims = (config: VerifierConfig): readonly string[] =>
  config.scopeClaims === 'permissions' ? ['scope', 'permissions'] : ['scope', 'scp'];

/** The claims that name the client, in the order audguard reads them into `AccessToken.clientId`. */
export const CLIENT_CLAIMS = ['client_id', 'azp', 'cid', 'appid'] as const;

const familyOf = (alg: JwsAlgorithm): readonly JwsAlgorithm[] => {
  if (isHmac(alg)) return HMAC_ALGORITHMS;
  const prefix = alg.slice(0, 2);
  if (alg === 'EdDSA' || alg === 'Ed25519') return ['EdDSA', 'Ed25519'];
  return ASYMMETRIC.filter((a) => a.startsWith(prefix));
};

/** The `algorithms` option both sides get, for a verifier guarding tokens of `alg`. */
export function allowedAlgorithms(config: VerifierConfig, alg: JwsAlgorithm): JwsAlgorithm[] {
  const universe = isHmac(alg) ? HMAC_ALGORITHMS : ASYMMETRIC;
  switch (config.algorithms) {
    case 'default':
      return [...universe];
    case 'exact':
      return [alg];
    case 'family':
      return [...familyOf(alg)];
    case 'excluding':
      return universe.filter((a) => a !== alg);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Values inside header and payload

/**
 * A JSON member value: raw JSON text (so `1e400`, `-0` or `1.0` survive), a time relative to the verifier's clock,
 * or a reference resolved at render time.
 */
export type ValueSpec =
  | { readonly raw: string }
  | {
      /** `lo` = now − tolerance, `hi` = now + tolerance: the boundaries of `exp` and `nbf`/`iat`. */
      readonly time: 'now' | 'lo' | 'hi';
      readonly delta: number;
      /** Fraction added to the (integer) second; `0` for an integer. */
      readonly frac: number;
      readonly format: 'plain' | 'exponent' | 'decimal';
    }
  | { readonly ref: 'alg' | 'kid' | 'iss' };

export type Entry = readonly [name: string, value: ValueSpec];

/** A later or earlier duplicate of a member (JSON.parse keeps the last one). */
export interface Duplicate {
  readonly name: string;
  readonly value: ValueSpec;
  readonly first: boolean;
}

export interface PayloadSpec {
  readonly iss: ValueSpec | undefined;
  readonly sub: ValueSpec | undefined;
  readonly aud: ValueSpec | undefined;
  readonly exp: ValueSpec | undefined;
  readonly nbf: ValueSpec | undefined;
  readonly iat: ValueSpec | undefined;
  readonly jti: ValueSpec | undefined;
  readonly client_id: ValueSpec | undefined;
  readonly scope: ValueSpec | undefined;
  readonly scp: ValueSpec | undefined;
  /** Claims of real providers the Real-issuers checks read (see provider-claim-arbitraries.ts). */
  readonly provider: ProviderClaims;
  readonly extra: readonly Entry[];
  readonly duplicates: readonly Duplicate[];
}

/**
 * Claims real identity providers write that audguard reads: what kind of token it is (`token_use`: Cognito; a
 * payload `typ`: Keycloak; `at_hash`/`c_hash`: OpenID Connect ID tokens), who the client is (`azp`: OpenID and
 * Keycloak; `cid`: Okta; `appid`: Entra v1), `permissions` (Auth0 RBAC), and the `requiredClaims` of the configs.
 */
export interface ProviderClaims {
  readonly token_use: ValueSpec | undefined;
  readonly typ: ValueSpec | undefined;
  readonly at_hash: ValueSpec | undefined;
  readonly c_hash: ValueSpec | undefined;
  readonly azp: ValueSpec | undefined;
  readonly cid: ValueSpec | undefined;
  readonly appid: ValueSpec | undefined;
  readonly permissions: ValueSpec | undefined;
  readonly ver: ValueSpec | undefined;
  readonly tier: ValueSpec | undefined;
  readonly mfa: ValueSpec | undefined;
}

/** Every provider claim absent. */
export const NO_PROVIDER_CLAIMS: ProviderClaims = {
  token_use: undefined,
  typ: undefined,
  at_hash: undefined,
  c_hash: undefined,
  azp: undefined,
  cid: undefined,
  appid: undefined,
  permissions: undefined,
  ver: undefined,
  tier: undefined,
  mfa: undefined,
};

export interface HeaderSpec {
  readonly alg: ValueSpec | undefined;
  readonly typ: ValueSpec | undefined;
  readonly kid: ValueSpec | undefined;
  readonly extra: readonly Entry[];
  readonly duplicates: readonly Duplicate[];
}

// ---------------------------------------------------------------------------------------------------------------
// Text, byte, encoding and compact-form mutations

/** How a JSON object is written: compact, spaced, with non-ASCII escaped as `\uXXXX`, or member order reversed. */
export type JsonStyle = 'compact' | 'spaced' | 'escaped' | 'reversed';

/** Byte-level mutations of one segment's JSON before base64url encoding. */
export type BytesMutation =
  | { readonly kind: 'none' }
  | { readonly kind: 'bom' }
  | { readonly kind: 'invalid-utf8'; readonly at: number; readonly byte: number }
  | { readonly kind: 'latin1' }
  | { readonly kind: 'append'; readonly text: string }
  | { readonly kind: 'replace'; readonly text: string }
  | { readonly kind: 'truncate'; readonly at: number };

/** Encoding mutations of one base64url segment, applied before signing (so the signature covers them). */
export type EncodingMutation =
  | { readonly kind: 'none' }
  | { readonly kind: 'pad'; readonly count: number }
  | { readonly kind: 'non-canonical' }
  | { readonly kind: 'std-alphabet' }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string };

/** Mutations of the compact token after signing. */
export type PostMutation =
  | { readonly kind: 'flip-bit'; readonly at: number; readonly bit: number }
  | { readonly kind: 'truncate-signature'; readonly chars: number }
  | { readonly kind: 'append-signature'; readonly text: string }
  | { readonly kind: 'signature-non-canonical' }
  | { readonly kind: 'signature-pad' }
  | { readonly kind: 'signature-random' }
  | { readonly kind: 'signature-drop-first-byte' }
  | { readonly kind: 'signature-prepend-zero' }
  | { readonly kind: 'signature-empty' }
  | { readonly kind: 'segments'; readonly shape: 'two' | 'four' | 'five' | 'leading-dot' | 'double-dot' }
  | { readonly kind: 'truncate-token'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'wrap'; readonly before: string; readonly after: string }
  | { readonly kind: 'swap-case'; readonly at: number };

/** Who signs: the honest key, another published or unpublished key, the public key as an HMAC secret, nobody. */
export type SignerSpec =
  | { readonly kind: 'honest' }
  | { readonly kind: 'key'; readonly id: string }
  | { readonly kind: 'confusion'; readonly secret: number }
  | { readonly kind: 'unsigned' };

/** Pads the payload so the whole token lands on (or near) a length around the 8 KiB limit. */
export type SizeSpec = number | undefined;

export interface Scenario {
  readonly header: HeaderSpec;
  readonly payload: PayloadSpec;
  readonly headerStyle: JsonStyle;
  readonly payloadStyle: JsonStyle;
  readonly headerBytes: BytesMutation;
  readonly payloadBytes: BytesMutation;
  readonly headerEncoding: EncodingMutation;
  readonly payloadEncoding: EncodingMutation;
  readonly signer: SignerSpec;
  readonly post: readonly PostMutation[];
  readonly size: SizeSpec;
  /** Milliseconds past the verifier's whole second (both sides floor `now` to seconds). */
  readonly clockMs: number;
  /** Which trusted issuer honestly mints the token (the second one only exists in `issuers: 'two'` configs). */
  readonly issuer: 'primary' | 'secondary';
}
