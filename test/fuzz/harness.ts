/**
 * Running audguard under the fuzzer: verifiers built from a scenario's configuration, a `verify` that never
 * waits forever, the invariants every refusal must satisfy, and the comparison with the oracle's expectation.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  type AccessToken,
  AuthError,
  type AuthenticateRequest,
  type CryptoBackend,
  createVerifier,
  type IssuerResolution,
  isAuthError,
  type JwsAlgorithm,
  type Verifier,
  type VerifierOptions,
} from '@audguard/core';
import { STRICT, tally } from './fuzz-config.js';
import { ISSUER, isHmac, type KeyMaterial, OTHER_API, OTHER_ISSUER } from './keys.js';
import { type Derived, type Expectation, FINDINGS, type JoseVerdict } from './oracle.js';
import {
  allowedAlgorithms,
  audienceList,
  audiences,
  clientIds,
  ignoredAudiences,
  requiredClaims,
  scopeClaims,
  type VerifierConfig,
} from './token-model.js';

/** The clock every fuzzed verifier reads; a property sets it before each verification. */
export const clock = { ms: 0 };

export type Outcome =
  | { readonly ok: true; readonly token: AccessToken }
  | { readonly ok: false; readonly error: AuthError };

/** A verify() that settles within this many milliseconds or counts as a hang. */
export const HANG_MS = 5_000;

const STATUSES = new Set([400, 401, 403, 503]);

/** The request path for which the function-audience verifiers answer with each audience of the configs. */
export const AUDIENCE_PATHS: Readonly<Record<VerifierConfig['audience'], string>> = {
  single: '/v1/orders',
  alt: '/v2/orders',
  pair: '/orders',
};

/** A function audience (`audience: (request) => …`): this API's identifiers for the request's path. */
function audienceOfRequest(request: AuthenticateRequest): readonly string[] {
  const path = (request.url ?? '').split('?')[0];
  for (const [audience, p] of Object.entries(AUDIENCE_PATHS)) {
    if (p === path) return audienceList(audience as VerifierConfig['audience']);
  }
  return [OTHER_API];
}

/** The trusted issuers as audguard gets them: a string, entries, or a resolver answering for the same ones. */
function issuerOptions(
  keys: KeyMaterial,
  config: VerifierConfig,
  hmac: boolean,
): Pick<VerifierOptions, 'issuer' | 'jwks' | 'secret'> {
  const primary = hmac ? { secret: keys.secret } : { jwks: config.jwkAlg ? keys.jwks : keys.jwksNoAlg };
  const other = keys.secondary;
  const secondary = hmac ? { secret: other.secret } : { jwks: config.jwkAlg ? other.jwks : other.jwksNoAlg };
  if (config.issuerSource === 'list') {
    if (config.issuers === 'one') return { issuer: ISSUER, ...primary };
    return {
      issuer: [
        { issuer: ISSUER, ...primary },
        { issuer: OTHER_ISSUER, ...secondary },
      ],
    };
  }
  const trusted = new Map<string, IssuerResolution>([[ISSUER, primary]]);
  if (config.issuers === 'two') trusted.set(OTHER_ISSUER, secondary);
  // The synchronous resolver leaves `issuer` out; the asynchronous one names it (both are allowed).
  if (config.issuerSource === 'resolver') return { issuer: (iss) => trusted.get(iss) };
  return {
    issuer: async (iss) => {
      const answer = trusted.get(iss);
      return answer && { issuer: iss, ...answer };
    },
  };
}

/** The `audience` option: the list, a function of the request, or (per call) another API's, always overridden. */
function audienceOption(config: VerifierConfig): NonNullable<VerifierOptions['audience']> {
  if (config.audienceSource === 'function') return audienceOfRequest;
  return config.audienceSource === 'per-call' ? OTHER_API : audiences(config);
}

