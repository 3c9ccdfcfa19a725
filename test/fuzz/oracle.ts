/**
 * The oracle: jose's `jwtVerify` with options equivalent to the verifier's, then audguard's documented extra
 * strictness as explicit, commented adjustments. Nothing here loosens audguard: an adjustment can only turn a jose
 * acceptance into an expected refusal (with the reason audguard must give).
 *
 * Divergences that the design documents do NOT describe are kept apart, as "findings" (see the report): they are
 * tolerated by default so that CI stays meaningful, counted, and printed at the end of the run; `FUZZ_STRICT=1`
 * turns every one of them off, so each shows up as a failing counterexample.
 */

import type { AuthErrorReason, JsonWebKey, JsonWebKeySet, JwsAlgorithm } from '@audguard/core';
import { createLocalJWKSet, errors, type JWTVerifyGetKey, type JWTVerifyOptions, jwtVerify } from 'jose';
import { STRICT } from './fuzz-config.js';
import { ISSUER, isHmac, type KeyMaterial, OTHER_ISSUER } from './keys.js';
import type { RenderContext, RenderedToken } from './render.js';
import {
  allowedAlgorithms,
  audiences,
  CLIENT_CLAIMS,
  clientIds,
  ignoredAudiences,
  requiredClaims,
  type Scenario,
  scopeClaims,
  tolerance,
  type VerifierConfig,
} from './token-model.js';

export type JoseVerdict =
  | { readonly ok: true; readonly payload: Record<string, unknown>; readonly header: Record<string, unknown> }
  | { readonly ok: false; readonly error: unknown };

/** What audguard must do with a token. `either`: a tolerated finding (see FINDINGS) made jose's answer moot. */
export interface Expectation {
  readonly accept: 'yes' | 'no' | 'either';
  /** The verdict the expectation rests on (jose's, or jose's on the finding's twin). */
  readonly verdict: JoseVerdict;
  /** When audguard must refuse a token jose accepts: the reasons it may give (any adjustment that applies). */
  readonly reasons: ReadonlySet<AuthErrorReason> | undefined;
  /** Ids of the adjustments and findings that shaped this expectation. */
  readonly applied: readonly string[];
  /** With `accept: 'either'`: the finding that makes an acceptance tolerable (count it when audguard accepts). */
  readonly tolerated: string | undefined;
  /** What an accepted token must report beyond jose's claims, by the documented rules (from jose's payload). */
  readonly derived: Derived | undefined;
}

/** `AccessToken.clientId` and `AccessToken.scopes` as documented: the first client claim that is a string; the scope claims split. */
export interface Derived {
  readonly clientId: string | undefined;
  readonly scopes: ReadonlySet<string>;
}

/** The client `AccessToken.clientId` names: the first of the client claims that is a string. */
const clientOf = (payload: Record<string, unknown>): string | undefined =>
  CLIENT_CLAIMS.map((c) => payload[c]).find((v): v is string => typeof v === 'string');

function derive(payload: Record<string, unknown>, config: VerifierConfig): Derived {
  const client = clientOf(payload);
  const scopes = new Set<string>();
  for (const claim of scopeClaims(config)) {
    const value = payload[claim];
    // RFC 6749 §3.3: space-delimited in a string; one scope per member in an array (Duende, scp, permissions).
    const items: unknown[] = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const item of items) if (typeof item === 'string' && item !== '') scopes.add(item);
  }
  return { clientId: client, scopes };
}

type Check = (
  token: string,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  config: VerifierConfig,
  nowSeconds: number,
) => boolean;

