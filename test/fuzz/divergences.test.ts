/**
 * One minimal, hand-built token per divergence the oracle knows about (oracle.ts ADJUSTMENTS and FINDINGS): proof
 * that each adjustment is needed (jose accepts, audguard refuses with the given reason) and a small reproduction of
 * each finding. The two real bugs the fuzzing found first (P2 weak RSA keys, P3 cache hits skipping the iat checks)
 * are fixed in core, as is P4 (clientId beside an audience accepting tokens without aud); their tests assert the
 * correct behaviour and guard against a regression. And one case per Real-issuers option where jose has
 * an equivalent, where both sides must agree.
 */

import { createVerifier, type JwsAlgorithm } from '@audguard/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { callFor, clock, type Outcome, runVerify, verifierOptions } from './harness.js';
import {
  AUDIENCE,
  AUDIENCE_ALT,
  CLIENT,
  generateKeyMaterial,
  ISSUER,
  type KeyMaterial,
  OTHER_API,
  OTHER_CLIENT,
  OTHER_ISSUER,
  type SigningKey,
  signWith,
  USERINFO,
} from './keys.js';
import { createOracle, type JoseVerdict, type Oracle } from './oracle.js';
import { BASE_SECONDS, type RenderContext } from './render.js';
import { DEFAULT_CONFIG, type VerifierConfig } from './token-model.js';

let keys: KeyMaterial;
let oracle: Oracle;

beforeAll(() => {
  keys = generateKeyMaterial();
  oracle = createOracle(keys);
});

const NOW = BASE_SECONDS;
const b64 = (text: string) => Buffer.from(text).toString('base64url');

const DEFAULTS: VerifierConfig = DEFAULT_CONFIG;

interface Case {
  alg?: JwsAlgorithm;
  header?: Record<string, unknown>;
  /** Raw JSON text of the payload (so `1e400` survives), or claims merged into an honest payload. */
  payload?: string | Record<string, unknown>;
  config?: Partial<VerifierConfig>;
  signer?: SigningKey;
  /** Signed by the second issuer's honest key (instead of the first's). */
  secondary?: boolean;
  /** Rewrites the encoded segments before signing. */
  encode?: (header: string, payload: string) => [string, string];
  /** Rewrites the compact token after signing. */
  after?: (token: string) => string;
}

function mint(c: Case): string {
  const alg = c.alg ?? 'RS256';
  const signer = c.signer ?? ((c.secondary ? keys.secondary.byAlg : keys.byAlg).get(alg) as SigningKey);
  const header = JSON.stringify({ alg, typ: 'at+jwt', kid: signer.kid, ...c.header });
  const payload =
    typeof c.payload === 'string'
      ? c.payload
      : JSON.stringify({ iss: ISSUER, sub: 'user-1', aud: AUDIENCE, exp: NOW + 300, iat: NOW, ...c.payload });
  const [h, p] = c.encode ? c.encode(b64(header), b64(payload)) : [b64(header), b64(payload)];
  const signature = signWith(alg, signer, Buffer.from(`${h}.${p}`, 'latin1')) as Uint8Array;
  const token = `${h}.${p}.${Buffer.from(signature).toString('base64url')}`;
  return c.after ? c.after(token) : token;
}

/** jose's verdict and audguard's outcome; with a function audience, through `authenticate()` of a request. */
async function judge(c: Case): Promise<{ token: string; jose: JoseVerdict; audguard: Outcome }> {
  const alg = c.alg ?? 'RS256';
  const config = { ...DEFAULTS, ...c.config };
  const ctx: RenderContext = { alg, config, keys, nowMs: NOW * 1000 };
  clock.ms = ctx.nowMs;
  const token = mint(c);
  const jose = await oracle.verdict(token, ctx);
  const verifier = createVerifier(verifierOptions(keys, config, alg, 'node', false));
  const call = callFor(config, 'authenticate', token);
  return { token, jose, audguard: await runVerify(verifier, token, 'divergence', call) };
}

const reason = (o: Outcome) => (o.ok ? 'accepted' : o.error.reason);

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The last character with its lowest (unused) bit flipped: same bytes, another spelling. */
const flipUnusedBit = (segment: string) => BASE64URL[BASE64URL.indexOf(segment.at(-1) ?? 'A') ^ 1] as string;