export function verifierOptions(
  keys: KeyMaterial,
  config: VerifierConfig,
  alg: JwsAlgorithm,
  backend: CryptoBackend,
  cache: boolean,
): VerifierOptions {
  const hmac = isHmac(alg);
  const required = requiredClaims(config);
  const clients = clientIds(config);
  const ignored = ignoredAudiences(config);
  return {
    ...issuerOptions(keys, config, hmac),
    audience: audienceOption(config),
    ...(clients === undefined ? {} : { clientId: clients }),
    ...(Object.keys(required).length === 0 ? {} : { requiredClaims: required }),
    ...(ignored.length === 0 ? {} : { ignoredAudiences: ignored }),
    ...(config.scopeClaims === 'default' ? {} : { scopeClaims: scopeClaims(config) }),
    // The asymmetric default is left implicit, so the verifier's own default list is what gets fuzzed.
    ...(config.algorithms === 'default' && !hmac ? {} : { algorithms: allowedAlgorithms(config, alg) }),
    ...(config.clockTolerance === undefined ? {} : { clockTolerance: config.clockTolerance }),
    ...(config.audiencePolicy === undefined ? {} : { audiencePolicy: config.audiencePolicy }),
    ...(config.tokenType === undefined ? {} : { tokenType: config.tokenType }),
    ...(config.maxTokenAge === undefined ? {} : { maxTokenAge: config.maxTokenAge }),
    cryptoBackend: backend,
    // Small caches: each case builds its own cached verifier, and lru-cache allocates `max` slots up front.
    cache: cache ? { max: 16 } : false,
    ...(config.issuerSource === 'list' ? {} : { issuerCache: { max: 16 } }),
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

/** How a case reaches the verifier: `verify(token)`, `verify(token, { audience })`, or `authenticate(request)`. */
export type Call =
  | { readonly kind: 'verify'; readonly audience?: readonly string[] }
  | { readonly kind: 'authenticate'; readonly path: string };

// RFC 6750 §2.1 b64token: what an `Authorization: Bearer` header carries to the verifier unchanged.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The call that puts `audience` to a verifier built from `config`: plain `verify` for a static audience,
 * `verify(t, { audience })` for a per-call one, and for a function audience `authenticate` of a request whose path
 * yields it — when `token` can travel in an `Authorization` header as it is (a b64token; other strings would be
 * refused or trimmed by the extraction, so they get `verify(t, { audience })`, which overrides the function).
 */
export function callFor(
  config: VerifierConfig,
  entry: 'verify' | 'authenticate',
  token: string,
  audience: VerifierConfig['audience'] = config.audience,
): Call {
  if (config.audienceSource === 'static') return { kind: 'verify' };
  if (config.audienceSource === 'function' && entry === 'authenticate' && B64TOKEN.test(token)) {
    return { kind: 'authenticate', path: AUDIENCE_PATHS[audience] };
  }
  return { kind: 'verify', audience: audienceList(audience) };
}

function invoke(verifier: Verifier, token: string, call: Call): Promise<AccessToken> {
  if (call.kind === 'authenticate') {
    return verifier.authenticate({
      method: 'GET',
      url: call.path,
      headers: { authorization: `Bearer ${token}` },
    });
  }
  return call.audience === undefined
    ? verifier.verify(token)
    : verifier.verify(token, { audience: call.audience });
}

/**
 * `verifier.verify(token)` (or the given call), which must settle within {@link HANG_MS} and either resolve or
 * reject with a well-formed `AuthError`: status 400/401/403/503, a `reason`, a safe description that does not echo
 * the token.
 */
export async function runVerify(
  verifier: Verifier,
  token: string,
  label: string,
  call: Call = { kind: 'verify' },
): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), HANG_MS);
  });
  let result: AccessToken | 'hang';
  try {
    result = await Promise.race([invoke(verifier, token, call), hang]);
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
  derived: Derived | undefined,
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
  const aud = typeof p.aud === 'string' ? [p.aud] : ((p.aud as unknown[] | undefined) ?? []);
  if (!isDeepStrictEqual([...token.audience], aud))
    fail(`${label}: audience ${JSON.stringify(token.audience)}`);
  if (derived && token.clientId !== derived.clientId) fail(`${label}: clientId ${String(token.clientId)}`);
  if (derived && !isDeepStrictEqual(new Set(token.scopes), new Set(derived.scopes))) {
    fail(
      `${label}: scopes ${JSON.stringify([...token.scopes])}, expected ${JSON.stringify([...derived.scopes])}`,
    );
  }
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
      compareAccepted(outcome.token, expectation.verdict, expectation.derived, `accepted token${explain()}`);
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
