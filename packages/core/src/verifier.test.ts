import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { refusal } from '../test/refusal.js';
import {
  AUDIENCE,
  b64json,
  ISSUER,
  mint,
  OTHER_API,
  signRaw,
  type TestKey,
  tamper,
  testKey,
} from '../test/tokens.js';
import { createVerifier, type JsonWebKey, type JwsAlgorithm, type VerifierOptions } from './index.js';

let rsa: TestKey;
let ec: TestKey;
let otherIssuerKey: TestKey;

beforeAll(async () => {
  [rsa, ec, otherIssuerKey] = await Promise.all([
    testKey('RS256'),
    testKey('ES256'),
    testKey('RS256', 'other-1'),
  ]);
});

function verifier(options: Partial<VerifierOptions> = {}) {
  return createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [rsa.jwk, ec.jwk] },
    ...options,
  });
}

describe('signature', () => {
  const algorithms: JwsAlgorithm[] = [
    'RS256',
    'RS384',
    'RS512',
    'PS256',
    'PS384',
    'PS512',
    'ES256',
    'ES384',
    'ES512',
    'EdDSA',
  ];
  for (const backend of ['node', 'webcrypto'] as const) {
    for (const alg of algorithms) {
      it(`accepts ${alg} and refuses a flipped signature bit (${backend})`, async () => {
        const key = await testKey(alg);
        const v = createVerifier({
          issuer: ISSUER,
          audience: AUDIENCE,
          jwks: { keys: [key.jwk] },
          cryptoBackend: backend,
          cache: false,
        });
        const token = await mint(key);
        await expect(v.verify(token)).resolves.toMatchObject({ issuer: ISSUER });
        const [h, p, s] = token.split('.') as [string, string, string];
        const sig = Buffer.from(s, 'base64url');
        sig[sig.length >> 1] = (sig[sig.length >> 1] as number) ^ 1;
        const err = await refusal(v.verify(`${h}.${p}.${sig.toString('base64url')}`));
        expect(err).toMatchObject({ code: 'invalid_token', status: 401, reason: 'bad_signature' });
      });
    }
  }

  it('refuses a tampered payload', async () => {
    const token = tamper(await mint(rsa), { payload: (p) => ({ ...p, scope: 'admin' }) });
    expect(await refusal(verifier().verify(token))).toMatchObject({ reason: 'bad_signature' });
  });

  it('refuses a non-canonical spelling of a valid signature (unused base64url bits set)', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const token = await mint(rsa); // 256-byte signature: 342 characters, the last one carries 2 unused bits
    const last = token.at(-1) as string;
    const twin = token.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    await expect(verifier().verify(token)).resolves.toBeDefined();
    expect(await refusal(verifier().verify(twin))).toMatchObject({ status: 401, reason: 'malformed_token' });
  });

  it('refuses an ES256 signature of the wrong length before any crypto', async () => {
    const token = await mint(ec);
    const [h, p] = token.split('.');
    expect(
      await refusal(verifier().verify(`${h}.${p}.${Buffer.alloc(70).toString('base64url')}`)),
    ).toMatchObject({
      reason: 'bad_signature',
    });
  });

  it('refuses a token whose kid names a key of another issuer', async () => {
    const v = createVerifier({
      issuer: [
        { issuer: ISSUER, jwks: { keys: [rsa.jwk] } },
        { issuer: 'https://other-as.example.com', jwks: { keys: [otherIssuerKey.jwk] } },
      ],
      audience: AUDIENCE,
    });
    const forged = await mint(otherIssuerKey); // iss = ISSUER, signed with the other issuer's key
    expect(await refusal(v.verify(forged))).toMatchObject({ status: 401, reason: 'unknown_key' });
    const genuine = await mint(otherIssuerKey, { claims: { iss: 'https://other-as.example.com' } });
    await expect(v.verify(genuine)).resolves.toMatchObject({ issuer: 'https://other-as.example.com' });
  });

  it('never uses an RSA key under 2048 bits, however its modulus is spelled', async () => {
    const { generateKeyPairSync, sign } = await import('node:crypto');
    for (const modulusLength of [1024, 2047]) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
      const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'weak', alg: 'RS256' } as JsonWebKey;
      // A zero-padded modulus looks 2048 bits long to anyone counting characters.
      const padded = {
        ...jwk,
        n: Buffer.concat([Buffer.alloc(128), Buffer.from(jwk.n as string, 'base64url')]).toString(
          'base64url',
        ),
      };
      // jose refuses to sign with such a key, so sign by hand.
      const input = `${b64json({ alg: 'RS256', kid: 'weak' })}.${b64json({ iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 })}`;
      const token = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
      for (const key of [jwk, padded]) {
        const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key] } });
        expect(await refusal(v.verify(token))).toMatchObject({ reason: 'unknown_key' });
      }
    }
  });

  it('tries every fitting key when the token has no kid', async () => {
    const token = await mint(ec, { header: { kid: undefined } });
    await expect(verifier().verify(token)).resolves.toMatchObject({ subject: 'user-1' });
  });

  it('verifies HS256 with an explicit shared secret and refuses another secret', async () => {
    const secret = 'a-test-secret-that-is-at-least-32-bytes-long';
    const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, secret, algorithms: ['HS256'] });
    const now = Math.floor(Date.now() / 1000);
    const sign = (s: string) =>
      new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: now + 60 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(s));
    await expect(v.verify(await sign(secret))).resolves.toMatchObject({ issuer: ISSUER });
    expect(await refusal(v.verify(await sign(`${secret}!`)))).toMatchObject({ reason: 'bad_signature' });
  });
});