interface Adjustment {
  readonly id: string;
  /** `documented`: DESIGN.md / the brief; `finding`: audguard is stricter than jose in an undocumented way. */
  readonly kind: 'documented' | 'finding';
  readonly reasons: readonly AuthErrorReason[];
  readonly applies: Check;
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Unpadded base64url whose last character has no unused bits set (RFC 4648 §3.5). */
function canonicalBase64url(segment: string): boolean {
  if (!SEGMENT.test(segment)) return false;
  const rest = segment.length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  return (BASE64URL.indexOf(segment.charAt(segment.length - 1)) & (rest === 2 ? 0x0f : 0x03)) === 0;
}
const ALLOWED_TYPES = new Set(['at+jwt', 'application/at+jwt', 'jwt', 'application/jwt']);
/** A payload `typ` (Keycloak) that says the token is a refresh or logout token. */
const NOT_ACCESS_TYPES = new Set(['refresh', 'offline', 'logout']);
const payloadTyp = (payload: Record<string, unknown>): string | undefined =>
  typeof payload.typ === 'string' ? payload.typ.toLowerCase() : undefined;

/**
 * Where audguard is deliberately stricter than jose. Each one applies only when jose accepted the token, so the
 * header and payload are jose's own decoding of it.
 */
export const ADJUSTMENTS: readonly Adjustment[] = [
  {
    // DESIGN "Extraction": tokens over the size limit (default 8 KiB) are refused before parsing.
    id: 'D1 token longer than 8192 characters',
    kind: 'documented',
    reasons: ['token_too_large'],
    applies: (token) => token.length > 8192,
  },
  {
    // DESIGN "typ": the default policy accepts at+jwt, application/at+jwt (any case), JWT and no typ, and refuses
    // every other type. jose only checks `typ` when asked for one value; the strict policy is mapped onto jose's
    // own `typ: 'at+jwt'` option instead (jose normalises `application/` and case the same way), so this
    // adjustment is for the default policy only.
    id: 'D2 typ outside the default policy',
    kind: 'documented',
    reasons: ['type_not_allowed'],
    applies: (_t, header, _p, config) =>
      config.tokenType !== 'strict' &&
      header.typ !== undefined &&
      !(typeof header.typ === 'string' && ALLOWED_TYPES.has(header.typ.toLowerCase())),
  },
  {
    // DESIGN "Before any key lookup": `crit` refused unless understood; audguard understands none. jose accepts
    // `crit: ["b64"]` with `b64: true`.
    id: 'D3 crit header',
    kind: 'documented',
    reasons: ['unsupported_critical_header'],
    applies: (_t, header) => header.crit !== undefined,
  },
  {
    // DESIGN: `jku`/`x5u`/`jwk` headers are never followed; audguard refuses tokens carrying them (RFC 8725
    // §3.10). jose simply ignores them.
    id: 'D4 jku/x5u/jwk header',
    kind: 'documented',
    reasons: ['key_reference_in_header'],
    applies: (_t, header) => header.jku !== undefined || header.x5u !== undefined || header.jwk !== undefined,
  },
  {
    // `kid` must be a string when present. With a JWKS jose finds no key for a non-string kid (so refuses
    // anyway); with an HS* secret it ignores `kid`.
    id: 'D5 non-string kid',
    kind: 'documented',
    reasons: ['malformed_token'],
    applies: (_t, header) => header.kid !== undefined && typeof header.kid !== 'string',
  },
  {
    // audguard refuses non-string `sub`, `client_id`, `jti` (RFC 9068 §2.2 / RFC 7519 §4.1); jose only
    // type-checks claims it is asked to compare.
    id: 'D6 non-string sub/client_id/jti',
    kind: 'documented',
    reasons: ['invalid_claim'],
    applies: (_t, _h, payload) =>
      ['sub', 'client_id', 'jti'].some((c) => payload[c] !== undefined && typeof payload[c] !== 'string'),
  },
  {
    // DESIGN "Scopes from `scope` and `scp`": each a string or an array of strings (Duende writes `scope` as an
    // array, which is accepted as jose accepts it); anything else is refused. Only the claims `scopeClaims` names
    // are read (with `['scope', 'permissions']`, a malformed `scp` passes, as with jose).
    id: 'D7 a scope claim neither string nor array of strings',
    kind: 'documented',
    reasons: ['invalid_claim'],
    applies: (_t, _h, payload, config) =>
      scopeClaims(config).some((claim) => {
        const value = payload[claim];
        return (
          value !== undefined &&
          typeof value !== 'string' &&
          !(Array.isArray(value) && value.every((s) => typeof s === 'string'))
        );
      }),
  },
  {
    // DESIGN "`nbf`/`iat` with clock tolerance": audguard refuses `iat` more than the tolerance in the future.
    // jose checks `iat` against the clock only when `maxTokenAge` is set (then identically).
    id: 'D8 iat in the future beyond tolerance',
    kind: 'documented',
    reasons: ['issued_in_future'],
    applies: (_t, _h, payload, config, now) =>
      typeof payload.iat === 'number' && payload.iat > now + tolerance(config),
  },
  {
    // DESIGN `audiencePolicy: 'exclusive'`: refuses tokens whose `aud` also names any other audience. jose has no
    // such option.
    id: 'D9 exclusive audience policy',
    kind: 'documented',
    reasons: ['audience_not_exclusive'],
    // `ignoredAudiences` (Auth0's /userinfo) are not "other APIs" there.
    applies: (_t, _h, payload, config) => {
      if (config.audiencePolicy !== 'exclusive' || payload.aud === undefined) return false;
      const values: unknown[] = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      const ignored = ignoredAudiences(config);
      return values.some((v) => !audiences(config).includes(v as string) && !ignored.includes(v as string));
    },
  },
  {
    // U1 (documented in packages/core/README.md, audguard stricter, RFC 7519 §4.1.3-correct): an `aud` array with a non-string
    // member is refused; jose only looks for one of its audiences in the array.
    id: 'U1 aud array with a non-string member',
    kind: 'documented',
    reasons: ['invalid_claim'],
    applies: (_t, _h, payload) =>
      Array.isArray(payload.aud) && payload.aud.some((v) => typeof v !== 'string'),
  },
  {
    // U2 (documented in packages/core/README.md, audguard stricter): a NumericDate that JSON.parse turns into ±Infinity (`1e400`), or one beyond
    // what a Date can hold (|value| > 8.64e12 s, e.g. `exp: 1e20`; formerly N1, an Invalid Date in `expiresAt`),
    // is refused; jose only checks `typeof === 'number'`, so `exp: 1e400` never expires and `nbf: -1e400` passes.
    id: 'U2 non-finite or out-of-range exp/nbf/iat',
    kind: 'documented',
    reasons: ['invalid_claim'],
    applies: (_t, _h, payload) =>
      ['exp', 'nbf', 'iat'].some((c) => {
        const v = payload[c];
        return typeof v === 'number' && (!Number.isFinite(v) || Math.abs(v) > 8.64e12);
      }),
  },
  {
    // U3 (documented in packages/core/README.md, audguard stricter, RFC 7515 §2 / RFC 4648 §3.5-correct): each segment
    // must be canonical unpadded base64url. jose 6 on Node 20 decodes with `atob`, which tolerates `=` padding,
    // ASCII whitespace (a token with a trailing newline verifies) and set unused bits in the last character (so
    // one token has several spellings); audguard refuses all three (the last since the jwt.ts change in progress
    // at the time of writing: "otherwise one token has 4 or 16 spellings that all verify").
    id: 'U3 segment not canonical unpadded base64url',
    kind: 'documented',
    reasons: ['malformed_token'],
    applies: (token) => token.split('.').some((segment) => !canonicalBase64url(segment)),
  },
  // Issue 13 ("Real issuers"), listed in packages/core/README.md "Stricter than jose": jose knows nothing of
  // these claims, so it accepts what audguard refuses.
  {
    // ID tokens are never access tokens, whatever the `typ` policy: Cognito's `token_use: "id"`, Keycloak's payload
    // `typ: "ID"` (any case), and `at_hash` / `c_hash`, which OpenID Connect Core §3.1.3.6 / §3.3.2.11 define for
    // ID tokens only (present with any value, `null` included).
    id: 'R1 an ID token (token_use "id", payload typ "ID", at_hash, c_hash)',
    kind: 'documented',
    reasons: ['id_token_not_accepted'],
    applies: (_t, _h, payload) =>
      payload.token_use === 'id' ||
      payload.at_hash !== undefined ||
      payload.c_hash !== undefined ||
      payloadTyp(payload) === 'id',
  },
  {
    // Nor is a token whose `token_use` is anything but "access" (any other value or type), or whose payload `typ`
    // says Refresh, Offline or Logout (Keycloak; any case). A non-string payload `typ` is not read.
    id: 'R2 not an access token (token_use other than "access", payload typ Refresh/Offline/Logout)',
    kind: 'documented',
    reasons: ['type_not_allowed'],
    applies: (_t, _h, payload) =>
      (payload.token_use !== undefined && payload.token_use !== 'access' && payload.token_use !== 'id') ||
      NOT_ACCESS_TYPES.has(payloadTyp(payload) ?? ''),
  },
  {
    // `requiredClaims` are exact values (compared with ===, after JSON.parse: `2.0` is 2). jose's `requiredClaims`
    // only checks presence, so it gets the names and this adjustment adds the values.
    id: 'R3 requiredClaims present with another value',
    kind: 'documented',
    reasons: ['invalid_claim'],
    applies: (_t, _h, payload, config) =>
      Object.entries(requiredClaims(config)).some(
        ([claim, value]) => Object.hasOwn(payload, claim) && payload[claim] !== value,
      ),
  },
  {
    // `clientId`: the token's client (`client_id`, else `azp`, `cid`, `appid`: the first that is a string) must be
    // listed. jose has no such option.
    id: 'R4 clientId listed, the token names no client',
    kind: 'documented',
    reasons: ['missing_claim'],
    applies: (_t, _h, payload, config) => clientIds(config) !== undefined && clientOf(payload) === undefined,
  },
  {
    id: 'R5 clientId listed, the token is another client’s',
    kind: 'documented',
    reasons: ['client_not_allowed'],
    applies: (_t, _h, payload, config) => {
      const client = clientOf(payload);
      const allowed = clientIds(config);
      return allowed !== undefined && client !== undefined && !allowed.includes(client);
    },
  },
];

/**
 * Where audguard accepts what jose refuses (P1–P3), or accepts like jose but reports it oddly (N1). P1 and P2
 * have an "emulation": the same scenario put to jose in a form that isolates the one divergence, so every other
 * check still comes from jose.
 */
export const FINDINGS = {
  // P1: audguard lets a key published with `alg: "EdDSA"` verify a token whose header says `Ed25519`, and the
  // reverse (crypto.ts `isEdDsa`); jose requires the JWK's `alg` to equal the header's. Emulation: jose gets a
  // key set whose OKP keys are relabelled with the token's algorithm.
  P1: 'P1 EdDSA/Ed25519 treated as one algorithm for a JWK alg',
  // P2: audguard's RSA minimum-size check estimates the modulus size from the length of `n` (crypto.ts
  // `rsaBits`), so a 2047-bit key, or a 1024-bit key whose `n` is left-padded with zero bytes, passes as 2048
  // bits; jose (and RFC 7518 §3.3) refuse keys under 2048 bits. Emulation: the token is re-signed with a 2048-bit
  // twin key published under the weak key's kid.
  P2: 'P2 RSA key under 2048 bits accepted',
  // N1: `AccessToken.expiresAt` / `issuedAt` are Invalid Dates when `exp`/`iat` lie beyond the Date range
  // (|value| > 8.64e12 s, e.g. `exp: 1e20`, which both sides accept): `expiresAt.toISOString()` then throws.
  N1: 'N1 expiresAt/issuedAt is an Invalid Date',
  // P3: a verified-token cache hit re-checks `exp` and `nbf`, but not `maxTokenAge` nor `iat` in the future, so a
  // cached token stays accepted after it has grown older than `maxTokenAge`. Checked in the time-travel property.
  P3: 'P3 cache hit skips maxTokenAge / iat re-check',
} as const;

export interface Oracle {
  expect(scenario: Scenario, ctx: RenderContext, rendered: RenderedToken): Promise<Expectation>;
  verdict(token: string, ctx: RenderContext): Promise<JoseVerdict>;
}

/**
 * jose's options for a verifier configuration. An issuer resolver is given to jose as the list it answers for; a
 * function or per-call audience as the list it yields for the request; `requiredClaims` as names (presence only:
 * the values are adjustment R3).
 */
export function joseOptions(config: VerifierConfig, alg: JwsAlgorithm, nowMs: number): JWTVerifyOptions {
  const strict = config.tokenType === 'strict';
  // audguard requires `exp`; the strict policy also requires the RFC 9068 §2.2 claims and `typ: at+jwt`.
  const required = strict ? ['exp', 'sub', 'client_id', 'iat', 'jti'] : ['exp'];
  return {
    issuer: config.issuers === 'one' ? ISSUER : [ISSUER, OTHER_ISSUER],
    audience: audiences(config),
    algorithms: allowedAlgorithms(config, alg),
    clockTolerance: tolerance(config),
    currentDate: new Date(nowMs),
    requiredClaims: [...required, ...Object.keys(requiredClaims(config))],
    ...(strict ? { typ: 'at+jwt' } : {}),
    ...(config.maxTokenAge === undefined ? {} : { maxTokenAge: config.maxTokenAge }),
  };
}

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

/**
 * `jwtVerify` with a local JWKS, trying every candidate when several keys match (jose's documented pattern for
 * `ERR_JWKS_MULTIPLE_MATCHING_KEYS`; audguard tries every fitting key too). A candidate that cannot be used (an RSA
 * key under 2048 bits) is skipped like one whose signature does not verify.
 */
async function verifyWithJose(
  token: string,
  key: JWTVerifyGetKey,
  options: JWTVerifyOptions,
): Promise<JoseVerdict> {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, key, options);
    return {
      ok: true,
      payload: payload as Record<string, unknown>,
      header: protectedHeader as Record<string, unknown>,
    };
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) return { ok: false, error };
    let last: unknown = error;
    for await (const candidate of error as unknown as AsyncIterable<CryptoKey>) {
      try {
        const { payload, protectedHeader } = await jwtVerify(token, candidate, options);
        return {
          ok: true,
          payload: payload as Record<string, unknown>,
          header: protectedHeader as Record<string, unknown>,
        };
      } catch (inner) {
        last = inner;
        if (inner instanceof errors.JWSSignatureVerificationFailed || inner instanceof TypeError) continue;
        return { ok: false, error: inner };
      }
    }
    return { ok: false, error: last };
  }
}