describe('documented strictness: jose accepts, audguard refuses (the oracle adjustments are needed)', () => {
  const cases: Array<[string, Case, string]> = [
    ['D1 token over 8192 characters', { payload: { pad: 'x'.repeat(6200) } }, 'token_too_large'],
    ['D2 typ dpop+jwt', { header: { typ: 'dpop+jwt' } }, 'type_not_allowed'],
    [
      'D3 crit ["b64"] with b64: true',
      { header: { crit: ['b64'], b64: true } },
      'unsupported_critical_header',
    ],
    ['D4 jku header', { header: { jku: 'https://evil.example/jwks.json' } }, 'key_reference_in_header'],
    ['D5 non-string kid (HS256)', { alg: 'HS256', header: { kid: 123 } }, 'malformed_token'],
    ['D6 non-string sub', { payload: { sub: 123 } }, 'invalid_claim'],
    ['D7 scp with a non-string member', { payload: { scp: ['orders:read', 1] } }, 'invalid_claim'],
    ['D8 iat 60 s in the future', { payload: { iat: NOW + 60 } }, 'issued_in_future'],
    [
      'D9 exclusive policy, aud also names another API',
      { payload: { aud: [AUDIENCE, OTHER_API] }, config: { audiencePolicy: 'exclusive' } },
      'audience_not_exclusive',
    ],
    [
      'D9 exclusive policy with ignoredAudiences, aud also names another API',
      {
        payload: { aud: [AUDIENCE, USERINFO, OTHER_API] },
        config: { audiencePolicy: 'exclusive', ignoredAudiences: 'userinfo' },
      },
      'audience_not_exclusive',
    ],
    [
      'D7 scopeClaims with permissions: a non-string member',
      { payload: { permissions: ['orders:read', 1] }, config: { scopeClaims: 'permissions' } },
      'invalid_claim',
    ],
    ['R1 token_use "id" (a Cognito ID token)', { payload: { token_use: 'id' } }, 'id_token_not_accepted'],
    ['R1 payload typ "ID" (a Keycloak ID token)', { payload: { typ: 'ID' } }, 'id_token_not_accepted'],
    ['R1 at_hash', { payload: { at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q' } }, 'id_token_not_accepted'],
    ['R1 c_hash: null', { payload: { c_hash: null } }, 'id_token_not_accepted'],
    [
      'R1 even under tokenType strict',
      { payload: { token_use: 'id', client_id: CLIENT, jti: 'j-1' }, config: { tokenType: 'strict' } },
      'id_token_not_accepted',
    ],
    ['R2 token_use "refresh"', { payload: { token_use: 'refresh' } }, 'type_not_allowed'],
    ['R2 token_use 123', { payload: { token_use: 123 } }, 'type_not_allowed'],
    ['R2 payload typ "Logout"', { payload: { typ: 'Logout' } }, 'type_not_allowed'],
    ['R2 payload typ "offline"', { payload: { typ: 'offline' } }, 'type_not_allowed'],
    [
      'R3 requiredClaims tier: 2, the token says "2"',
      { payload: { ver: '2.0', tier: '2', mfa: true }, config: { requiredClaims: 'mixed' } },
      'invalid_claim',
    ],
    [
      'R3 requiredClaims ver: "2.0", the token says null',
      { payload: { ver: null, tier: 2, mfa: true }, config: { requiredClaims: 'mixed' } },
      'invalid_claim',
    ],
    ['R4 clientId listed, the token names no client', { config: { clientId: 'listed' } }, 'missing_claim'],
    [
      'R5 clientId listed, client_id is another client',
      { payload: { client_id: OTHER_CLIENT }, config: { clientId: 'listed' } },
      'client_not_allowed',
    ],
    [
      'R5 clientId listed, azp is another client (no client_id)',
      { payload: { azp: OTHER_CLIENT, cid: CLIENT }, config: { clientId: 'listed' } },
      'client_not_allowed',
    ],
  ];
  for (const [name, c, expected] of cases) {
    it(name, async () => {
      const { jose, audguard } = await judge(c);
      expect(jose.ok).toBe(true);
      expect(reason(audguard)).toBe(expected);
    });
  }
});

describe('findings: undocumented divergences where audguard is stricter (RFC-correct; worth documenting)', () => {
  const cases: Array<[string, Case, string]> = [
    ['U1 aud array with a non-string member', { payload: { aud: [AUDIENCE, 123] } }, 'invalid_claim'],
    [
      'U2 exp: 1e400 (JSON.parse → Infinity)',
      { payload: `{"iss":"${ISSUER}","aud":"${AUDIENCE}","exp":1e400}` },
      'invalid_claim',
    ],
    [
      'U2 nbf: -1e400 (JSON.parse → -Infinity)',
      { payload: `{"iss":"${ISSUER}","aud":"${AUDIENCE}","exp":${NOW + 300},"nbf":-1e400}` },
      'invalid_claim',
    ],
    ['U3 trailing newline after the signature', { after: (t) => `${t}\n` }, 'malformed_token'],
    ['U3 leading space, signed as such', { encode: (h, p) => [` ${h}`, p] }, 'malformed_token'],
    [
      'U3 "=" padding on the signature',
      { after: (t) => t + '='.repeat((4 - ((t.split('.')[2] ?? '').length % 4)) % 4 || 4) },
      'malformed_token',
    ],
    [
      'U3 padded header segment, signed as such',
      // `x` makes the header 56 bytes: 75 base64url characters, so exactly one "=" of padding.
      { header: { x: 'a' }, encode: (h, p) => [h + '='.repeat((4 - (h.length % 4)) % 4), p] },
      'malformed_token',
    ],
    [
      'U3 non-canonical signature (unused bits of the last character set)',
      { after: (t) => t.slice(0, -1) + flipUnusedBit(t) },
      'malformed_token',
    ],
    [
      'U3 non-canonical header, signed as such',
      { header: { x: 'a' }, encode: (h, p) => [h.slice(0, -1) + flipUnusedBit(h), p] },
      'malformed_token',
    ],
    [
      'U3 space inside the payload segment, signed as such',
      { encode: (h, p) => [h, `${p.slice(0, 8)} ${p.slice(8)}`] },
      'malformed_token',
    ],
  ];
  for (const [name, c, expected] of cases) {
    it(name, async () => {
      const { jose, audguard } = await judge(c);
      expect(jose.ok).toBe(true);
      expect(reason(audguard)).toBe(expected);
    });
  }
});

describe('new options, where jose has an equivalent: both agree', () => {
  const cases: Array<[string, Case, string]> = [
    [
      'issuer resolver (sync), a token of the issuer it answers for',
      { config: { issuerSource: 'resolver' } },
      'accepted',
    ],
    [
      'issuer resolver (async) for two issuers, a token of the second',
      {
        payload: { iss: OTHER_ISSUER },
        secondary: true,
        config: { issuerSource: 'async-resolver', issuers: 'two' },
      },
      'accepted',
    ],
    [
      'issuer resolver, an issuer it does not answer for',
      { payload: { iss: OTHER_ISSUER }, config: { issuerSource: 'resolver' } },
      'unknown_issuer',
    ],
    [
      'function audience (the request path), the token names it',
      { config: { audienceSource: 'function' } },
      'accepted',
    ],
    [
      'function audience, the token names another of this API’s',
      { payload: { aud: AUDIENCE_ALT }, config: { audienceSource: 'function' } },
      'audience_mismatch',
    ],
    [
      'per-call audience overriding the configured one',
      { payload: { aud: AUDIENCE_ALT }, config: { audienceSource: 'per-call', audience: 'pair' } },
      'accepted',
    ],
    ['scope as an array (Duende)', { payload: { scope: ['orders:read', 'orders:write'] } }, 'accepted'],
    [
      'requiredClaims with their exact values (2.0 is the number 2)',
      {
        payload: `{"iss":"${ISSUER}","aud":"${AUDIENCE}","exp":${NOW + 300},"ver":"2.0","tier":2.0,"mfa":true}`,
        config: { requiredClaims: 'mixed' },
      },
      'accepted',
    ],
    ['requiredClaims absent (jose: presence)', { config: { requiredClaims: 'token_use' } }, 'missing_claim'],
    [
      'exclusive policy with ignoredAudiences: this API and /userinfo',
      {
        payload: { aud: [AUDIENCE, USERINFO] },
        config: { audiencePolicy: 'exclusive', ignoredAudiences: 'userinfo' },
      },
      'accepted',
    ],
    [
      'ignoredAudiences: /userinfo alone is never enough',
      { payload: { aud: USERINFO }, config: { ignoredAudiences: 'userinfo' } },
      'audience_mismatch',
    ],
    [
      'clientId listed, the client in cid (Okta)',
      { payload: { cid: CLIENT }, config: { clientId: 'listed' } },
      'accepted',
    ],
  ];
  for (const [name, c, expected] of cases) {
    it(name, async () => {
      const { jose, audguard } = await judge(c);
      expect(jose.ok).toBe(expected === 'accepted');
      expect(reason(audguard)).toBe(expected);
    });
  }
});

describe('findings: audguard accepts what jose refuses', () => {
  it('P1 a JWK published with alg "EdDSA" verifies a token whose header says "Ed25519" (harmless alias)', async () => {
    const { jose, audguard } = await judge({ alg: 'Ed25519' });
    expect(jose.ok).toBe(false);
    expect(audguard.ok).toBe(true);
    const reverse = await judge({ alg: 'EdDSA', config: { jwkAlg: true } });
    expect(reverse.audguard.ok).toBe(true);
  });

  // BUG: rsaBits() in packages/core/src/lib/crypto.ts estimates the modulus size from the length of `n`.
  it('P2 an RSA key of 2047 bits must not verify tokens (RFC 7518 §3.3: 2048 bits or larger)', async () => {
    const { jose, audguard } = await judge({ signer: keys.byId.get('weak-2047') as SigningKey });
    expect(jose.ok).toBe(false);
    expect(reason(audguard)).toBe('unknown_key');
  });

  it('P2 a 1024-bit RSA key whose n is zero-padded to 256 bytes must not verify tokens', async () => {
    const { jose, audguard } = await judge({ signer: keys.byId.get('weak-1024') as SigningKey });
    expect(jose.ok).toBe(false);
    expect(reason(audguard)).toBe('unknown_key');
  });

  // BUG: verifier.ts verifyToken() — a cache hit re-checks exp/nbf (checkTime) but neither maxTokenAge nor iat.
  it('P3 a cached token is refused once it is older than maxTokenAge', async () => {
    clock.ms = NOW * 1000;
    const config: VerifierConfig = { ...DEFAULTS, maxTokenAge: 60 };
    const token = mint({ payload: { iat: NOW, exp: NOW + 3600 } });
    const cached = createVerifier(verifierOptions(keys, config, 'RS256', 'node', true));
    expect(reason(await runVerify(cached, token, 'first'))).toBe('accepted');
    clock.ms = (NOW + 600) * 1000; // 10 minutes later: 540 s past maxTokenAge + tolerance
    const uncached = createVerifier(verifierOptions(keys, config, 'RS256', 'node', false));
    expect(reason(await runVerify(uncached, token, 'uncached'))).toBe('expired');
    expect(reason(await runVerify(cached, token, 'cache hit'))).toBe('expired');
  });

  it('P3 a cached token is refused when the clock steps back before its iat', async () => {
    clock.ms = NOW * 1000;
    const token = mint({ payload: { iat: NOW, exp: NOW + 3600 } });
    const cached = createVerifier(verifierOptions(keys, DEFAULTS, 'RS256', 'node', true));
    expect(reason(await runVerify(cached, token, 'first'))).toBe('accepted');
    clock.ms = (NOW - 60) * 1000; // NTP steps the clock back a minute
    expect(reason(await runVerify(cached, token, 'cache hit'))).toBe('issued_in_future');
  });

  // Found by the fuzzing, fixed in core: `aud` is optional with `clientId` only when no audience is configured.
  it('P4 (fixed) clientId with an audience: a token without aud must be refused, as jose refuses it', async () => {
    const { jose, audguard } = await judge({
      payload: `{"iss":"${ISSUER}","client_id":"${CLIENT}","exp":${NOW + 300}}`,
      config: { clientId: 'listed' },
    });
    expect(jose.ok).toBe(false);
    expect(reason(audguard)).toBe('missing_claim');
  });

  it('N1 (fixed, now U2) exp: 1e20 is accepted by jose, refused by audguard instead of an Invalid Date', async () => {
    const { jose, audguard } = await judge({ payload: { exp: 1e20 } });
    expect(jose.ok).toBe(true);
    expect(reason(audguard)).toBe('invalid_claim');
  });
});