describe('header checks before any key lookup', () => {
  const forged = (header: Record<string, unknown>) =>
    `${b64json(header)}.${b64json({ iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 })}.`;

  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    it(`refuses alg "${alg}"`, async () => {
      expect(await refusal(verifier().verify(forged({ alg })))).toMatchObject({
        status: 401,
        reason: 'algorithm_not_allowed',
      });
    });
  }

  it('refuses HS256 signed with the RSA public key as the secret (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(rsa.jwk));
    const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 })
      .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
      .sign(secret);
    expect(await refusal(verifier().verify(token))).toMatchObject({ reason: 'algorithm_not_allowed' });
  });

  it('refuses an algorithm outside the allow-list', async () => {
    const v = verifier({ algorithms: ['RS256'] });
    expect(await refusal(v.verify(await mint(ec)))).toMatchObject({ reason: 'algorithm_not_allowed' });
  });

  it('refuses an unknown crit header', async () => {
    const payload = { iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 };
    const token = await signRaw(rsa, { alg: 'RS256', kid: rsa.kid, crit: ['urn:x'], 'urn:x': 1 }, payload);
    expect(await refusal(verifier().verify(token))).toMatchObject({ reason: 'unsupported_critical_header' });
  });

  for (const header of ['jku', 'x5u', 'jwk'] as const) {
    it(`refuses a token that carries a ${header} header, without following it`, async () => {
      let fetched = 0;
      const v = createVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwksUri: 'https://as.example.com/jwks',
        jwksOptions: {
          fetch: async () => {
            fetched++;
            return new Response('{}');
          },
        },
      });
      const value = header === 'jwk' ? rsa.jwk : 'https://attacker.example/keys';
      const token = await mint(rsa, { header: { [header]: value } });
      expect(await refusal(v.verify(token))).toMatchObject({ reason: 'key_reference_in_header' });
      expect(fetched).toBe(0);
    });
  }

  it('refuses a non-string kid', async () => {
    const token = tamper(await mint(rsa), { header: (h) => ({ ...h, kid: 7 }) });
    expect(await refusal(verifier().verify(token))).toMatchObject({ reason: 'malformed_token' });
  });

  it('refuses an unknown issuer with no network call', async () => {
    let fetched = 0;
    const v = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksOptions: {
        fetch: async () => {
          fetched++;
          return new Response('{}');
        },
      },
    });
    const token = await mint(rsa, { claims: { iss: 'https://evil.example.com' } });
    expect(await refusal(v.verify(token))).toMatchObject({ status: 401, reason: 'unknown_issuer' });
    expect(fetched).toBe(0);
  });

  it('compares iss exactly (a trailing slash is another issuer)', async () => {
    const token = await mint(rsa, { claims: { iss: `${ISSUER}/` } });
    expect(await refusal(verifier().verify(token))).toMatchObject({ reason: 'unknown_issuer' });
  });
});

