/**
 * Differential fuzzing of the verifier against jose's `jwtVerify` (the oracle, see oracle.ts): for every algorithm
 * audguard supports, on both signature backends and with the verified-token cache off and on, audguard must
 * accept exactly the tokens jose accepts (after audguard's documented extra strictness), with the same header and
 * claims, and refuse everything else with a well-formed AuthError. Settings: see fuzz-config.ts.
 */

import { createVerifier, type JwsAlgorithm } from '@audguard/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configArbitrary, scenarioArbitrary } from './arbitraries.js';
import {
  count,
  FUZZ_PATH,
  FUZZ_RUNS,
  FUZZ_SEED,
  runProperty,
  STRICT,
  summary,
  tally,
  timeoutFor,
} from './fuzz-config.js';
import {
  callFor,
  checkAgainst,
  checkSame,
  clock,
  runVerify,
  verifierOptions,
  verifierPool,
} from './harness.js';
import {
  ALL_ALGORITHMS,
  AUDIENCE,
  CLIENT,
  generateKeyMaterial,
  type KeyMaterial,
  OTHER_ISSUER,
} from './keys.js';
import { createOracle, type Expectation, type Oracle } from './oracle.js';
import { BASE_SECONDS, type RenderContext, renderToken } from './render.js';
import {
  NO_PROVIDER_CLAIMS,
  otherAudience,
  type Scenario,
  type ValueSpec,
  type VerifierConfig,
} from './token-model.js';

const RUNS_PER_ALGORITHM = Math.ceil(FUZZ_RUNS / ALL_ALGORITHMS.length);
const TIME_TRAVEL_RUNS = Math.max(100, Math.ceil(FUZZ_RUNS / 10));

let keys: KeyMaterial;
let oracle: Oracle;
let pooled: ReturnType<typeof verifierPool>;

beforeAll(() => {
  keys = generateKeyMaterial();
  oracle = createOracle(keys);
  pooled = verifierPool(keys);
  console.info(
    `differential fuzz: FUZZ_SEED=${FUZZ_SEED}, ${RUNS_PER_ALGORITHM} cases × ${ALL_ALGORITHMS.length} algorithms` +
      ` + ${TIME_TRAVEL_RUNS} time-travel cases${STRICT ? ', FUZZ_STRICT' : ''}`,
  );
});

afterAll(() => {
  console.info(summary());
});

const contextOf = (ctx: RenderContext, token: string, expectation?: Expectation) => () =>
  `  alg: ${ctx.alg}  now: ${ctx.nowMs} ms  config: ${JSON.stringify(ctx.config)}\n  token: ${token}` +
  (expectation?.verdict.ok ? `\n  jose payload: ${JSON.stringify(expectation.verdict.payload)}` : '');

/**
 * One differential case: the oracle's expectation, then audguard on every backend and cache mode. With a function
 * audience the webcrypto backend and the cache miss go through `authenticate()` (the request's path decides the
 * audience), the node backend and the cache hit through `verify(t, { audience })`, which overrides the function.
 * Outside the static audience, the cached verifier then gets the token for another of this API's audiences.
 */
