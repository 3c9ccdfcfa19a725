/**
 * The fuzzer's token model: a scenario is plain data (so fast-check can shrink and print it), rendered to a compact
 * JWS by {@link renderToken}. A scenario starts from an honest RFC 9068 access token for the verifier and layers
 * mutations on it: header fields, claims, JSON text, bytes, base64url encoding (before signing, so the signature
 * still covers the mutated text), and the compact string after signing.
 */

import type { JwsAlgorithm } from '@audguard/core';
import fc from 'fast-check';
import {
  ALL_ALGORITHMS,
  ASYMMETRIC,
  AUDIENCE,
  AUDIENCE_ALT,
  HMAC_ALGORITHMS,
  hmacWith,
  ISSUER,
  isHmac,
  type KeyMaterial,
  OTHER_API,
  OTHER_ISSUER,
  type SigningKey,
  signWith,
} from './keys.js';

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

export const configArbitrary: fc.Arbitrary<VerifierConfig> = fc.record({
  clockTolerance: fc.constantFrom<number | undefined>(undefined, undefined, 0, 2.5, 60),
  audience: fc.constantFrom<'single' | 'pair'>('single', 'pair'),
  audiencePolicy: fc.constantFrom<'any' | 'exclusive' | undefined>(undefined, undefined, 'any', 'exclusive'),
  tokenType: fc.constantFrom<'default' | 'strict' | undefined>(
    undefined,
    undefined,
    undefined,
    'default',
    'strict',
  ),
  algorithms: fc.constantFrom<VerifierConfig['algorithms']>(
    'default',
    'default',
    'default',
    'default',
    'default',
    'exact',
    'exact',
    'family',
    'family',
    'excluding',
  ),
  jwkAlg: fc.boolean(),
  maxTokenAge: fc.constantFrom<number | undefined>(undefined, undefined, undefined, 60, 3600),
  issuers: fc.constantFrom<'one' | 'two'>('one', 'one', 'two'),
});

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

const raw = (value: unknown): ValueSpec => ({ raw: JSON.stringify(value) });
const rawText = (text: string): ValueSpec => ({ raw: text });

/** Interesting strings: empty, whitespace, lookalikes, controls, astral and lone-surrogate code points. */
const oddString = fc.oneof(
  fc.constantFrom('', ' ', 'user-1', 'ünïcødé', '\u0000', '\ud800', '🦊', 'a\nb', '\u202e', 'null'),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);

const nonString = fc.constantFrom<ValueSpec>(
  rawText('123'),
  rawText('0'),
  rawText('null'),
  rawText('true'),
  rawText('[]'),
  rawText('["x"]'),
  rawText('{}'),
  rawText('1e400'),
);

/** A string claim (`sub`, `client_id`, `jti`, `scope`): usually a string, sometimes not, sometimes absent. */
const stringClaim = (usual: string): fc.Arbitrary<ValueSpec | undefined> =>
  fc.oneof(
    { weight: 60, arbitrary: fc.constant(raw(usual)) },
    { weight: 2, arbitrary: oddString.map(raw) },
    { weight: 2, arbitrary: nonString },
    { weight: 2, arbitrary: fc.constant(undefined) },
  );

const timeSpec = (anchor: 'now' | 'lo' | 'hi', spread: number): fc.Arbitrary<ValueSpec> =>
  fc.record({
    time: fc.constantFrom<'now' | 'lo' | 'hi'>(anchor, anchor, anchor, 'now', 'lo', 'hi'),
    delta: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: -2, max: 2 }) },
      { weight: 3, arbitrary: fc.integer({ min: -spread, max: spread }) },
      { weight: 1, arbitrary: fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }) },
    ),
    frac: fc.constantFrom(0, 0, 0, 0, 0.001, 0.5, 0.999),
    format: fc.constantFrom<'plain' | 'exponent' | 'decimal'>(
      'plain',
      'plain',
      'plain',
      'exponent',
      'decimal',
    ),
  });

