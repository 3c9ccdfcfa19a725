/**
 * Token introspection (RFC 7662, RFC 9701) through `createVerifier()`, against a real HTTP endpoint on loopback
 * that answers as the test says: active, inactive, for another audience, slow, down, refusing our credentials,
 * signed or not. Every refusal that is the server's fault is a 503 with Retry-After, never a 401.
 */
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dpopKey, proof } from '../../test/dpop.js';
import {
  type IntrospectionServer,
  publicJwk,
  startIntrospectionServer,
} from '../../test/introspection-server.js';
import { refusal } from '../../test/refusal.js';
import { AUDIENCE, ISSUER, mint, type TestKey, testKey } from '../../test/tokens.js';
import {
  createVerifier,
  type IntrospectionOptions,
  type JsonWebKey,
  renderAuthError,
  type VerifierOptions,
} from '../index.js';

const CLIENT = 'orders-api';
const SECRET = 'orders-api-secret';
let asKey: TestKey;
let server: IntrospectionServer | undefined;

beforeAll(async () => {
  asKey = await testKey('ES256', 'as-1');
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(
  extra: Parameters<typeof startIntrospectionServer>[0] extends infer O ? Partial<O> : never = {},
) {
  server = await startIntrospectionServer({
    issuer: ISSUER,
    clientId: CLIENT,
    clientSecret: SECRET,
    signingKey: { alg: asKey.alg, kid: asKey.kid, privateKey: asKey.privateKey },
    ...extra,
  });
  return server;
}

/** A verifier asking `s`; `undefined` in `introspection` removes a default (the secret, for private_key_jwt). */
function verifierFor(
  s: IntrospectionServer,
  introspection: { [K in keyof IntrospectionOptions]?: IntrospectionOptions[K] | undefined } = {},
  extra: Partial<VerifierOptions> = {},
) {
  const options = {
    endpoint: s.url,
    clientId: CLIENT,
    clientSecret: SECRET,
    timeoutMs: 1000,
    ...introspection,
  };
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) delete (options as Record<string, unknown>)[name];
  }
  return createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [asKey.jwk] },
    introspection: options as IntrospectionOptions,
    ...extra,
  });
}

const active =
  (claims: Record<string, unknown> = {}) =>
  (now: number) => ({
    active: true,
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'alice',
    client_id: 'web-app',
    scope: 'orders:read',
    token_type: 'Bearer',
    iat: now,
    exp: now + 300,
    ...claims,
  });

const get = (token: string, headers: Record<string, string> = {}) =>
  new Request('https://orders.example.com/orders', {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });

describe('introspection', () => {
  it('asks with the client credentials and the token, and accepts an active answer that meets every local check', async () => {
    const s = await start();
    s.answer('opaque-1', active());
    const token = await verifierFor(s).authenticate(get('opaque-1'), { scopes: ['orders:read'] });
    expect([token.subject, token.clientId, token.issuer, [...token.scopes], token.header]).toEqual([
      'alice',
      'web-app',
      ISSUER,
      ['orders:read'],
      {},
    ]);
    const [seen] = s.seen;
    expect(seen?.method).toBe('POST');
    expect(seen?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen?.headers.accept).toBe('application/json');
    expect(seen?.headers.authorization).toBe(`Basic ${btoa(`${CLIENT}:${SECRET}`)}`);
    expect(Object.fromEntries(seen?.params ?? [])).toEqual({
      token: 'opaque-1',
      token_type_hint: 'access_token',
    });
  });

  it('refuses an inactive token (401 token_inactive), and remembers the answer', async () => {
    const s = await start();
    const verifier = verifierFor(s);
    for (let i = 0; i < 3; i++) {
      const error = await refusal(verifier.authenticate(get('revoked')));
      expect([error.reason, error.status, error.code]).toEqual(['token_inactive', 401, 'invalid_token']);
    }
    expect(s.hits()).toBe(1);
  });

  it('refuses an active token for another audience, of another issuer, or without exp', async () => {
    const s = await start();
    s.answer('billing', active({ aud: 'https://billing.example.com' }));
    s.answer('other-iss', active({ iss: 'https://other-as.example.com' }));
    s.answer('no-exp', active({ exp: undefined }));
    s.answer('no-iss', active({ iss: undefined }));
    const verifier = verifierFor(s);
    expect((await refusal(verifier.authenticate(get('billing')))).reason).toBe('audience_mismatch');
    expect((await refusal(verifier.authenticate(get('other-iss')))).reason).toBe('unknown_issuer');
    expect((await refusal(verifier.authenticate(get('no-exp')))).reason).toBe('missing_claim');
    // No iss: the endpoint's issuer vouches.
    expect((await verifier.authenticate(get('no-iss'))).issuer).toBe(ISSUER);
  });

  it('applies the scopes, the client list and the audience policy of the verifier', async () => {
    const s = await start();
    s.answer('shared', active({ aud: [AUDIENCE, 'https://billing.example.com'] }));
    s.answer('profile', active({ scope: 'profile' }));
    const exclusive = verifierFor(s, {}, { audiencePolicy: 'exclusive', clientId: 'web-app' });
    expect((await refusal(exclusive.authenticate(get('shared')))).reason).toBe('audience_not_exclusive');
    const scope = await refusal(exclusive.authenticate(get('profile'), { scopes: ['orders:read'] }));
    expect([scope.reason, scope.status]).toEqual(['insufficient_scope', 403]);
    s.answer('other-client', active({ client_id: 'mallory' }));
    expect((await refusal(exclusive.authenticate(get('other-client')))).reason).toBe('client_not_allowed');
  });

  describe('the server at fault is a 503 with Retry-After, never a 401', () => {
    const cases: [string, Parameters<IntrospectionServer['behave']>[0], string][] = [
      ['it is slow (past the timeout)', { delayMs: 1500 }, 'introspection_unavailable'],
      ['it answers 500', { status: 500, rawBody: 'oops' }, 'introspection_unavailable'],
      ['it refuses our credentials', {}, 'introspection_unavailable'],
      ['it answers something that is no JSON', { rawBody: '<html>' }, 'introspection_response_invalid'],
      ['it answers without "active"', { rawBody: '{"sub":"alice"}' }, 'introspection_response_invalid'],
    ];
    it.each(cases)('when %s', async (name, behaviour, reason) => {
      const s = await start();
      s.answer('opaque-1', active());
      s.behave(behaviour);
      const verifier = verifierFor(s, name.includes('credentials') ? { clientSecret: 'wrong' } : {});
      const started = Date.now();
      const error = await refusal(verifier.authenticate(get('opaque-1')));
      expect(Date.now() - started).toBeLessThan(1400);
      expect([error.reason, error.status, error.code]).toEqual([reason, 503, 'temporarily_unavailable']);
      const response = renderAuthError(error);
      expect(response.headers['retry-after']).toBe('1');
      expect(JSON.stringify(response)).not.toContain('127.0.0.1');
    });

    it('when it is down, and then for errorBackoffMs without asking again', async () => {
      const s = await start();
      const url = s.url;
      await s.stop();
      server = undefined;
      const verifier = createVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: { keys: [asKey.jwk] },
        introspection: { endpoint: url, clientId: CLIENT, clientSecret: SECRET, errorBackoffMs: 60_000 },
      });
      const first = await refusal(verifier.authenticate(get('opaque-1')));
      expect([first.reason, first.status]).toEqual(['introspection_unavailable', 503]);
      const second = await refusal(verifier.authenticate(get('opaque-2')));
      expect([second.reason, second.retryAfter]).toEqual(['introspection_unavailable', 60]);
    });
  });

  it('shares one request among concurrent lookups of one token', async () => {
    const s = await start();
    s.answer('opaque-1', active());
    s.behave({ delayMs: 100 });
    const verifier = verifierFor(s);
    const tokens = await Promise.all(
      Array.from({ length: 10 }, () => verifier.authenticate(get('opaque-1'))),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(s.hits()).toBe(1);
  });

  it('never serves a cached answer past the token exp, nor past the cache time', async () => {
    const s = await start();
    let now = Date.now();
    const exp = Math.floor(now / 1000) + 30;
    let revoked = false;
    s.answer('opaque-1', () => (revoked ? { active: false } : active({ exp })(Math.floor(now / 1000))));
    const verifier = verifierFor(s, { cache: { ttlMs: 60_000 } }, { clock: () => now, clockTolerance: 0 });
    await verifier.authenticate(get('opaque-1'));
    now += 20_000;
    await verifier.authenticate(get('opaque-1'));
    expect(s.hits()).toBe(1);
    // Past exp the entry is gone: the server is asked again (and, as a real one would, says inactive).
    now += 11_000;
    revoked = true;
    expect((await refusal(verifier.authenticate(get('opaque-1')))).reason).toBe('token_inactive');
    expect(s.hits()).toBe(2);

    // A server that still calls an expired token active does not get it accepted: exp is checked here too.
    s.answer('lying', active({ exp }));
    expect((await refusal(verifier.authenticate(get('lying')))).reason).toBe('expired');

    const capped = verifierFor(s, { cache: { ttlMs: 1000 } }, { clock: () => now });
    s.answer('opaque-2', active());
    await capped.authenticate(get('opaque-2'));
    await capped.authenticate(get('opaque-2'));
    now += 1001;
    await capped.authenticate(get('opaque-2'));
    expect(s.hits()).toBe(5);
  });

  it('verifies JWTs locally unless jwts is set', async () => {
    const s = await start();
    const jwt = await mint(asKey);
    s.answer(jwt, { active: false });
    await verifierFor(s).authenticate(get(jwt));
    expect(s.hits()).toBe(0);
    expect((await refusal(verifierFor(s, { jwts: true }).authenticate(get(jwt)))).reason).toBe(
      'token_inactive',
    );
    expect(s.hits()).toBe(1);
  });

  it('authenticates with client_secret_post and with private_key_jwt', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const clientJwk = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'rs-1' } as JsonWebKey;
    const s = await start({ clientKey: { ...(await exportJWK(publicKey)), alg: 'ES256', kid: 'rs-1' } });
    s.answer('opaque-1', active());
    await verifierFor(s, { authMethod: 'client_secret_post' }).authenticate(get('opaque-1'));
    expect(s.seen[0]?.params.get('client_secret')).toBe(SECRET);
    expect(s.seen[0]?.headers.authorization).toBeUndefined();
    await verifierFor(s, { clientSecret: undefined, privateKey: clientJwk }).authenticate(get('opaque-1'));
    expect(s.seen[1]?.params.get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    const wrong = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const error = await refusal(
      verifierFor(s, {
        clientSecret: undefined,
        privateKey: { ...wrong, alg: 'ES256' } as JsonWebKey,
      }).authenticate(get('opaque-1')),
    );
    expect([error.reason, error.status]).toEqual(['introspection_unavailable', 503]);
    expect(publicJwk(clientJwk)).not.toHaveProperty('d');
  });

  describe('signed answers (RFC 9701)', () => {
    it('asks for them and accepts a good one', async () => {
      const s = await start();
      s.answer('opaque-1', active());
      const token = await verifierFor(s, { signedResponses: true }).authenticate(get('opaque-1'));
      expect(token.subject).toBe('alice');
      expect(s.seen[0]?.headers.accept).toBe('application/token-introspection+jwt');
    });

    const cases: [string, Parameters<IntrospectionServer['behave']>[0]][] = [
      ['typed as another JWT', { signedHeader: { typ: 'JWT' } }],
      ['for another client', { envelope: { aud: 'someone-else' } }],
      ['from another issuer', { envelope: { iss: 'https://other-as.example.com' } }],
      ['made ten minutes ago', { envelope: { iat: Math.floor(Date.now() / 1000) - 600 } }],
      ['without the answer inside', { envelope: { token_introspection: undefined } }],
      ['as plain JSON', { rawBody: '{"active":true}' }],
      ['as a JWT of the right type but signed by no key of the issuer', { signedHeader: { kid: 'unknown' } }],
    ];
    it.each(cases)('refuses an answer %s (503)', async (_name, behaviour) => {
      const s = await start();
      s.answer('opaque-1', active());
      s.behave(behaviour);
      const error = await refusal(verifierFor(s, { signedResponses: true }).authenticate(get('opaque-1')));
      expect([error.reason, error.status]).toEqual(['introspection_response_invalid', 503]);
    });
  });

  it('binds an introspected token with cnf.jkt to its DPoP key', async () => {
    const s = await start();
    const key = await dpopKey();
    s.answer('opaque-dpop', active({ cnf: { jkt: key.jkt }, token_type: 'DPoP' }));
    const verifier = verifierFor(s, {}, { dpop: 'allowed' });
    const htu = 'https://orders.example.com/orders';
    const request = new Request(htu, {
      headers: { authorization: 'DPoP opaque-dpop', dpop: proof(key, { htu, token: 'opaque-dpop' }) },
    });
    expect((await verifier.authenticate(request)).claims.cnf?.jkt).toBe(key.jkt);
    expect((await refusal(verifier.authenticate(get('opaque-dpop')))).reason).toBe(
      'dpop_bound_token_as_bearer',
    );
  });
});