async function differentialCase(
  alg: JwsAlgorithm,
  config: VerifierConfig,
  scenario: Scenario,
): Promise<void> {
  const ctx: RenderContext = { alg, config, keys, nowMs: BASE_SECONDS * 1000 + scenario.clockMs };
  clock.ms = ctx.nowMs;
  const rendered = renderToken(scenario, ctx);
  const token = rendered.token;
  const expectation = await oracle.expect(scenario, ctx, rendered);
  const context = contextOf(ctx, token, expectation);
  tally(`oracle: jose ${expectation.verdict.ok ? 'accepts' : 'refuses'}`);
  for (const id of expectation.applied) tally(`oracle applied: ${id}`);

  const viaVerify = callFor(config, 'verify', token);
  const viaRequest = callFor(config, 'authenticate', token);
  tally(`entry: ${viaRequest.kind}${'audience' in viaRequest ? ' with an audience' : ''}`);

  const node = await runVerify(pooled(config, alg, 'node'), token, 'node backend', viaVerify);
  checkAgainst(node, expectation, context);
  const web = await runVerify(pooled(config, alg, 'webcrypto'), token, 'webcrypto backend', viaRequest);
  checkAgainst(web, expectation, context);
  checkSame(node, web, 'node and webcrypto backends', context);
  // A finding the oracle tolerates is only counted when audguard actually took the tolerated path.
  if (expectation.tolerated && node.ok) tally(`observed: ${expectation.tolerated}`);

  // With the cache on: a miss, then (for an accepted token) a hit; both as without the cache.
  const cached = createVerifier(
    verifierOptions(keys, config, alg, scenario.clockMs % 2 ? 'webcrypto' : 'node', true),
  );
  const miss = await runVerify(cached, token, 'cached verifier (miss)', viaRequest);
  checkSame(node, miss, 'cache off and cache miss', context);
  const hit = await runVerify(cached, token, 'cached verifier (hit)', viaVerify);
  checkSame(node, hit, 'cache off and cache hit', context);

  if (config.audienceSource !== 'static' && hit.ok) {
    // The same cached verifier, asked for another of this API's audiences (another request path, another
    // per-call audience) once it holds the token: judged as jose judges the token for that audience.
    const other = otherAudience(config.audience);
    const otherCtx: RenderContext = { ...ctx, config: { ...config, audience: other } };
    const otherExpectation = await oracle.expect(scenario, otherCtx, rendered);
    const switched = await runVerify(
      cached,
      token,
      `cached verifier, audience ${other}`,
      callFor(config, 'authenticate', token, other),
    );
    checkAgainst(switched, otherExpectation, contextOf(otherCtx, token, otherExpectation));
    tally(
      `cached, then ${switched.ok ? 'accepted' : 'refused'} for another audience (${config.audienceSource})`,
    );
  }

  tally(`audguard: ${node.ok ? 'accepts' : `refuses ${node.error.reason}`}`);
  if (node.ok && node.token.issuer === OTHER_ISSUER) tally('audguard: accepts a token of the second issuer');
  if (node.ok && config.issuerSource !== 'list')
    tally(`audguard: accepts through an issuer ${config.issuerSource}`);
}

describe('audguard ≡ jose jwtVerify (+ documented adjustments)', () => {
  for (const alg of ALL_ALGORITHMS) {
    const name = `differential ${alg}`;
    it(
      `${name}: ${RUNS_PER_ALGORITHM} cases, node + webcrypto, cache off + on`,
      async () => {
        const acceptedBefore = count('oracle: jose accepts');
        await runProperty(
          name,
          fc.asyncProperty(configArbitrary, scenarioArbitrary, (config, scenario) =>
            differentialCase(alg, config, scenario),
          ),
          RUNS_PER_ALGORITHM,
        );
        tally(`cases: ${name}`, RUNS_PER_ALGORITHM);
        // The generator must keep producing valid tokens too, or the property degenerates into "refuse all".
        if (RUNS_PER_ALGORITHM >= 200 && FUZZ_PATH === undefined) {
          expect(count('oracle: jose accepts') - acceptedBefore).toBeGreaterThan(RUNS_PER_ALGORITHM * 0.1);
        }
      },
      timeoutFor(RUNS_PER_ALGORITHM * 2),
    );
  }
});

// -------------------------------------------------------------------------------------------------------------
// Time travel with the verified-token cache: one verifier, one token, the clock moving back and forth.

const plain = (value: unknown): ValueSpec => ({ raw: JSON.stringify(value) });

