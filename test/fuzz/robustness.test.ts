/**
 * Invariant: whatever string reaches `verify()` (or whatever `Authorization` header reaches `authenticate()`),
 * audguard settles quickly and either refuses with a well-formed AuthError or — never, for strings nobody signed —
 * accepts. No TypeError, RangeError, SyntaxError or unhandled rejection may escape. Settings: see fuzz-config.ts.
 */

import {
  type CryptoBackend,
  createVerifier,
  type JwsAlgorithm,
  type NodeRequestLike,
  type Verifier,
} from '@audguard/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { FUZZ_RUNS, FUZZ_SEED, runProperty, summary, tally, timeoutFor } from './fuzz-config.js';
import { checkAuthError, clock, fail, HANG_MS, runVerify, verifierOptions } from './harness.js';
import { AUDIENCE, generateKeyMaterial, ISSUER, type KeyMaterial } from './keys.js';
import { BASE_SECONDS } from './render.js';
import { DEFAULT_CONFIG, type VerifierConfig } from './token-model.js';

const RUNS = Math.max(100, Math.ceil(FUZZ_RUNS / 5));

let keys: KeyMaterial;
let verifiers: Array<[string, Verifier]>;

const DEFAULTS: VerifierConfig = DEFAULT_CONFIG;
/** An issuer resolver, and the Real-issuers options that read claims (`requiredClaims`, `clientId`, `scopeClaims`). */
const REAL_ISSUERS: VerifierConfig = {
  ...DEFAULT_CONFIG,
  issuerSource: 'async-resolver',
  requiredClaims: 'mixed',
  clientId: 'listed',
  ignoredAudiences: 'userinfo',
  scopeClaims: 'permissions',
};

type Spec = readonly [
  label: string,
  alg: JwsAlgorithm,
  backend: CryptoBackend,
  cache: boolean,
  VerifierConfig,
];
const SPECS: readonly Spec[] = [
  ...(['node', 'webcrypto'] as const).flatMap((backend) =>
    [false, true].flatMap((cache): Spec[] => [
      [`RS256 ${backend}${cache ? ' cached' : ''}`, 'RS256', backend, cache, DEFAULTS],
      [`HS256 ${backend}${cache ? ' cached' : ''}`, 'HS256', backend, cache, DEFAULTS],
    ]),
  ),
  ['ES256 node cached, issuer resolver and claim options', 'ES256', 'node', true, REAL_ISSUERS],
];

beforeAll(() => {
  keys = generateKeyMaterial();
  clock.ms = BASE_SECONDS * 1000;
  verifiers = SPECS.map(([label, alg, backend, cache, config]) => [
    label,
    createVerifier(verifierOptions(keys, config, alg, backend, cache)),
  ]);
  console.info(`robustness fuzz: FUZZ_SEED=${FUZZ_SEED}, ${RUNS} cases per property`);
});

afterAll(() => {
  console.info(summary());
});

/** Every verifier refuses `input` with a well-formed AuthError, in time. */
async function refusedEverywhere(input: string): Promise<void> {
  for (const [label, verifier] of verifiers) {
    const outcome = await runVerify(verifier, input, label);
    if (outcome.ok) fail(`${label}: accepted an unsigned, arbitrary string: ${JSON.stringify(input)}`);
    else tally(`robustness: ${outcome.error.reason}`);
  }
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Characters of base64, base64url, JWS syntax and their usual neighbours. */
const base64ish = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. \n'),
  maxLength: 400,
});

/** Three (or so) segments: random bytes, random JSON, or a header naming a real algorithm and kid. */
const jsonHeader = fc
  .record(
    {
      alg: fc.constantFrom(
        'RS256',
        'PS512',
        'ES256',
        'ES512',
        'EdDSA',
        'Ed25519',
        'HS256',
        'none',
        'RSA-OAEP',
        'A128KW',
      ),
      kid: fc.constantFrom('rsa-RS256', 'ec-ES256', 'okp-EdDSA', 'weak-1024', 'x'),
      typ: fc.constantFrom('at+jwt', 'JWT'),
      enc: fc.constant('A256GCM'),
      crit: fc.constant(['b64']),
      b64: fc.boolean(),
    },
    { requiredKeys: ['alg'] },
  )
  .map(b64json);