/** An honest time: `now` plus an offset drawn from `[min, max]` seconds. */
const honestTime = (min: number, max: number): fc.Arbitrary<ValueSpec> =>
  fc.integer({ min, max }).map((delta): ValueSpec => ({ time: 'now', delta, frac: 0, format: 'plain' }));

/**
 * `exp` / `nbf` / `iat`: mostly honest, often right at their boundary, sometimes far, non-numeric, non-finite or
 * absent. Weights: [honest, boundary, odd, absent].
 */
const timeClaim = (
  honest: fc.Arbitrary<ValueSpec>,
  anchor: 'now' | 'lo' | 'hi',
  [honestWeight, boundaryWeight, oddWeight, absentWeight]: readonly [number, number, number, number],
): fc.Arbitrary<ValueSpec | undefined> =>
  fc.oneof(
    { weight: honestWeight, arbitrary: honest },
    { weight: boundaryWeight, arbitrary: timeSpec(anchor, 600) },
    { weight: absentWeight, arbitrary: fc.constant(undefined) },
    {
      weight: oddWeight,
      arbitrary: fc.constantFrom<ValueSpec>(
        rawText('"1750000000"'),
        rawText('null'),
        rawText('true'),
        rawText('[1750000000]'),
        rawText('{}'),
        rawText('1e400'),
        rawText('-1e400'),
        rawText('1e20'),
        rawText('-1'),
        rawText('0'),
        rawText('-0'),
      ),
    },
  );

const audValues = [AUDIENCE, AUDIENCE_ALT, OTHER_API, `${AUDIENCE}/`, 'https://ORDERS.example.com', ''];
const audMember = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...audValues).map(raw) },
  { weight: 1, arbitrary: nonString },
);