const timeScenario: fc.Arbitrary<Scenario> = fc
  .tuple(
    scenarioArbitrary,
    fc.record({
      exp: fc.oneof(
        fc.constant(undefined),
        fc.record({
          time: fc.constant<'now'>('now'),
          delta: fc.integer({ min: -60, max: 7200 }),
          frac: fc.constantFrom(0, 0.5),
          format: fc.constant<'plain'>('plain'),
        }),
      ),
      nbf: fc.option(
        fc.record({
          time: fc.constant<'now'>('now'),
          delta: fc.integer({ min: -60, max: 600 }),
          frac: fc.constant(0),
          format: fc.constant<'plain'>('plain'),
        }),
        { nil: undefined, freq: 3 },
      ),
      iat: fc.option(
        fc.record({
          time: fc.constant<'now'>('now'),
          delta: fc.integer({ min: -4000, max: 60 }),
          frac: fc.constant(0),
          format: fc.constant<'plain'>('plain'),
        }),
        { nil: undefined, freq: 5 },
      ),
    }),
  )
  .map(
    ([base, { exp, nbf, iat }]): Scenario => ({
      ...base,
      // An honest token but for its time claims (which is what the cache must keep re-checking).
      header: { alg: { ref: 'alg' }, typ: plain('at+jwt'), kid: { ref: 'kid' }, extra: [], duplicates: [] },
      payload: {
        ...base.payload,
        iss: { ref: 'iss' },
        aud: plain(AUDIENCE),
        sub: plain('user-1'),
        client_id: plain(CLIENT),
        jti: plain('jti-1'),
        scope: plain('orders:read'),
        scp: undefined,
        // What any `requiredClaims` of the configs asks for; nothing that marks another kind of token.
        provider: {
          ...NO_PROVIDER_CLAIMS,
          token_use: plain('access'),
          ver: plain('2.0'),
          tier: plain(2),
          mfa: plain(true),
        },
        extra: [],
        duplicates: [],
        exp: exp ?? { time: 'now', delta: 3600, frac: 0, format: 'plain' },
        nbf,
        iat,
      },
      headerStyle: 'compact',
      payloadStyle: 'compact',
      headerBytes: { kind: 'none' },
      payloadBytes: { kind: 'none' },
      headerEncoding: { kind: 'none' },
      payloadEncoding: { kind: 'none' },
      signer: { kind: 'honest' },
      post: [],
      size: undefined,
    }),
  );

/** Clock moves, in seconds, around the interesting distances (tolerance, maxTokenAge, token lifetime). */
const clockStep = fc.oneof(
  fc.integer({ min: -10, max: 10 }),
  fc.constantFrom(-3600, -61, -60, -59, 55, 59, 60, 61, 65, 600, 3595, 3600, 3601, 3605, 3666, 7200),
  fc.integer({ min: -4000, max: 8000 }),
);

describe('verified-token cache under a moving clock', () => {
  const name = 'cache time travel';
  it(
    `${name}: ${TIME_TRAVEL_RUNS} cases, a cached verifier agrees with jose at every instant`,
    async () => {
      await runProperty(
        name,
        fc.asyncProperty(
          fc.constantFrom(...ALL_ALGORITHMS),
          configArbitrary.map((c): VerifierConfig => ({ ...c, tokenType: 'default', audiencePolicy: 'any' })),
          fc.constantFrom<number | undefined>(undefined, 60, 600, 3600),
          timeScenario,
          fc.array(clockStep, { minLength: 1, maxLength: 4 }),
          fc.constantFrom<'node' | 'webcrypto'>('node', 'webcrypto'),
          async (alg, baseConfig, maxTokenAge, scenario, steps, backend) => {
            const config: VerifierConfig = { ...baseConfig, maxTokenAge };
            const startMs = BASE_SECONDS * 1000 + scenario.clockMs;
            const first: RenderContext = { alg, config, keys, nowMs: startMs };
            clock.ms = startMs;
            const { token } = renderToken(scenario, first);
            const cached = createVerifier(verifierOptions(keys, config, alg, backend, true));
            let elapsed = 0;
            for (const step of [0, ...steps]) {
              elapsed += step;
              const ctx: RenderContext = { ...first, nowMs: startMs + elapsed * 1000 };
              clock.ms = ctx.nowMs;
              const expectation = await oracle.expect(scenario, ctx, {
                token,
                signedAs: undefined,
                filler: 0,
                signer: undefined,
              });
              const context = contextOf(ctx, token, expectation);
              const call = callFor(config, 'verify', token);
              const outcome = await runVerify(cached, token, `cached verifier at +${elapsed}s`, call);
              const fresh = await runVerify(
                pooled(config, alg, backend),
                token,
                `uncached verifier at +${elapsed}s`,
                call,
              );
              checkAgainst(fresh, expectation, context);
              // P3 (a cache hit skipping maxTokenAge / iat) was fixed in core: cached and fresh must agree.
              checkSame(fresh, outcome, `uncached and cached verifiers at +${elapsed}s`, context);
            }
          },
        ),
        TIME_TRAVEL_RUNS,
      );
      tally(`cases: ${name}`, TIME_TRAVEL_RUNS);
    },
    timeoutFor(TIME_TRAVEL_RUNS * 6),
  );
});
