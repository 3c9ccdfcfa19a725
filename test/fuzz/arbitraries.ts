/**
 * The fast-check generators for whole scenarios and verifier configurations: the header and payload (from
 * header-payload-arbitraries.ts), how their JSON is written, byte and base64url mutations before signing, who signs,
 * mutations of the compact token after signing, a target length near the 8 KiB limit, and the clock.
 */

import fc from 'fast-check';
import { headerArbitrary, payloadArbitrary } from './header-payload-arbitraries.js';
import { providerClaimsArbitrary } from './provider-claim-arbitraries.js';
import type {
  BytesMutation,
  EncodingMutation,
  JsonStyle,
  PayloadSpec,
  PostMutation,
  Scenario,
  SignerSpec,
  VerifierConfig,
} from './token-model.js';

// ---------------------------------------------------------------------------------------------------------------
// Verifier configuration

export const configArbitrary: fc.Arbitrary<VerifierConfig> = fc.record({
  clockTolerance: fc.constantFrom<number | undefined>(undefined, undefined, 0, 2.5, 60),
  // `alt` only as the other audience of a request (see differential.test.ts), where the cache is put to the test.
  audience: fc.constantFrom<VerifierConfig['audience']>('single', 'single', 'single', 'pair', 'pair'),
  audienceSource: fc.constantFrom<VerifierConfig['audienceSource']>(
    'static',
    'static',
    'function',
    'per-call',
  ),
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
  issuerSource: fc.constantFrom<VerifierConfig['issuerSource']>('list', 'list', 'resolver', 'async-resolver'),
  requiredClaims: fc.constantFrom<VerifierConfig['requiredClaims']>(
    'none',
    'none',
    'none',
    'token_use',
    'mixed',
  ),
  clientId: fc.constantFrom<VerifierConfig['clientId']>('any', 'any', 'any', 'listed'),
  ignoredAudiences: fc.constantFrom<VerifierConfig['ignoredAudiences']>('none', 'none', 'userinfo'),
  scopeClaims: fc.constantFrom<VerifierConfig['scopeClaims']>('default', 'default', 'default', 'permissions'),
});

// ---------------------------------------------------------------------------------------------------------------
// Text, byte, encoding and compact-form mutations

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

// ---------------------------------------------------------------------------------------------------------------
// Who signs, and the whole scenario

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

const jsonStyle = fc.constantFrom<JsonStyle>(
  'compact',
  'compact',
  'compact',
  'compact',
  'spaced',
  'escaped',
  'reversed',
);

const payloadWithProviderClaims: fc.Arbitrary<PayloadSpec> = fc
  .tuple(payloadArbitrary, providerClaimsArbitrary)
  .map(([payload, provider]) => ({ ...payload, provider }));

export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  header: headerArbitrary,
  payload: payloadWithProviderClaims,
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
