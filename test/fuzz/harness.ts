/**
 * Running audguard under the fuzzer: verifiers built from a scenario's configuration, a `verify` that never
 * waits forever, the invariants every refusal must satisfy, and the comparison with the oracle's expectation.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  type AccessToken,
  AuthError,
  type CryptoBackend,
  createVerifier,
  isAuthError,
  type JwsAlgorithm,
  type Verifier,
  type VerifierOptions,
} from '@audguard/core';
import { STRICT, tally } from './fuzz-config.js';
import { AUDIENCE, AUDIENCE_ALT, ISSUER, isHmac, type KeyMaterial, OTHER_ISSUER } from './keys.js';
import { type Expectation, FINDINGS, type JoseVerdict } from './oracle.js';
import { allowedAlgorithms, type VerifierConfig } from './token-model.js';

/** The clock every fuzzed verifier reads; a property sets it before each verification. */
export const clock = { ms: 0 };

export type Outcome =
  | { readonly ok: true; readonly token: AccessToken }
  | { readonly ok: false; readonly error: AuthError };

/** A verify() that settles within this many milliseconds or counts as a hang. */
export const HANG_MS = 5_000;

const STATUSES = new Set([400, 401, 403, 503]);

export function verifierOptions(
  keys: KeyMaterial,
  config: VerifierConfig,
  alg: JwsAlgorithm,
  backend: CryptoBackend,
  cache: boolean,
): VerifierOptions {
  const hmac = isHmac(alg);
  const primary = hmac ? { secret: keys.secret } : { jwks: config.jwkAlg ? keys.jwks : keys.jwksNoAlg };
  const other = keys.secondary;
  const secondary = hmac ? { secret: other.secret } : { jwks: config.jwkAlg ? other.jwks : other.jwksNoAlg };
  return {
    ...(config.issuers === 'one'
      ? { issuer: ISSUER, ...primary }
      : {
          issuer: [
            { issuer: ISSUER, ...primary },
            { issuer: OTHER_ISSUER, ...secondary },
          ],
        }),
    audience: config.audience === 'single' ? AUDIENCE : [AUDIENCE, AUDIENCE_ALT],
    // The asymmetric default is left implicit, so the verifier's own default list is what gets fuzzed.
    ...(config.algorithms === 'default' && !hmac ? {} : { algorithms: allowedAlgorithms(config, alg) }),
    ...(config.clockTolerance === undefined ? {} : { clockTolerance: config.clockTolerance }),
    ...(config.audiencePolicy === undefined ? {} : { audiencePolicy: config.audiencePolicy }),
    ...(config.tokenType === undefined ? {} : { tokenType: config.tokenType }),
    ...(config.maxTokenAge === undefined ? {} : { maxTokenAge: config.maxTokenAge }),
    cryptoBackend: backend,
    cache: cache ? { max: 1000 } : false,
    clock: () => clock.ms,
  };
}

/** Verifiers without a cache are stateless, so one per configuration serves every case. */
export function verifierPool(keys: KeyMaterial) {
  const pool = new Map<string, Verifier>();
  return (config: VerifierConfig, alg: JwsAlgorithm, backend: CryptoBackend): Verifier => {
    const key = JSON.stringify([config, allowedAlgorithms(config, alg), isHmac(alg), backend]);
    let verifier = pool.get(key);
    if (!verifier) {
      verifier = createVerifier(verifierOptions(keys, config, alg, backend, false));
      pool.set(key, verifier);
    }
    return verifier;
  };
}

class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
}

export const fail = (message: string): never => {
  throw new FuzzFailure(message);
};

/**
 * `verifier.verify(token)`, which must settle within {@link HANG_MS} and either resolve or reject with a
 * well-formed `AuthError`: status 400/401/403/503, a `reason`, a safe description that does not echo the token.
 */
export async function runVerify(verifier: Verifier, token: string, label: string): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), HANG_MS);
  });
  let result: AccessToken | 'hang';
  try {
    result = await Promise.race([verifier.verify(token), hang]);
  } catch (error) {
    return { ok: false, error: checkAuthError(error, verifier, token, label) };
  } finally {
    clearTimeout(timer);
  }
  if (result === 'hang') return fail(`${label}: verify() did not settle within ${HANG_MS} ms`);
  return { ok: true, token: result };
}

