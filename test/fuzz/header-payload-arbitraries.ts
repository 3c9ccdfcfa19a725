/**
 * The fast-check generators for what a token's header and payload say: each claim and header parameter mostly
 * honest, often right at a boundary, sometimes of the wrong type, absent, duplicated, or joined by arbitrary extra
 * members (including names that collide with `Object.prototype`). The claims of real providers are in
 * provider-claim-arbitraries.ts.
 */

import fc from 'fast-check';
import {
  ALL_ALGORITHMS,
  AUDIENCE,
  AUDIENCE_ALT,
  CLIENT,
  ISSUER,
  OTHER_API,
  OTHER_CLIENT,
  OTHER_ISSUER,
  USERINFO,
} from './keys.js';
import type { Entry, HeaderSpec, PayloadSpec, ValueSpec } from './token-model.js';

export const raw = (value: unknown): ValueSpec => ({ raw: JSON.stringify(value) });
export const rawText = (text: string): ValueSpec => ({ raw: text });

/** Interesting strings: empty, whitespace, lookalikes, controls, astral and lone-surrogate code points. */
export const oddString = fc.oneof(
  fc.constantFrom('', ' ', 'user-1', 'ünïcødé', '\u0000', '\ud800', '🦊', 'a\nb', '\u202e', 'null'),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);

export const nonString = fc.constantFrom<ValueSpec>(
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

const audValues = [
  AUDIENCE,
  AUDIENCE_ALT,
  OTHER_API,
  USERINFO,
  `${AUDIENCE}/`,
  'https://ORDERS.example.com',
  '',
];
const audMember = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...audValues).map(raw) },
  { weight: 1, arbitrary: nonString },
);

const audClaim: fc.Arbitrary<ValueSpec | undefined> = fc.oneof(
  { weight: 30, arbitrary: fc.constant(raw(AUDIENCE)) },
  { weight: 3, arbitrary: fc.constant(raw(AUDIENCE_ALT)) },
  { weight: 4, arbitrary: fc.constantFrom(...audValues).map(raw) },
  {
    weight: 6,
    arbitrary: fc
      .array(audMember, { maxLength: 4 })
      .map((members) => rawText(`[${members.map((m) => ('raw' in m ? m.raw : 'null')).join(',')}]`)),
  },
  // Auth0 with `openid`: this API and the issuer's own /userinfo.
  { weight: 2, arbitrary: fc.constant(raw([AUDIENCE, USERINFO])) },
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

/** `client_id`: usually the honest client, sometimes another one, odd, or absent (then `azp`/`cid`/`appid` name it). */
const clientIdClaim: fc.Arbitrary<ValueSpec | undefined> = fc.oneof(
  { weight: 60, arbitrary: fc.constant(raw(CLIENT)) },
  { weight: 2, arbitrary: fc.constant(raw(OTHER_CLIENT)) },
  { weight: 2, arbitrary: oddString.map(raw) },
  { weight: 2, arbitrary: nonString },
  { weight: 6, arbitrary: fc.constant(undefined) },
);

/** `scope`: a space-delimited string (RFC 9068), sometimes an array (Duende), odd or absent. */
const scopeClaim: fc.Arbitrary<ValueSpec | undefined> = fc.oneof(
  { weight: 54, arbitrary: stringClaim('orders:read orders:write') },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(['orders:read', 'orders:write'], ['orders:read'], [], ['', 'orders:read'], ['a b'])
      .map(raw),
  },
  { weight: 1, arbitrary: fc.array(oddString, { maxLength: 3 }).map(raw) },
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
export const payloadArbitrary: fc.Arbitrary<Omit<PayloadSpec, 'provider'>> = fc.record({
  iss: issClaim,
  sub: stringClaim('user-1'),
  aud: audClaim,
  exp: timeClaim(honestTime(30, 7200), 'lo', [30, 6, 2, 1]),
  nbf: timeClaim(honestTime(-600, 0), 'hi', [6, 6, 2, 30]),
  iat: timeClaim(honestTime(-30, 0), 'hi', [24, 6, 2, 6]),
  jti: stringClaim('8d1c7c0e-4f5e-4b8e-9a77-5d0f2d6c2f10'),
  client_id: clientIdClaim,
  scope: scopeClaim,
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

export const headerArbitrary: fc.Arbitrary<HeaderSpec> = fc.record({
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