describe('token type (typ)', () => {
  for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/AT+JWT', 'JWT', undefined]) {
    it(`accepts typ ${String(typ)} by default`, async () => {
      await expect(verifier().verify(await mint(rsa, { header: { typ } }))).resolves.toBeDefined();
    });
  }
  for (const typ of ['dpop+jwt', 'logout+jwt', 'id_token+jwt', 'secevent+jwt', 'JOSE', '']) {
    it(`refuses typ ${typ}`, async () => {
      expect(await refusal(verifier().verify(await mint(rsa, { header: { typ } })))).toMatchObject({
        reason: 'type_not_allowed',
      });
    });
  }
  it('strict mode requires at+jwt', async () => {
    const v = verifier({ tokenType: 'strict' });
    await expect(v.verify(await mint(rsa))).resolves.toBeDefined();
    for (const typ of ['JWT', undefined]) {
      expect(await refusal(v.verify(await mint(rsa, { header: { typ } })))).toMatchObject({
        reason: 'type_not_allowed',
      });
    }
  });
  for (const claim of ['sub', 'client_id', 'iat', 'jti']) {
    it(`strict mode requires the RFC 9068 claim ${claim}`, async () => {
      const token = await mint(rsa, { claims: { [claim]: undefined } });
      await expect(verifier().verify(token)).resolves.toBeDefined();
      expect(await refusal(verifier({ tokenType: 'strict' }).verify(token))).toMatchObject({
        reason: 'missing_claim',
        claim,
      });
    });
  }
});