const jsonPayload = fc
  .record(
    {
      iss: fc.constantFrom(ISSUER, 'x'),
      aud: fc.constantFrom(AUDIENCE, [AUDIENCE]),
      exp: fc.oneof(fc.constant(BASE_SECONDS + 60), fc.double()),
      nbf: fc.double(),
      iat: fc.double(),
      sub: fc.anything({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  )
  .map(b64json);

const segment = fc.oneof(
  fc.uint8Array({ maxLength: 96 }).map(b64url),
  fc.jsonValue({ maxDepth: 2 }).map(b64json),
  jsonHeader,
  jsonPayload,
  fc.constantFrom('', 'e30', 'eyJ9', 'bnVsbA', 'W10', 'AA', 'A', '_-_-'),
);

const structured = fc
  .tuple(
    fc.array(segment, { minLength: 1, maxLength: 6 }),
    fc.constantFrom('.', '.', '.', '..', ' .', '.\n', '~'),
  )
  .map(([segments, separator]) => segments.join(separator));

/** A plausible header and payload, and a signature of random bytes (of a plausible length, or not). */
const jwtShaped = fc
  .tuple(
    jsonHeader,
    jsonPayload,
    fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.constantFrom(64, 96, 132, 256).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
    ),
  )
  .map(([h, p, s]) => `${h}.${p}.${b64url(s)}`);

/** Lengths around the size limit (checked before parsing) and far beyond it. */
const huge = fc
  .tuple(
    fc.constantFrom(8191, 8192, 8193, 65_536, 1_000_000),
    fc.constantFrom('A', '.', 'eyJ', '\u{1F98A}', ' '),
  )
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

const arbitraries: Array<[string, fc.Arbitrary<string>]> = [
  ['ascii strings', fc.string({ maxLength: 200 })],
  ['any code points', fc.string({ unit: 'binary', maxLength: 200 })],
  ['graphemes', fc.string({ unit: 'grapheme', maxLength: 100 })],
  ['base64-ish strings', base64ish],
  ['JWS-shaped strings', structured],
  ['JWT-shaped strings', jwtShaped],
  ['oversized strings', huge],
];

describe('verify() never throws anything but an AuthError, never hangs, never accepts junk', () => {
  for (const [kind, arbitrary] of arbitraries) {
    const name = `robustness verify ${kind}`;
    const runs = kind === 'oversized strings' ? Math.min(RUNS, 200) : RUNS;
    it(
      `${name}: ${runs} cases × ${SPECS.length} verifiers`,
      async () => {
        await runProperty(name, fc.asyncProperty(arbitrary, refusedEverywhere), runs);
        tally(`cases: ${name}`, runs);
      },
      timeoutFor(runs * 2),
    );
  }
});

describe('authenticate() never throws anything but an AuthError', () => {
  const name = 'robustness authenticate';
  it(
    `${name}: ${RUNS} arbitrary requests`,
    async () => {
      const header = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc
          .tuple(fc.constantFrom('Bearer ', 'bearer ', 'BEARER  ', 'Bearer\t', 'Basic ', ''), base64ish)
          .map(([s, t]) => s + t),
        fc.tuple(fc.constantFrom('Bearer ', 'Bearer'), structured).map(([s, t]) => s + t),
      );
      const request = fc.record({
        method: fc.constantFrom('GET', 'POST', 'HEAD', 'put', ''),
        url: fc.oneof(
          fc.constant('/orders'),
          fc.string({ maxLength: 40 }).map((q) => `/orders?access_token=${q}`),
          fc.string({ unit: 'binary', maxLength: 40 }).map((q) => `/x?${q}&access_token=a#access_token=b`),
        ),
        rawHeaders: fc.array(
          fc.tuple(
            fc.constantFrom('Authorization', 'authorization', 'AUTHORIZATION', 'Host', 'Authorisation'),
            header,
          ),
          { maxLength: 3 },
        ),
        contentType: fc.constantFrom(undefined, 'application/x-www-form-urlencoded', 'application/json'),
        body: fc.oneof(
          fc.constant(undefined),
          fc.record({
            access_token: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 2 }), fc.integer()),
          }),
          fc.anything({ maxDepth: 1 }),
        ),
        bearer: fc.record({ body: fc.boolean(), query: fc.boolean() }),
      });
      const options = (bearer: { body: boolean; query: boolean }, backend: 'node' | 'webcrypto') =>
        createVerifier({
          ...verifierOptions(keys, DEFAULTS, 'RS256', backend, false),
          bearerMethods: bearer,
        });
      const cache = new Map<string, Verifier>();
      await runProperty(
        name,
        fc.asyncProperty(request, async (r) => {
          const node: NodeRequestLike = {
            method: r.method,
            url: r.url,
            rawHeaders: r.rawHeaders.flat(),
            headers: r.contentType === undefined ? {} : { 'content-type': r.contentType },
            ...(r.body === undefined ? {} : { body: r.body }),
          };
          for (const backend of ['node', 'webcrypto'] as const) {
            const key = `${r.bearer.body}${r.bearer.query}${backend}`;
            let verifier = cache.get(key);
            if (!verifier) {
              verifier = options(r.bearer, backend);
              cache.set(key, verifier);
            }
            let timer: NodeJS.Timeout | undefined;
            const hang = new Promise<'hang'>((resolve) => {
              timer = setTimeout(() => resolve('hang'), HANG_MS);
            });
            try {
              const result = await Promise.race([verifier.authenticate(node), hang]);
              if (result === 'hang') fail(`authenticate() did not settle within ${HANG_MS} ms`);
              fail(`authenticate() accepted an arbitrary request: ${JSON.stringify(node)}`);
            } catch (error) {
              if (error instanceof Error && error.name === 'FuzzFailure') throw error;
              const authError = checkAuthError(error, verifier, '', `authenticate (${backend})`);
              tally(`robustness authenticate: ${authError.reason}`);
            } finally {
              clearTimeout(timer);
            }
          }
        }),
        RUNS,
      );
      tally(`cases: ${name}`, RUNS);
    },
    timeoutFor(RUNS * 2),
  );
});
