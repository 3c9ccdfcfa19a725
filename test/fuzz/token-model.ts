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
import { ASYMMETRIC, AUDIENCE, AUDIENCE_ALT, HMAC_ALGORITHMS, isHmac } from './keys.js';

// ---------------------------------------------------------------------------------------------------------------
// Verifier configuration

export interface VerifierConfig {
  /** `undefined`: the verifier's default (5 s), passed to jose explicitly. */
  readonly clockTolerance: number | undefined;
  /** `single`: `audience: AUDIENCE`; `pair`: `audience: [AUDIENCE, AUDIENCE_ALT]`. */
  readonly audience: 'single' | 'pair';
  readonly audiencePolicy: 'any' | 'exclusive' | undefined;
  readonly tokenType: 'default' | 'strict' | undefined;
  /** The allow-list, relative to the algorithm under test. */
  readonly algorithms: 'default' | 'exact' | 'family' | 'excluding';
  /** Asymmetric verifiers: whether the published JWKs carry `alg`. */
  readonly jwkAlg: boolean;
  readonly maxTokenAge: number | undefined;
  /** `one`: trusts ISSUER; `two`: ISSUER and OTHER_ISSUER, each with its own keys (same kids, other material). */
  readonly issuers: 'one' | 'two';
}

export const tolerance = (config: VerifierConfig): number => config.clockTolerance ?? 5;

export const audiences = (config: VerifierConfig): string[] =>
  config.audience === 'single' ? [AUDIENCE] : [AUDIENCE, AUDIENCE_ALT];

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
  readonly extra: readonly Entry[];
  readonly duplicates: readonly Duplicate[];
}

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