describe('structure', () => {
  const cases: [string, string, string][] = [
    ['an empty string', '', 'malformed_token'],
    ['two segments', 'eyJhbGciOiJSUzI1NiJ9.e30', 'malformed_token'],
    ['four segments', 'a.b.c.d', 'malformed_token'],
    ['a JWE', 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d', 'encrypted_token_not_supported'],
    ['bad base64url', 'eyJhbGciOiJSUzI1NiJ9.e30*.abc', 'malformed_token'],
    ['an impossible base64 length', 'eyJhbGciOiJSUzI1NiJ9.e30aa.abc', 'malformed_token'],
    ['a header that is not JSON', `${Buffer.from('{alg').toString('base64url')}.e30.abc`, 'malformed_token'],
    ['a header that is an array', `${b64json(['RS256'])}.e30.abc`, 'malformed_token'],
    ['a payload that is a number', `${b64json({ alg: 'RS256' })}.${b64json(42)}.abc`, 'malformed_token'],
    ['a header without alg', `${b64json({ typ: 'JWT' })}.e30.abc`, 'malformed_token'],
  ];
  for (const [name, token, reason] of cases) {
    it(`refuses ${name}`, async () => {
      expect(await refusal(verifier().verify(token))).toMatchObject({
        code: 'invalid_token',
        status: 401,
        reason,
      });
    });
  }

  it('refuses a token over the size limit before parsing it', async () => {
    const token = await mint(rsa, { claims: { pad: 'x'.repeat(9000) } });
    expect(await refusal(verifier().verify(token))).toMatchObject({ reason: 'token_too_large' });
    await expect(verifier({ maxTokenLength: 20_000 }).verify(token)).resolves.toBeDefined();
  });

  it('refuses NumericDates beyond what a Date can hold', async () => {
    for (const claims of [{ exp: 1e20 }, { iat: -1e13 }, { nbf: 9e12 }]) {
      expect(await refusal(verifier().verify(await mint(rsa, { claims })))).toMatchObject({
        reason: 'invalid_claim',
      });
    }
  });

  it('refuses a non-string token', async () => {
    expect(await refusal(verifier().verify(42 as unknown as string))).toMatchObject({
      reason: 'malformed_token',
    });
  });
});

describe('claims', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('maps the claims of an RFC 9068 token', async () => {
    const token = await mint(rsa, { claims: { aud: [AUDIENCE, OTHER_API], scp: ['extra'] } });
    const result = await verifier().verify(token);
    expect(result).toMatchObject({
      token,
      issuer: ISSUER,
      subject: 'user-1',
      clientId: 'client-1',
      audience: [AUDIENCE, OTHER_API],
      header: { alg: 'RS256', typ: 'at+jwt', kid: rsa.kid },
    });
    expect([...result.scopes].sort()).toEqual(['extra', 'orders:read', 'orders:write']);
    expect(result.expiresAt.getTime()).toBe((result.claims.exp as number) * 1000);
    expect(Object.isFrozen(result) && Object.isFrozen(result.claims)).toBe(true);
    expect(() => (result.scopes as Set<string>).add('admin')).toThrow(TypeError);
  });

  it('falls back to azp for the client id', async () => {
    const token = await mint(rsa, { claims: { client_id: undefined, azp: 'spa' } });
    expect((await verifier().verify(token)).clientId).toBe('spa');
  });

  it('requires exp', async () => {
    const err = await refusal(verifier().verify(await mint(rsa, { claims: { exp: undefined } })));
    expect(err).toMatchObject({ reason: 'missing_claim', claim: 'exp' });
  });
  it('refuses an expired token, within tolerance accepts it', async () => {
    expect(await refusal(verifier().verify(await mint(rsa, { claims: { exp: now() - 10 } })))).toMatchObject({
      reason: 'expired',
    });
    await expect(verifier().verify(await mint(rsa, { claims: { exp: now() - 2 } }))).resolves.toBeDefined();
    expect(
      await refusal(verifier({ clockTolerance: 0 }).verify(await mint(rsa, { claims: { exp: now() - 2 } }))),
    ).toMatchObject({ reason: 'expired' });
  });
  it('refuses a non-numeric exp', async () => {
    const err = await refusal(verifier().verify(await mint(rsa, { claims: { exp: String(now() + 60) } })));
    expect(err).toMatchObject({ reason: 'invalid_claim', claim: 'exp' });
  });
  it('refuses a token not valid yet (nbf), within tolerance accepts it', async () => {
    expect(await refusal(verifier().verify(await mint(rsa, { claims: { nbf: now() + 60 } })))).toMatchObject({
      reason: 'not_yet_valid',
    });
    await expect(verifier().verify(await mint(rsa, { claims: { nbf: now() + 3 } }))).resolves.toBeDefined();
  });
  it('refuses a token issued in the future beyond tolerance', async () => {
    expect(await refusal(verifier().verify(await mint(rsa, { claims: { iat: now() + 60 } })))).toMatchObject({
      reason: 'issued_in_future',
    });
  });
  it('maxTokenAge refuses old tokens and tokens without iat', async () => {
    const v = verifier({ maxTokenAge: 60 });
    expect(await refusal(v.verify(await mint(rsa, { claims: { iat: now() - 120 } })))).toMatchObject({
      reason: 'expired',
    });
    expect(await refusal(v.verify(await mint(rsa, { claims: { iat: undefined } })))).toMatchObject({
      reason: 'missing_claim',
    });
  });
  it('requires iss', async () => {
    expect(await refusal(verifier().verify(await mint(rsa, { claims: { iss: undefined } })))).toMatchObject({
      reason: 'missing_claim',
      claim: 'iss',
    });
  });
  it('accepts scope as a JSON array, as Duende IdentityServer writes it', async () => {
    const token = await verifier().verify(
      await mint(rsa, { claims: { scope: ['orders:read', 'orders:write'] } }),
    );
    expect([...token.scopes]).toEqual(['orders:read', 'orders:write']);
  });
  for (const [claim, value] of [
    ['sub', 5],
    ['client_id', ['a']],
    ['scope', 7],
    ['scope', ['orders:read', 7]],
    ['scp', [1]],
    ['jti', {}],
  ] as const) {
    it(`refuses a ${claim} of the wrong type (${JSON.stringify(value)})`, async () => {
      expect(await refusal(verifier().verify(await mint(rsa, { claims: { [claim]: value } })))).toMatchObject(
        {
          reason: 'invalid_claim',
          claim,
        },
      );
    });
  }
});