const audClaim: fc.Arbitrary<ValueSpec | undefined> = fc.oneof(
  { weight: 30, arbitrary: fc.constant(raw(AUDIENCE)) },
  { weight: 4, arbitrary: fc.constantFrom(...audValues).map(raw) },
  {
    weight: 6,
    arbitrary: fc
      .array(audMember, { maxLength: 4 })
      .map((members) => rawText(`[${members.map((m) => ('raw' in m ? m.raw : 'null')).join(',')}]`)),
  },
  { weight: 1, arbitrary: nonString },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const issClaim: fc.Arbitrary<ValueSpec | undefined> = fc.oneof(
  { weight: 60, arbitrary: fc.constant<ValueSpec>({ ref: 'iss' }) },
  { weight: 3, arbitrary: fc.constantFrom(ISSUER, OTHER_ISSUER).map(raw) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(
        `${ISSUER}/`,
        'http://as.example.com',
        'https://AS.example.com',
        'https://as.example.com.evil.example',
        `${ISSUER} `,
        'https://аs.example.com', // Cyrillic "а"
        '',
      )
      .map(raw),
  },
  { weight: 1, arbitrary: nonString },
  { weight: 1, arbitrary: fc.constant(rawText(`[${JSON.stringify(ISSUER)}]`)) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const scpClaim: fc.Arbitrary<ValueSpec | undefined> = fc.oneof(
  { weight: 40, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constant(raw('orders:read')) },
  { weight: 2, arbitrary: fc.array(oddString, { maxLength: 3 }).map(raw) },
  { weight: 1, arbitrary: fc.constantFrom(rawText('["orders:read",1]'), rawText('[null]'), rawText('7')) },
);

/** Extra claims or header parameters: arbitrary JSON, including names that collide with `Object.prototype`. */
const extraEntries: fc.Arbitrary<Entry[]> = fc.array(
  fc.tuple(
    fc.oneof(
      { weight: 3, arbitrary: fc.string({ maxLength: 8 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'azp', 'cnf'),
      },
    ),
    fc.jsonValue({ maxDepth: 2 }).map((v) => raw(v)),
  ),
  { maxLength: 3 },
);

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

const payloadArbitrary: fc.Arbitrary<PayloadSpec> = fc.record({
  iss: issClaim,
  sub: stringClaim('user-1'),
  aud: audClaim,
  exp: timeClaim(honestTime(30, 7200), 'lo', [30, 6, 2, 1]),
  nbf: timeClaim(honestTime(-600, 0), 'hi', [6, 6, 2, 30]),
  iat: timeClaim(honestTime(-30, 0), 'hi', [24, 6, 2, 6]),
  jti: stringClaim('8d1c7c0e-4f5e-4b8e-9a77-5d0f2d6c2f10'),
  client_id: stringClaim('client-1'),
  scope: stringClaim('orders:read orders:write'),
  scp: scpClaim,
  extra: fc.oneof({ weight: 8, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: extraEntries }),
  duplicates: fc.oneof(
    { weight: 30, arbitrary: fc.constant([]) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.record({
          name: fc.constantFrom('iss', 'aud', 'exp', 'nbf', 'iat', 'sub'),
          value: fc.oneof(
            fc.constantFrom(raw(ISSUER), raw(AUDIENCE), raw(OTHER_API)),
            timeSpec('now', 100),
            nonString,
          ),
          first: fc.boolean(),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    },
  ),
});

export interface HeaderSpec {
  readonly alg: ValueSpec | undefined;
  readonly typ: ValueSpec | undefined;
  readonly kid: ValueSpec | undefined;
  readonly extra: readonly Entry[];
  readonly duplicates: readonly Duplicate[];
}

const noneVariants = ['none', 'None', 'NONE', 'nOnE'];

const algHeader: fc.Arbitrary<ValueSpec | undefined> = fc.oneof(
  { weight: 60, arbitrary: fc.constant<ValueSpec>({ ref: 'alg' }) },
  { weight: 3, arbitrary: fc.constantFrom(...ALL_ALGORITHMS).map(raw) },
  { weight: 1, arbitrary: fc.constantFrom(...noneVariants).map(raw) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      rawText('123'),
      rawText('null'),
      rawText('["RS256"]'),
      raw(''),
      raw('rs256'),
      raw('RS256 '),
      raw('ＲＳ256'),
      raw('ML-DSA-44'),
      raw('RSA-OAEP'),
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const typValues = [
  'at+jwt',
  'AT+JWT',
  'At+Jwt',
  'application/at+jwt',
  'Application/AT+JWT',
  'JWT',
  'jwt',
  'application/jwt',
  'APPLICATION/JWT',
  'dpop+jwt',
  'logout+jwt',
  'secevent+jwt',
  'id_token+jwt',
  'JOSE',
  'at+jwt ',
  'application/at+jwt; charset=utf-8',
  'x/at+jwt',
  '',
];

const typHeader: fc.Arbitrary<ValueSpec | undefined> = fc.oneof(
  { weight: 16, arbitrary: fc.constant(raw('at+jwt')) },
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.constantFrom(...typValues).map(raw) },
  { weight: 1, arbitrary: nonString },
);

const kidHeader: fc.Arbitrary<ValueSpec | undefined> = fc.oneof(
  { weight: 40, arbitrary: fc.constant<ValueSpec>({ ref: 'kid' }) },
  { weight: 6, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(
        'rsa-RS256',
        'rsa-PS256',
        'ec-ES256',
        'ec-ES256-next',
        'ec-ES384',
        'okp-EdDSA',
        'weak-2047',
        'weak-1024',
        'rsa-enc',
        'rsa-signonly',
        'unknown',
        '',
        'hmac-1',
      )
      .map(raw),
  },
  { weight: 1, arbitrary: nonString },
);

/** Header parameters audguard refuses or ignores: `crit`, `jku`/`x5u`/`jwk`, `b64`, `x5c`, `cty`. */
const headerExtras: fc.Arbitrary<Entry[]> = fc.oneof(
  { weight: 30, arbitrary: fc.constant<Entry[]>([]) },
  {
    weight: 4,
    arbitrary: fc.subarray<Entry>(
      [
        ['crit', rawText('["b64"]')],
        ['b64', rawText('true')],
        ['jku', raw('https://evil.example/jwks.json')],
        ['x5u', raw('https://evil.example/cert.pem')],
        ['jwk', rawText('{"kty":"oct","k":"AAAA"}')],
        ['x5c', rawText('["MIIB"]')],
        ['cty', raw('JWT')],
        ['zip', raw('DEF')],
      ],
      { minLength: 1, maxLength: 3 },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Entry[]>(
      [['crit', rawText('["exp"]')]],
      [['crit', rawText('[]')]],
      [['crit', rawText('null')]],
      [
        ['crit', rawText('["b64"]')],
        ['b64', rawText('false')],
      ],
      [['jku', rawText('null')]],
    ),
  },
  { weight: 1, arbitrary: extraEntries },
);

const headerArbitrary: fc.Arbitrary<HeaderSpec> = fc.record({
  alg: algHeader,
  typ: typHeader,
  kid: kidHeader,
  extra: headerExtras,
  duplicates: fc.oneof(
    { weight: 30, arbitrary: fc.constant([]) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.record({
          name: fc.constantFrom('alg', 'typ', 'kid', 'crit'),
          value: fc.oneof(
            fc.constantFrom(...noneVariants, 'HS256', 'dpop+jwt', 'at+jwt').map(raw),
            nonString,
          ),
          first: fc.boolean(),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    },
  ),
});

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

const bytesMutation: fc.Arbitrary<BytesMutation> = fc.oneof(
  { weight: 160, arbitrary: fc.constant<BytesMutation>({ kind: 'none' }) },
  { weight: 1, arbitrary: fc.constant<BytesMutation>({ kind: 'bom' }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('invalid-utf8' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      byte: fc.constantFrom(0x80, 0xc0, 0xc3, 0xed, 0xf8, 0xff),
    }),
  },
  { weight: 1, arbitrary: fc.constant<BytesMutation>({ kind: 'latin1' }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      text: fc.constantFrom(' ', '\n', 'x', ',', '}', '\u0000'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      text: fc.oneof(
        fc.constantFrom('', '[]', '[{}]', '"x"', '1', 'null', 'true', '{', '{}', '{"a":1,}', "{'a':1}"),
        fc.string({ maxLength: 10 }),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('truncate' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
);

/** Encoding mutations of one base64url segment, applied before signing (so the signature covers them). */
export type EncodingMutation =
  | { readonly kind: 'none' }
  | { readonly kind: 'pad'; readonly count: number }
  | { readonly kind: 'non-canonical' }
  | { readonly kind: 'std-alphabet' }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string };

const encodingMutation: fc.Arbitrary<EncodingMutation> = fc.oneof(
  { weight: 160, arbitrary: fc.constant<EncodingMutation>({ kind: 'none' }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('pad' as const), count: fc.constantFrom(-1, 1, 2, 3) }),
  },
  { weight: 2, arbitrary: fc.constant<EncodingMutation>({ kind: 'non-canonical' }) },
  { weight: 1, arbitrary: fc.constant<EncodingMutation>({ kind: 'std-alphabet' }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      text: fc.constantFrom(' ', '\n', '\t', '\r\n', '=', '+', '/', '!', '%', 'é', '\u00a0', 'A', 'AA'),
    }),
  },
);

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

const postMutation: fc.Arbitrary<PostMutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('flip-bit' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('truncate-signature' as const),
      chars: fc.integer({ min: 1, max: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('append-signature' as const),
      text: fc.constantFrom('A', 'AA', 'AAA', 'AAAA', '-_'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<PostMutation>(
      { kind: 'signature-non-canonical' },
      { kind: 'signature-pad' },
      { kind: 'signature-random' },
      { kind: 'signature-drop-first-byte' },
      { kind: 'signature-prepend-zero' },
      { kind: 'signature-empty' },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('segments' as const),
      shape: fc.constantFrom<'two' | 'four' | 'five' | 'leading-dot' | 'double-dot'>(
        'two',
        'four',
        'five',
        'leading-dot',
        'double-dot',
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('truncate-token' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      text: fc.constantFrom(' ', '\n', '.', '=', '+', '/', 'é', '\u0000', '%2E'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('wrap' as const),
      before: fc.constantFrom('', ' ', 'Bearer ', '"'),
      after: fc.constantFrom('', ' ', '\n', '\r\n', '"', '='),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('swap-case' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
);

/** Who signs: the honest key, another published or unpublished key, the public key as an HMAC secret, nobody. */
export type SignerSpec =
  | { readonly kind: 'honest' }
  | { readonly kind: 'key'; readonly id: string }
  | { readonly kind: 'confusion'; readonly secret: number }
  | { readonly kind: 'unsigned' };

const signerArbitrary: fc.Arbitrary<SignerSpec> = fc.oneof(
  { weight: 60, arbitrary: fc.constant<SignerSpec>({ kind: 'honest' }) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(
        'rsa-RS256',
        'rsa-PS256',
        'ec-ES256',
        'ec-ES256-next',
        'ec-ES384',
        'ec-ES512',
        'okp-EdDSA',
        'weak-2047',
        'weak-1024',
        'secret',
        'secret-other',
        'other:rsa-RS256',
        'other:rsa-PS384',
        'other:ec-ES256',
        'other:ec-ES512',
        'other:okp-EdDSA',
      )
      .map((id): SignerSpec => ({ kind: 'key', id })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0, max: 2 }).map((secret): SignerSpec => ({ kind: 'confusion', secret })),
  },
  { weight: 1, arbitrary: fc.constant<SignerSpec>({ kind: 'unsigned' }) },
);

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

const jsonStyle = fc.constantFrom<JsonStyle>(
  'compact',
  'compact',
  'compact',
  'compact',
  'spaced',
  'escaped',
  'reversed',
);

export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  header: headerArbitrary,
  payload: payloadArbitrary,
  headerStyle: jsonStyle,
  payloadStyle: jsonStyle,
  headerBytes: bytesMutation,
  payloadBytes: bytesMutation,
  headerEncoding: encodingMutation,
  payloadEncoding: encodingMutation,
  signer: signerArbitrary,
  post: fc.oneof(
    { weight: 16, arbitrary: fc.constant([]) },
    { weight: 2, arbitrary: fc.array(postMutation, { minLength: 1, maxLength: 2 }) },
  ),
  size: fc.oneof(
    { weight: 60, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(8190, 8191, 8192, 8193, 8194, 8200, 9000) },
  ),
  clockMs: fc.oneof(fc.constantFrom(0, 999), fc.integer({ min: 0, max: 999 })),
  issuer: fc.constantFrom<'primary' | 'secondary'>('primary', 'primary', 'primary', 'secondary'),
});

// ---------------------------------------------------------------------------------------------------------------
// Rendering

/** The verifier's clock: a fixed whole second, plus the scenario's milliseconds. */
export const BASE_SECONDS = 1_750_000_000;

export interface RenderContext {
  readonly alg: JwsAlgorithm;
  readonly config: VerifierConfig;
  readonly keys: KeyMaterial;
  readonly nowMs: number;
}

export interface RenderedToken {
  readonly token: string;
  /** The algorithm the signature was actually made with (`undefined`: unsigned). */
  readonly signedAs: string | undefined;
  /** Length of the filler claim added to reach `size` (0 when none). */
  readonly filler: number;
  /** The key whose signature the token carries, if any (before post-signing mutations). */
  readonly signer: SigningKey | undefined;
}

function formatTime(seconds: number, format: 'plain' | 'exponent' | 'decimal'): string {
  if (format === 'exponent') return seconds.toExponential();
  if (format === 'decimal' && Number.isInteger(seconds)) return `${seconds}.0`;
  return String(seconds);
}

function resolveValue(
  value: ValueSpec,
  ctx: RenderContext,
  signer: SigningKey | undefined,
  alg: string,
  honestKid: string,
  issuer: string,
): string {
  if ('raw' in value) return value.raw;
  if ('ref' in value) {
    if (value.ref === 'iss') return JSON.stringify(issuer);
    return value.ref === 'alg' ? JSON.stringify(alg) : JSON.stringify(signer?.kid ?? honestKid);
  }
  const now = Math.floor(ctx.nowMs / 1000);
  const tol = tolerance(ctx.config);
  const anchor = value.time === 'now' ? now : value.time === 'lo' ? now - tol : now + tol;
  return formatTime(anchor + value.delta + value.frac, value.format);
}

const escapeNonAscii = (json: string) =>
  json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function serialize(members: Array<readonly [string, string]>, style: JsonStyle): string {
  const ordered = style === 'reversed' ? [...members].reverse() : members;
  const sep = style === 'spaced' ? ', ' : ',';
  const colon = style === 'spaced' ? ' : ' : ':';
  const body = ordered.map(([name, value]) => `${JSON.stringify(name)}${colon}${value}`).join(sep);
  const json = style === 'spaced' ? `{ ${body} }\n` : `{${body}}`;
  return style === 'escaped' ? escapeNonAscii(json) : json;
}

function members(
  base: Array<readonly [string, ValueSpec | undefined]>,
  extra: readonly Entry[],
  duplicates: readonly Duplicate[],
  resolve: (v: ValueSpec) => string,
): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (const d of duplicates) if (d.first) out.push([d.name, resolve(d.value)]);
  for (const [name, value] of base) if (value !== undefined) out.push([name, resolve(value)]);
  for (const [name, value] of extra) out.push([name, resolve(value)]);
  for (const d of duplicates) if (!d.first) out.push([d.name, resolve(d.value)]);
  return out;
}

const utf8 = new TextEncoder();

function mutateBytes(json: string, mutation: BytesMutation): Uint8Array {
  switch (mutation.kind) {
    case 'none':
      return utf8.encode(json);
    case 'bom':
      return new Uint8Array([0xef, 0xbb, 0xbf, ...utf8.encode(json)]);
    case 'invalid-utf8': {
      const bytes = utf8.encode(json);
      const at = Math.floor(mutation.at * bytes.length);
      return new Uint8Array([...bytes.subarray(0, at), mutation.byte, ...bytes.subarray(at)]);
    }
    case 'latin1':
      return Uint8Array.from(
        [...json].flatMap((c) =>
          (c.codePointAt(0) ?? 0) > 0xffff ? [0x3f] : [(c.codePointAt(0) ?? 0) & 0xff],
        ),
      );
    case 'append':
      return utf8.encode(json + mutation.text);
    case 'replace':
      return utf8.encode(mutation.text);
    case 'truncate': {
      const bytes = utf8.encode(json);
      return bytes.subarray(0, Math.floor(mutation.at * bytes.length));
    }
  }
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Changes the unused low bits of the last character: decodes to the same bytes, but is not canonical. */
function nonCanonical(segment: string): string {
  const rest = segment.length % 4;
  if (rest === 0 || rest === 1) return segment;
  const last = segment[segment.length - 1] as string;
  const index = ALPHABET.indexOf(last);
  if (index < 0) return segment;
  const unused = rest === 2 ? 0b1111 : 0b11;
  const changed = ALPHABET[(index & ~unused) | ((index + 1) & unused)] as string;
  return segment.slice(0, -1) + changed;
}

function mutateEncoding(segment: string, mutation: EncodingMutation): string {
  switch (mutation.kind) {
    case 'none':
      return segment;
    case 'pad': {
      const needed = (4 - (segment.length % 4)) % 4;
      const count = mutation.count === -1 ? needed : needed + mutation.count;
      return segment + '='.repeat(Math.max(count, 0));
    }
    case 'non-canonical':
      return nonCanonical(segment);
    case 'std-alphabet':
      return segment.replace(/-/g, '+').replace(/_/g, '/');
    case 'insert': {
      const at = Math.floor(mutation.at * segment.length);
      return segment.slice(0, at) + mutation.text + segment.slice(at);
    }
  }
}

function mutatePost(token: string, mutation: PostMutation): string {
  const dot = token.lastIndexOf('.');
  const head = dot === -1 ? token : token.slice(0, dot);
  const sig = dot === -1 ? '' : token.slice(dot + 1);
  const sigBytes = () => Buffer.from(sig, 'base64url');
  switch (mutation.kind) {
    case 'flip-bit': {
      const bytes = sigBytes();
      if (bytes.length === 0) return token;
      const at = Math.min(bytes.length - 1, Math.floor(mutation.at * bytes.length));
      bytes[at] = (bytes[at] as number) ^ (1 << mutation.bit);
      return `${head}.${b64url(bytes)}`;
    }
    case 'truncate-signature':
      return `${head}.${sig.slice(0, Math.max(0, sig.length - mutation.chars))}`;
    case 'append-signature':
      return token + mutation.text;
    case 'signature-non-canonical':
      return `${head}.${nonCanonical(sig)}`;
    case 'signature-pad':
      return token + '='.repeat((4 - (sig.length % 4)) % 4 || 4);
    case 'signature-random': {
      // Deterministic "random" bytes of the right length: the scenario must replay exactly from its seed.
      const bytes = sigBytes();
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 151 + 7) & 0xff;
      return `${head}.${b64url(bytes)}`;
    }
    case 'signature-drop-first-byte':
      return `${head}.${b64url(sigBytes().subarray(1))}`;
    case 'signature-prepend-zero':
      return `${head}.${b64url(new Uint8Array([0, ...sigBytes()]))}`;
    case 'signature-empty':
      return `${head}.`;
    case 'segments':
      switch (mutation.shape) {
        case 'two':
          return head;
        case 'four':
          return `${token}.${sig}`;
        case 'five':
          return `${token}.${sig}.${sig}`;
        case 'leading-dot':
          return `.${token}`;
        case 'double-dot':
          return token.replace('.', '..');
      }
      return token;
    case 'truncate-token':
      return token.slice(0, Math.floor(mutation.at * token.length));
    case 'insert': {
      const at = Math.floor(mutation.at * token.length);
      return token.slice(0, at) + mutation.text + token.slice(at);
    }
    case 'wrap':
      return mutation.before + token + mutation.after;
    case 'swap-case': {
      const at = Math.min(token.length - 1, Math.floor(mutation.at * token.length));
      const c = token[at] ?? '';
      const swapped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      return token.slice(0, at) + swapped + token.slice(at + 1);
    }
  }
}

/** The algorithm the header names, when it names one as a JSON string (last duplicate wins, as in JSON.parse). */
function headerAlg(scenario: Scenario, alg: JwsAlgorithm): string | undefined {
  let value: ValueSpec | undefined = scenario.header.alg;
  for (const d of scenario.header.duplicates) if (d.name === 'alg' && !d.first) value = d.value;
  if (value === undefined) return undefined;
  if ('ref' in value) return value.ref === 'alg' ? alg : undefined;
  if ('raw' in value) {
    try {
      const parsed: unknown = JSON.parse(value.raw);
      return typeof parsed === 'string' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Renders `scenario` for a verifier guarding `ctx.alg` tokens. `substitute` maps signing-key ids to other keys and
 * `fixedFiller` reuses a filler length (the oracle re-signs a token with a twin key that way; see oracle.ts).
 */
export function renderToken(
  scenario: Scenario,
  ctx: RenderContext,
  substitute: ReadonlyMap<string, SigningKey> = new Map(),
  fixedFiller?: number,
): RenderedToken {
  const secondary = scenario.issuer === 'secondary';
  const issuer = secondary ? OTHER_ISSUER : ISSUER;
  const honest = (secondary ? ctx.keys.secondary.byAlg : ctx.keys.byAlg).get(ctx.alg) as SigningKey;
  let signer: SigningKey | undefined =
    scenario.signer.kind === 'honest'
      ? honest
      : scenario.signer.kind === 'key'
        ? ctx.keys.byId.get(scenario.signer.id)
        : undefined;
  if (signer && substitute.has(signer.id)) signer = substitute.get(signer.id);
  // The kid a token names is the signer's (after substitution, the twin carries the original kid).
  const algName = ctx.alg;
  const h = scenario.header;
  const headerJson = serialize(
    members(
      [
        ['alg', h.alg],
        ['typ', h.typ],
        ['kid', h.kid],
      ],
      h.extra,
      h.duplicates,
      (v) => resolveValue(v, ctx, signer, algName, honest.kid, issuer),
    ),
    scenario.headerStyle,
  );
  const p = scenario.payload;
  const base: Array<readonly [string, ValueSpec | undefined]> = [
    ['iss', p.iss],
    ['sub', p.sub],
    ['aud', p.aud],
    ['exp', p.exp],
    ['nbf', p.nbf],
    ['iat', p.iat],
    ['jti', p.jti],
    ['client_id', p.client_id],
    ['scope', p.scope],
    ['scp', p.scp],
  ];
  const payloadMembers = members(base, p.extra, p.duplicates, (v) =>
    resolveValue(v, ctx, signer, algName, honest.kid, issuer),
  );

  const sigAlg = headerAlg(scenario, ctx.alg) ?? ctx.alg;
  let signedAs: string | undefined;
  const assemble = (filler: number): string => {
    const withFiller: Array<readonly [string, string]> =
      filler > 0 ? [...payloadMembers, ['pad', JSON.stringify('x'.repeat(filler))]] : payloadMembers;
    const hSeg = mutateEncoding(
      b64url(mutateBytes(headerJson, scenario.headerBytes)),
      scenario.headerEncoding,
    );
    const pSeg = mutateEncoding(
      b64url(mutateBytes(serialize(withFiller, scenario.payloadStyle), scenario.payloadBytes)),
      scenario.payloadEncoding,
    );
    const input = `${hSeg}.${pSeg}`;
    const inputBytes = Buffer.from(input, 'latin1');
    let signature: Uint8Array | undefined;
    signedAs = undefined;
    if (scenario.signer.kind === 'confusion') {
      const secret = ctx.keys.confusionSecrets[scenario.signer.secret] as Uint8Array;
      signature = hmacWith(sigAlg, secret, inputBytes);
      signedAs = 'HMAC';
    } else if (signer) {
      // Sign with the algorithm the header names when the key can; else with the key's own algorithm (a mismatch).
      for (const candidate of [sigAlg, ctx.alg, signer.defaultAlg]) {
        signature = signWith(candidate, signer, inputBytes);
        if (signature) {
          signedAs = candidate;
          break;
        }
      }
    }
    return `${input}.${signature ? b64url(signature) : ''}`;
  };

  let filler = fixedFiller ?? 0;
  let token = assemble(filler);
  if (fixedFiller === undefined && scenario.size !== undefined && token.length < scenario.size) {
    // The shortest filler claim that brings the token to the target length (exactly, when base64url allows it).
    let lo = 1;
    let hi = scenario.size;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (assemble(mid).length >= scenario.size) hi = mid;
      else lo = mid + 1;
    }
    filler = lo;
    token = assemble(filler);
  }
  for (const mutation of scenario.post) token = mutatePost(token, mutation);
  return { token, signedAs, filler, signer };
}