const OKP_ALGS = new Set(['EdDSA', 'Ed25519']);

/** Decodes a segment as a JSON object without verifying anything (to pick keys, and for the emulations). */
function peek(segment: string | undefined): Record<string, unknown> | undefined {
  try {
    // Decoded like both verifiers do: a UTF-8 BOM is dropped.
    const value: unknown = JSON.parse(new TextDecoder().decode(Buffer.from(segment ?? '', 'base64url')));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function createOracle(keys: KeyMaterial): Oracle {
  const resolvers = new Map<string, KeyResolver>();
  const resolver = (name: string, build: () => JsonWebKeySet): KeyResolver => {
    let r = resolvers.get(name);
    if (!r) {
      r = createLocalJWKSet(build() as Parameters<typeof createLocalJWKSet>[0]);
      resolvers.set(name, r);
    }
    return r;
  };
  /**
   * The key set jose gets for one issuer: as published, or with an emulation applied (`alias:<alg>`: P1, OKP keys
   * relabelled with the header's algorithm; `twins`: P2, weak keys replaced by their 2048-bit twins).
   */
  const keySet = (
    issuer: 'primary' | 'secondary',
    config: VerifierConfig,
    variant: string,
  ): JsonWebKeySet => {
    const source = issuer === 'primary' ? keys : keys.secondary;
    const set = config.jwkAlg ? source.jwks : source.jwksNoAlg;
    if (variant.startsWith('alias:')) {
      const alg = variant.slice('alias:'.length);
      return {
        keys: set.keys.map((k): JsonWebKey => (k.kty === 'OKP' && k.alg !== undefined ? { ...k, alg } : k)),
      };
    }
    if (variant === 'twins' && issuer === 'primary') {
      return {
        keys: set.keys.map((k): JsonWebKey => {
          const twin = k.kid === undefined ? undefined : keys.twins.get(k.kid);
          if (!twin?.jwk) return k;
          const { alg: _alg, ...withoutAlg } = twin.jwk;
          return config.jwkAlg ? twin.jwk : (withoutAlg as JsonWebKey);
        }),
      };
    }
    return set;
  };

  /**
   * jose's key: with two trusted issuers, the key set (or secret) of the issuer the unverified `iss` names — what
   * a jose user trusting several issuers has to do, and what audguard does (keys per issuer).
   */
  const keyFor =
    (config: VerifierConfig, alg: JwsAlgorithm, variant: string): JWTVerifyGetKey =>
    async (header, jws) => {
      const iss =
        config.issuers === 'two' && typeof jws.payload === 'string' ? peek(jws.payload)?.iss : undefined;
      const issuer = iss === OTHER_ISSUER ? 'secondary' : 'primary';
      if (isHmac(alg)) return issuer === 'primary' ? keys.secret : keys.secondary.secret;
      return resolver(`${issuer}:${config.jwkAlg}:${variant}`, () => keySet(issuer, config, variant))(
        header,
        jws,
      );
    };

  const verdictWith = (token: string, ctx: RenderContext, variant: string) =>
    verifyWithJose(token, keyFor(ctx.config, ctx.alg, variant), joseOptions(ctx.config, ctx.alg, ctx.nowMs));

  const verdict = (token: string, ctx: RenderContext) => verdictWith(token, ctx, 'base');

  /** jose accepted: apply the adjustments. */
  const fromAcceptance = (
    token: string,
    accepted: Extract<JoseVerdict, { ok: true }>,
    ctx: RenderContext,
    applied: string[],
    tolerated: string | undefined,
  ): Expectation => {
    const reasons = new Set<AuthErrorReason>();
    const now = Math.floor(ctx.nowMs / 1000);
    for (const adjustment of ADJUSTMENTS) {
      if (adjustment.kind === 'finding' && STRICT) continue;
      if (!adjustment.applies(token, accepted.header, accepted.payload, ctx.config, now)) continue;
      applied.push(adjustment.id);
      for (const r of adjustment.reasons) reasons.add(r);
    }
    if (reasons.size > 0) {
      return { accept: 'no', verdict: accepted, reasons, applied, tolerated: undefined, derived: undefined };
    }
    return {
      accept: tolerated ? 'either' : 'yes',
      verdict: accepted,
      reasons: undefined,
      applied,
      tolerated,
      derived: derive(accepted.payload, ctx.config),
    };
  };

  /** Whether the token's header names an OKP algorithm that a relabelled key set would let jose accept (P1). */
  const okpAlias = (token: string, ctx: RenderContext): string | undefined => {
    if (isHmac(ctx.alg) || !ctx.config.jwkAlg) return undefined;
    const alg = peek(token.split('.')[0])?.alg;
    return typeof alg === 'string' && OKP_ALGS.has(alg) ? `alias:${alg}` : undefined;
  };

  return {
    verdict,
    async expect(_scenario, ctx, rendered) {
      const token = rendered.token;
      const primary = await verdict(token, ctx);
      const applied: string[] = [];
      if (primary.ok) return fromAcceptance(token, primary, ctx, applied, undefined);
      if (!STRICT) {
        const alias = okpAlias(token, ctx);
        if (alias) {
          const alt = await verdictWith(token, ctx, alias);
          if (alt.ok) {
            applied.push(FINDINGS.P1);
            return fromAcceptance(token, alt, ctx, applied, FINDINGS.P1);
          }
        }
        // P2 (weak RSA keys) and P4 (clientId beside an audience accepting tokens without aud) were fixed in core:
        // audguard now refuses them as jose does, so no emulation.
      }
      return {
        accept: 'no',
        verdict: primary,
        reasons: undefined,
        applied,
        tolerated: undefined,
        derived: undefined,
      };
    },
  };
}