describe('audience', () => {
  it('accepts aud as a string or as an array containing this API', async () => {
    await expect(verifier().verify(await mint(rsa))).resolves.toBeDefined();
    await expect(
      verifier().verify(await mint(rsa, { claims: { aud: [OTHER_API, AUDIENCE] } })),
    ).resolves.toBeDefined();
  });
  it('refuses a token minted for another API', async () => {
    for (const aud of [OTHER_API, [OTHER_API], `${AUDIENCE}/`]) {
      expect(await refusal(verifier().verify(await mint(rsa, { claims: { aud } })))).toMatchObject({
        code: 'invalid_token',
        status: 401,
        reason: 'audience_mismatch',
      });
    }
  });
  it('refuses a token with no aud, or an empty or non-string one', async () => {
    expect(await refusal(verifier().verify(await mint(rsa, { claims: { aud: undefined } })))).toMatchObject({
      reason: 'missing_claim',
      claim: 'aud',
    });
    for (const aud of [[], [1], 5]) {
      expect(await refusal(verifier().verify(await mint(rsa, { claims: { aud } })))).toMatchObject({
        reason: 'invalid_claim',
      });
    }
  });
  it('accepts any of several configured identifiers', async () => {
    const v = verifier({ audience: [AUDIENCE, 'urn:orders'] });
    await expect(v.verify(await mint(rsa, { claims: { aud: 'urn:orders' } }))).resolves.toBeDefined();
  });
  it('exclusive policy refuses a token shared with another API, accepts one that is ours alone', async () => {
    const v = verifier({ audiencePolicy: 'exclusive' });
    expect(
      await refusal(v.verify(await mint(rsa, { claims: { aud: [AUDIENCE, OTHER_API] } }))),
    ).toMatchObject({
      status: 401,
      reason: 'audience_not_exclusive',
    });
    await expect(v.verify(await mint(rsa, { claims: { aud: [AUDIENCE] } }))).resolves.toBeDefined();
    await expect(v.verify(await mint(rsa))).resolves.toBeDefined();
  });
  it('uses a per-issuer audience when given', async () => {
    const v = createVerifier({
      issuer: [
        { issuer: ISSUER, jwks: { keys: [rsa.jwk] }, audience: 'api://orders' },
        { issuer: 'https://other-as.example.com', jwks: { keys: [otherIssuerKey.jwk] } },
      ],
      audience: AUDIENCE,
    });
    await expect(v.verify(await mint(rsa, { claims: { aud: 'api://orders' } }))).resolves.toBeDefined();
    expect(await refusal(v.verify(await mint(rsa)))).toMatchObject({ reason: 'audience_mismatch' });
  });
});

