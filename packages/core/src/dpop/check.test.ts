/**
 * The DPoP checks of RFC 9449 §4.3 and §7 through `createVerifier().authenticate()`, one rule per test, on web
 * `Request`s and Node-shaped requests. The attack matrix over HTTP and the three frameworks is in test/hostile.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type DpopKey, dpopKey, proof } from '../../test/dpop.js';
import { AUDIENCE, ISSUER, mint, type TestKey, testKey } from '../../test/tokens.js';
import {
  type AuthError,
  createVerifier,
  MemoryReplayCache,
  type ReplayCache,
  type VerifierOptions,
} from '../index.js';

let signer: TestKey;
let client: DpopKey;
let other: DpopKey;
let bound: string;
let bearer: string;
const URL_ = `${AUDIENCE}/orders`;

beforeAll(async () => {
  signer = await testKey('ES256');
  client = await dpopKey('ES256');
  other = await dpopKey('ES256');
  bound = await mint(signer, { claims: { cnf: { jkt: client.jkt } } });
  bearer = await mint(signer);
});

const base = (extra: Partial<VerifierOptions> = {}): VerifierOptions => ({
  issuer: ISSUER,
  audience: AUDIENCE,
  jwks: { keys: [signer.jwk] },
  dpop: 'allowed',
  ...extra,
});

function request(headers: Record<string, string> | [string, string][], path = '/orders', method = 'GET') {
  return new Request(`http://anything.internal${path}`, { method, headers });
}

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) throw new Error('accepted');
  return error as AuthError;
}

describe('DPoP at the resource server', () => {
  it('accepts a bound token with a valid proof, and reports the binding in the claims', async () => {
    const verifier = createVerifier(base());
    const token = await verifier.authenticate(
      request({ authorization: `DPoP ${bound}`, dpop: proof(client, { htu: URL_, token: bound }) }),
    );
    expect(token.claims.cnf?.jkt).toBe(client.jkt);
  });

  it('refuses a replayed proof, and records it for iat + window + skew − now (never from now)', async () => {
    const added: number[] = [];
    const memory = new MemoryReplayCache();
    const spy: ReplayCache = {
      add: (key, ttl) => {
        added.push(ttl);
        return memory.add(key, ttl);
      },
    };
    let now = 1_800_000_000_000;
    const verifier = createVerifier(base({ clock: () => now, dpop: { mode: 'allowed', replayCache: spy } }));
    const token = await mint(signer, {
      claims: { cnf: { jkt: client.jkt }, iat: now / 1000, exp: now / 1000 + 600 },
    });
    // Made 20 s ago: of its 60 + 5 s it has 45 left.
    const p = proof(client, { htu: URL_, token, iat: now / 1000 - 20 });
    const send = () => verifier.authenticate(request({ authorization: `DPoP ${token}`, dpop: p }));
    await send();
    expect(added).toEqual([45]);
    expect((await refusal(send())).reason).toBe('dpop_proof_replayed');
    now += 46_000;
    expect((await refusal(send())).reason).toBe('dpop_proof_expired');
  });

  it('refuses a bound token sent as Bearer (RFC 9449 §7.2), and lets plain bearer tokens pass', async () => {
    const verifier = createVerifier(base());
    const error = await refusal(verifier.authenticate(request({ authorization: `Bearer ${bound}` })));
    expect([error.reason, error.status, error.code, error.scheme]).toEqual([
      'dpop_bound_token_as_bearer',
      401,
      'invalid_token',
      'Bearer',
    ]);
    await verifier.authenticate(request({ authorization: `Bearer ${bearer}` }));
  });

  describe('the proof must be for this request', () => {
    const cases: [string, Partial<Parameters<typeof proof>[1]>, string | undefined, string][] = [
      ['another method', { htm: 'POST' }, undefined, 'dpop_method_mismatch'],
      ['another host', { htu: 'https://evil.example.com/orders' }, undefined, 'dpop_uri_mismatch'],
      ['another path', { htu: `${AUDIENCE}/invoices` }, undefined, 'dpop_uri_mismatch'],
      ['another scheme', { htu: 'http://orders.example.com/orders' }, undefined, 'dpop_uri_mismatch'],
      ['another port', { htu: 'https://orders.example.com:8443/orders' }, undefined, 'dpop_uri_mismatch'],
      ['a trailing slash', { htu: `${AUDIENCE}/orders/` }, undefined, 'dpop_uri_mismatch'],
      ['userinfo', { htu: 'https://user@orders.example.com/orders' }, undefined, 'dpop_uri_mismatch'],
      ['not a URL', { htu: 'orders' }, undefined, 'dpop_uri_mismatch'],
      ['upper-case scheme and host', { htu: 'HTTPS://ORDERS.Example.COM/orders' }, undefined, 'accepted'],
      [
        'the default port spelled out',
        { htu: 'https://orders.example.com:443/orders' },
        undefined,
        'accepted',
      ],
      ['a query and a fragment', { htu: `${AUDIENCE}/orders?page=2#top` }, undefined, 'accepted'],
      ['dot segments', { htu: `${AUDIENCE}/v1/../orders` }, undefined, 'accepted'],
      ['an encoded unreserved character', { htu: `${AUDIENCE}/%6Frders` }, undefined, 'accepted'],
      ['lower-case hex in an escape', { htu: `${AUDIENCE}/a%2fb` }, '/a%2Fb', 'accepted'],
      ['an escape the request does not have', { htu: `${AUDIENCE}/a%2Fb` }, '/a/b', 'dpop_uri_mismatch'],
    ];
    it.each(cases)('%s → %s', async (_name, change, path, expected) => {
      const verifier = createVerifier(base());
      const p = proof(client, { htu: URL_, token: bound, ...change });
      const outcome = await verifier
        .authenticate(
          request(
            { authorization: `DPoP ${bound}`, dpop: p },
            path ?? `/orders${change.htu?.includes('?') ? '?page=2' : ''}`,
          ),
        )
        .then(
          () => 'accepted',
          (e: AuthError) => e.reason,
        );
      expect(outcome).toBe(expected);
    });

    it('takes the path from originalUrl under an Express mount, and never the Host header', async () => {
      const verifier = createVerifier(base());
      const p = proof(client, { htu: `${AUDIENCE}/api/orders`, token: bound });
      const node = {
        method: 'GET',
        url: '/orders',
        originalUrl: '/api/orders?x=1',
        headers: { host: 'evil.example.com', authorization: `DPoP ${bound}`, dpop: p },
      };
      await verifier.authenticate(node);
      const viaHost = proof(client, { htu: 'https://evil.example.com/api/orders', token: bound });
      const error = await refusal(
        verifier.authenticate({ ...node, headers: { ...node.headers, dpop: viaHost } }),
      );
      expect(error.reason).toBe('dpop_uri_mismatch');
    });

    it('uses the configured origin, which the audience need not give', async () => {
      const verifier = createVerifier(
        base({ audience: 'urn:orders', dpop: { mode: 'allowed', origin: 'https://API.example.com:443' } }),
      );
      const token = await mint(signer, { claims: { aud: 'urn:orders', cnf: { jkt: client.jkt } } });
      const p = proof(client, { htu: 'https://api.example.com/orders', token });
      await verifier.authenticate(request({ authorization: `DPoP ${token}`, dpop: p }));
    });
  });

  describe('the proof must be fresh, for this token, and by its key', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, () => Parameters<typeof proof>[1], string][] = [
      ['iat 3 s ahead (within the skew)', () => ({ htu: URL_, token: bound, iat: now() + 3 }), 'accepted'],
      ['iat 30 s ahead', () => ({ htu: URL_, token: bound, iat: now() + 30 }), 'dpop_proof_issued_in_future'],
      ['iat 50 s old', () => ({ htu: URL_, token: bound, iat: now() - 50 }), 'accepted'],
      ['iat 70 s old', () => ({ htu: URL_, token: bound, iat: now() - 70 }), 'dpop_proof_expired'],
      ['no ath', () => ({ htu: URL_, token: null }), 'dpop_token_hash_mismatch'],
      ['the ath of another token', () => ({ htu: URL_, token: bearer }), 'dpop_token_hash_mismatch'],
      ['a proof by another key', () => ({ htu: URL_, token: bound, signWith: other }), 'dpop_bad_signature'],
      ['no jti', () => ({ htu: URL_, token: bound, claims: { jti: undefined } }), 'dpop_claim_invalid'],
      [
        'a jti of 300 characters',
        () => ({ htu: URL_, token: bound, jti: 'j'.repeat(300) }),
        'dpop_claim_invalid',
      ],
      ['no htu', () => ({ htu: URL_, token: bound, claims: { htu: undefined } }), 'dpop_claim_invalid'],
      [
        'iat a string',
        () => ({ htu: URL_, token: bound, claims: { iat: String(now()) } }),
        'dpop_claim_invalid',
      ],
      ['typ JWT', () => ({ htu: URL_, token: bound, header: { typ: 'JWT' } }), 'dpop_proof_type_not_allowed'],
      [
        'no typ',
        () => ({ htu: URL_, token: bound, header: { typ: undefined } }),
        'dpop_proof_type_not_allowed',
      ],
      [
        'typ application/DPoP+JWT',
        () => ({ htu: URL_, token: bound, header: { typ: 'application/DPoP+JWT' } }),
        'accepted',
      ],
      [
        'alg none',
        () => ({ htu: URL_, token: bound, header: { alg: 'none' } }),
        'dpop_algorithm_not_allowed',
      ],
      [
        'alg HS256',
        () => ({ htu: URL_, token: bound, header: { alg: 'HS256' }, hmacSecret: new Uint8Array(32) }),
        'dpop_algorithm_not_allowed',
      ],
      ['no jwk', () => ({ htu: URL_, token: bound, header: { jwk: undefined } }), 'dpop_key_invalid'],
      [
        'a private jwk',
        () => ({ htu: URL_, token: bound, header: { jwk: client.privateJwk } }),
        'dpop_key_invalid',
      ],
      [
        'a jwk of another curve',
        () => ({ htu: URL_, token: bound, header: { jwk: { ...client.jwk, crv: 'P-384' } } }),
        'dpop_key_invalid',
      ],
      ['crit', () => ({ htu: URL_, token: bound, header: { crit: ['exp'] } }), 'malformed_dpop_proof'],
    ];
    it.each(cases)('%s → %s', async (_name, options, expected) => {
      const verifier = createVerifier(base());
      const outcome = await verifier
        .authenticate(request({ authorization: `DPoP ${bound}`, dpop: proof(client, options()) }))
        .then(
          () => 'accepted',
          (e: AuthError) => e.reason,
        );
      expect(outcome).toBe(expected);
    });

    it("refuses a valid proof by another key than the token's cnf.jkt as invalid_token", async () => {
      const verifier = createVerifier(base());
      const error = await refusal(
        verifier.authenticate(
          request({ authorization: `DPoP ${bound}`, dpop: proof(other, { htu: URL_, token: bound }) }),
        ),
      );
      expect([error.reason, error.code, error.status]).toEqual(['dpop_key_mismatch', 'invalid_token', 401]);
    });

    it('refuses a proof that is no JWS', async () => {
      const verifier = createVerifier(base());
      for (const bad of ['abc', 'a.b.c', `${'x'.repeat(9000)}.a.b`]) {
        const error = await refusal(
          verifier.authenticate(request({ authorization: `DPoP ${bound}`, dpop: bad })),
        );
        expect([error.reason, error.code]).toEqual(['malformed_dpop_proof', 'invalid_dpop_proof']);
      }
    });
  });

  describe('the request must have the form of one scheme', () => {
    it('refuses Authorization: DPoP without a proof (400 invalid_request)', async () => {
      const error = await refusal(
        createVerifier(base()).authenticate(request({ authorization: `DPoP ${bound}` })),
      );
      expect([error.reason, error.status, error.code]).toEqual([
        'dpop_proof_missing',
        400,
        'invalid_request',
      ]);
    });

    it('refuses a proof with the Bearer scheme (400 invalid_request)', async () => {
      const p = proof(client, { htu: URL_, token: bound });
      const error = await refusal(
        createVerifier(base()).authenticate(request({ authorization: `Bearer ${bound}`, dpop: p })),
      );
      expect([error.reason, error.status, error.code]).toEqual([
        'dpop_proof_with_bearer',
        400,
        'invalid_request',
      ]);
    });

    it('refuses two DPoP headers, on the web and on Node', async () => {
      const p1 = proof(client, { htu: URL_, token: bound });
      const p2 = proof(client, { htu: URL_, token: bound });
      const verifier = createVerifier(base());
      const web = await refusal(
        verifier.authenticate(
          request([
            ['authorization', `DPoP ${bound}`],
            ['dpop', p1],
            ['dpop', p2],
          ]),
        ),
      );
      const node = await refusal(
        verifier.authenticate({
          method: 'GET',
          url: '/orders',
          rawHeaders: ['Authorization', `DPoP ${bound}`, 'DPoP', p1, 'dpop', p2],
          headers: { authorization: `DPoP ${bound}`, dpop: `${p1}, ${p2}` },
        }),
      );
      expect([web.reason, node.reason, web.code]).toEqual([
        'multiple_dpop_proofs',
        'multiple_dpop_proofs',
        'invalid_dpop_proof',
      ]);
    });

    it('refuses an unbound token with the DPoP scheme', async () => {
      const p = proof(client, { htu: URL_, token: bearer });
      const error = await refusal(
        createVerifier(base()).authenticate(request({ authorization: `DPoP ${bearer}`, dpop: p })),
      );
      expect([error.reason, error.code]).toEqual(['dpop_token_not_bound', 'invalid_token']);
    });

    it("with 'required', refuses every bearer request before looking at the token", async () => {
      const verifier = createVerifier(base({ dpop: 'required' }));
      const error = await refusal(verifier.authenticate(request({ authorization: 'Bearer not-even-a-jwt' })));
      expect([error.reason, error.code, error.scheme]).toEqual(['dpop_required', 'invalid_token', 'Bearer']);
      const missing = await refusal(verifier.authenticate(request({})));
      expect([missing.reason, missing.description]).toEqual([
        'missing_token',
        'This API requires a DPoP-bound access token (Authorization: DPoP, and a DPoP proof).',
      ]);
    });

    it('verify() sees no proof: it refuses bound tokens, and every token with required', async () => {
      expect((await refusal(createVerifier(base()).verify(bound))).reason).toBe('dpop_bound_token_as_bearer');
      await createVerifier(base()).verify(bearer);
      expect((await refusal(createVerifier(base({ dpop: 'required' })).verify(bearer))).reason).toBe(
        'dpop_required',
      );
    });

    it('leaves verifiers without dpop as they were: the DPoP scheme is a malformed header', async () => {
      const { dpop: _off, ...plain } = base();
      const verifier = createVerifier(plain);
      const error = await refusal(verifier.authenticate(request({ authorization: `DPoP ${bound}` })));
      expect(error.reason).toBe('malformed_authorization_header');
      expect((await verifier.authenticate(request({ authorization: `Bearer ${bound}` }))).subject).toBe(
        'user-1',
      );
    });
  });

  describe('nonces (RFC 9449 §9)', () => {
    const secret = 'a nonce secret of at least 32 bytes!';
    it('asks for a nonce, accepts it on the next proof and on another instance, and refuses it two steps later', async () => {
      let now = 1_800_000_000_000;
      const options = base({
        clock: () => now,
        dpop: { mode: 'required', nonce: { secret, stepSeconds: 60 } },
      });
      const [a, b] = [createVerifier(options), createVerifier(options)];
      const token = () =>
        mint(signer, {
          claims: {
            cnf: { jkt: client.jkt },
            iat: Math.floor(now / 1000),
            exp: Math.floor(now / 1000) + 600,
          },
        });
      const t = await token();
      const send = (v: typeof a, nonce?: string) =>
        v.authenticate(
          request({
            authorization: `DPoP ${t}`,
            dpop: proof(client, {
              htu: URL_,
              token: t,
              now: now / 1000,
              ...(nonce === undefined ? {} : { nonce }),
            }),
          }),
        );
      const first = await refusal(send(a));
      expect([first.reason, first.code, first.status]).toEqual([
        'dpop_nonce_required',
        'use_dpop_nonce',
        401,
      ]);
      const nonce = first.dpopNonce as string;
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{32}$/);
      await send(a, nonce);
      await send(b, nonce);
      now += 60_000;
      await send(a, nonce);
      now += 60_000;
      const stale = await refusal(send(b, nonce));
      expect(stale.reason).toBe('dpop_nonce_required');
      expect(stale.dpopNonce).not.toBe(nonce);
      expect((await refusal(send(a, 'made-up'))).reason).toBe('dpop_nonce_required');
    });

    it("never accepts another API's nonce, even with the same secret", async () => {
      const mine = createVerifier(base({ dpop: { mode: 'allowed', nonce: { secret } } }));
      const theirs = createVerifier(
        base({ dpop: { mode: 'allowed', origin: 'https://billing.example.com', nonce: { secret } } }),
      );
      const theirNonce = (
        await refusal(
          theirs.authenticate(
            request({
              authorization: `DPoP ${bound}`,
              dpop: proof(client, { htu: 'https://billing.example.com/orders', token: bound }),
            }),
          ),
        )
      ).dpopNonce;
      const error = await refusal(
        mine.authenticate(
          request({
            authorization: `DPoP ${bound}`,
            dpop: proof(client, { htu: URL_, token: bound, nonce: theirNonce as string }),
          }),
        ),
      );
      expect(error.reason).toBe('dpop_nonce_required');
    });
  });

  it('answers 503 when the replay cache fails: the proof may be fine', async () => {
    const broken: ReplayCache = { add: () => Promise.reject(new Error('redis down')) };
    const verifier = createVerifier(base({ dpop: { mode: 'allowed', replayCache: broken } }));
    const error = await refusal(
      verifier.authenticate(
        request({ authorization: `DPoP ${bound}`, dpop: proof(client, { htu: URL_, token: bound }) }),
      ),
    );
    expect([error.reason, error.status, error.retryAfter]).toEqual(['replay_cache_unavailable', 503, 1]);
  });

  it('checks RSA and Ed25519 proofs too', async () => {
    for (const alg of ['RS256', 'EdDSA'] as const) {
      const key = await dpopKey(alg);
      const token = await mint(signer, { claims: { cnf: { jkt: key.jkt } } });
      const verifier = createVerifier(base());
      await verifier.authenticate(
        request({ authorization: `DPoP ${token}`, dpop: proof(key, { htu: URL_, token }) }),
      );
    }
  });

  it("gives a route's 403 to the challenge of the scheme the token came with", async () => {
    const verifier = createVerifier(base());
    const dpopToken = await verifier.authenticate(
      request({ authorization: `DPoP ${bound}`, dpop: proof(client, { htu: URL_, token: bound }) }),
    );
    const bearerToken = await verifier.authenticate(request({ authorization: `Bearer ${bearer}` }));
    const challengeOf = (token: typeof dpopToken) => {
      try {
        verifier.checkScopes(token, ['orders:admin']);
      } catch (error) {
        return verifier.errorResponse(error as AuthError).headers['www-authenticate'];
      }
      throw new Error('accepted');
    };
    expect(challengeOf(dpopToken)).toMatch(
      /^Bearer realm="api", DPoP realm="api", error="insufficient_scope"/,
    );
    expect(challengeOf(bearerToken)).toMatch(
      /^Bearer realm="api", error="insufficient_scope", .*, DPoP realm="api", algs=/,
    );
  });
});