export function checkAuthError(
  error: unknown,
  verifier: Verifier | undefined,
  token: string,
  label: string,
): AuthError {
  if (!(error instanceof AuthError) || !isAuthError(error)) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
    return fail(`${label}: verify() threw something other than an AuthError: ${detail}`);
  }
  if (!STATUSES.has(error.status)) fail(`${label}: AuthError with status ${error.status}`);
  if (typeof error.reason !== 'string' || error.reason.length === 0)
    fail(`${label}: AuthError without a reason`);
  if (typeof error.description !== 'string' || error.description.length === 0) {
    fail(`${label}: AuthError without a description`);
  }
  if (token.length >= 16 && error.description.includes(token))
    fail(`${label}: the description echoes the token`);
  if (verifier) {
    const rendered = verifier.errorResponse(error);
    if (rendered.status !== error.status)
      fail(`${label}: errorResponse() status ${rendered.status} ≠ ${error.status}`);
  }
  return error;
}

export const describeOutcome = (o: Outcome): string =>
  o.ok ? 'accepted' : `refused (${o.error.status} ${o.error.reason}: ${o.error.description})`;

export function describeVerdict(v: JoseVerdict): string {
  if (v.ok) return 'jose accepted';
  const e = v.error;
  return e instanceof Error
    ? `jose refused (${e.constructor.name}: ${e.message})`
    : `jose refused (${String(e)})`;
}

/** The accepted token must carry exactly jose's header and claims, and derived fields that agree with them. */
function compareAccepted(
  token: AccessToken,
  verdict: Extract<JoseVerdict, { ok: true }>,
  label: string,
): void {
  if (!isDeepStrictEqual({ ...token.claims }, { ...verdict.payload })) {
    fail(
      `${label}: claims differ from jose's.\naudguard: ${JSON.stringify(token.claims)}\njose:     ${JSON.stringify(verdict.payload)}`,
    );
  }
  if (!isDeepStrictEqual({ ...token.header }, { ...verdict.header })) {
    fail(
      `${label}: header differs from jose's.\naudguard: ${JSON.stringify(token.header)}\njose:     ${JSON.stringify(verdict.header)}`,
    );
  }
  const p = verdict.payload;
  const aud = typeof p.aud === 'string' ? [p.aud] : (p.aud as unknown[]);
  if (!isDeepStrictEqual([...token.audience], aud))
    fail(`${label}: audience ${JSON.stringify(token.audience)}`);
  if (token.issuer !== p.iss) fail(`${label}: issuer ${token.issuer}`);
  if (token.subject !== p.sub) fail(`${label}: subject ${String(token.subject)}`);
  const exp = new Date((p.exp as number) * 1000).getTime();
  if (!Object.is(token.expiresAt.getTime(), exp)) fail(`${label}: expiresAt ${token.expiresAt.getTime()}`);
  const iat = typeof p.iat === 'number' ? new Date(p.iat * 1000).getTime() : undefined;
  if (!Object.is(token.issuedAt?.getTime(), iat)) fail(`${label}: issuedAt ${token.issuedAt?.getTime()}`);
  if (Number.isNaN(exp) || Number.isNaN(iat)) {
    // Finding N1: a token accepted by both sides whose dates do not fit a Date.
    if (STRICT) fail(`${label}: ${FINDINGS.N1}`);
    tally(`observed: ${FINDINGS.N1}`);
  }
}

/** Checks one audguard outcome against the oracle's expectation; the message says everything needed to triage. */
export function checkAgainst(outcome: Outcome, expectation: Expectation, context: () => string): void {
  const explain = () =>
    `\n  audguard: ${describeOutcome(outcome)}\n  oracle:   ${describeVerdict(expectation.verdict)}` +
    `${expectation.applied.length > 0 ? ` + [${expectation.applied.join('; ')}]` : ''}\n${context()}`;
  if (outcome.ok) {
    if (expectation.accept === 'no') fail(`audguard accepts a token it must refuse${explain()}`);
    if (expectation.verdict.ok)
      compareAccepted(outcome.token, expectation.verdict, `accepted token${explain()}`);
    return;
  }
  if (expectation.accept === 'yes') fail(`audguard refuses a token jose accepts${explain()}`);
  if (expectation.reasons && !expectation.reasons.has(outcome.error.reason)) {
    fail(
      `audguard refuses with reason ${outcome.error.reason}, expected one of ${[...expectation.reasons].join(', ')}${explain()}`,
    );
  }
}

/** Two audguard runs (two backends, cache hit and miss) must agree exactly. */
export function checkSame(a: Outcome, b: Outcome, what: string, context: () => string): void {
  const same =
    a.ok && b.ok
      ? isDeepStrictEqual({ ...a.token.claims }, { ...b.token.claims })
      : !a.ok && !b.ok && a.error.reason === b.error.reason && a.error.status === b.error.status;
  if (!same) fail(`${what} disagree: ${describeOutcome(a)} vs ${describeOutcome(b)}\n${context()}`);
}