describe('scopes', () => {
  it('passes when every required scope is granted', async () => {
    await expect(
      verifier().verify(await mint(rsa), { scopes: ['orders:read', 'orders:write'] }),
    ).resolves.toBeDefined();
  });
  it('answers 403 insufficient_scope naming what is needed', async () => {
    const err = await refusal(
      verifier().verify(await mint(rsa), { scopes: ['orders:read', 'orders:admin'] }),
    );
    expect(err).toMatchObject({
      code: 'insufficient_scope',
      status: 403,
      reason: 'insufficient_scope',
      scopes: ['orders:read', 'orders:admin'],
    });
  });
  it("'any' needs one of the scopes", async () => {
    const v = verifier();
    const token = await mint(rsa, { claims: { scope: 'b' } });
    await expect(v.verify(token, { scopes: ['a', 'b'], scopeMatch: 'any' })).resolves.toBeDefined();
    expect(await refusal(v.verify(token, { scopes: ['a', 'c'], scopeMatch: 'any' }))).toMatchObject({
      status: 403,
    });
  });
  it('reads scp as an array or a string', async () => {
    const v = verifier();
    const a = await mint(rsa, { claims: { scope: undefined, scp: ['x', 'y'] } });
    const b = await mint(rsa, { claims: { scope: undefined, scp: 'x y' } });
    expect([...(await v.verify(a)).scopes]).toEqual(['x', 'y']);
    expect([...(await v.verify(b)).scopes]).toEqual(['x', 'y']);
  });
  it('a cached token is still checked for scopes on every call', async () => {
    const v = verifier();
    const token = await mint(rsa);
    await v.verify(token);
    expect(await refusal(v.verify(token, { scopes: ['admin'] }))).toMatchObject({ status: 403 });
  });
});

describe('verified-token cache', () => {
  it('serves a repeat from the cache (same object), and not when turned off', async () => {
    const token = await mint(rsa);
    const cached = verifier();
    expect(await cached.verify(token)).toBe(await cached.verify(token));
    const uncached = verifier({ cache: false });
    expect(await uncached.verify(token)).not.toBe(await uncached.verify(token));
  });

  it('never serves an entry past exp (re-checks time on a hit)', async () => {
    let now = Date.now();
    const v = verifier({ clock: () => now, clockTolerance: 0 });
    const token = await mint(rsa, { claims: { exp: Math.floor(now / 1000) + 60 } });
    await v.verify(token);
    now += 61_000;
    expect(await refusal(v.verify(token))).toMatchObject({ reason: 'expired' });
  });

  it('expires a cached token without iat at its exp', async () => {
    let now = Date.now();
    const v = verifier({ clock: () => now, clockTolerance: 0 });
    const token = await mint(rsa, { claims: { iat: undefined, exp: Math.floor(now / 1000) + 30 } });
    await v.verify(token);
    now += 31_000;
    expect(await refusal(v.verify(token))).toMatchObject({ reason: 'expired' });
  });

  it('re-checks maxTokenAge and iat on a hit: a cached token still grows old', async () => {
    let now = Date.now();
    const v = verifier({ clock: () => now, maxTokenAge: 60, clockTolerance: 0 });
    const token = await mint(rsa, {
      claims: { iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 3600 },
    });
    await v.verify(token);
    now += 120_000;
    expect(await refusal(v.verify(token))).toMatchObject({ reason: 'expired', claim: 'iat' });
    now -= 240_000; // the clock stepped back: now iat is in the future
    expect(await refusal(v.verify(token))).toMatchObject({ reason: 'issued_in_future' });
  });

  it('re-checks nbf on a hit', async () => {
    let now = Date.now();
    const v = verifier({ clock: () => now, clockTolerance: 0 });
    const token = await mint(rsa, { claims: { nbf: Math.floor(now / 1000) } });
    await v.verify(token);
    now -= 60_000; // the clock stepped back
    expect(await refusal(v.verify(token))).toMatchObject({ reason: 'not_yet_valid' });
  });

  it('is bounded by max (least recently used goes first)', async () => {
    const v = verifier({ cache: { max: 2 } });
    const [a, b, c] = await Promise.all([mint(rsa), mint(rsa), mint(rsa)]);
    const first = await v.verify(a);
    await v.verify(b);
    await v.verify(c);
    expect(await v.verify(a)).not.toBe(first);
  });

  it('keys tokens by their full text: a forgery sharing a prefix never hits', async () => {
    const v = verifier();
    const token = await mint(rsa);
    await v.verify(token);
    const forged = `${token.slice(0, -2)}AA`;
    expect(await refusal(v.verify(forged))).toMatchObject({ reason: 'bad_signature' });
  });
});
