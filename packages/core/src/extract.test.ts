import { beforeAll, describe, expect, it } from 'vitest';
import { refusal } from '../test/refusal.js';
import { AUDIENCE, ISSUER, mint, type TestKey, testKey } from '../test/tokens.js';
import { authenticateNow } from './adapter.js';
import { createVerifier, type NodeRequestLike, type VerifierOptions } from './index.js';

let key: TestKey;
let token: string;
beforeAll(async () => {
  key = await testKey('ES256');
  token = await mint(key);
});

const verifier = (options: Partial<VerifierOptions> = {}) =>
  createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.jwk] }, ...options });

const web = (headers: Record<string, string> = {}, init: RequestInit & { path?: string } = {}) =>
  new Request(`https://orders.example.com${init.path ?? '/orders'}`, { ...init, headers });

/** What Node's IncomingMessage (and Express's req) looks like to the core. */
const node = (rawHeaders: string[], extra: Partial<NodeRequestLike> = {}): NodeRequestLike => ({
  method: 'GET',
  url: '/orders',
  rawHeaders,
  headers: {},
  ...extra,
});

describe('RFC 6750 §2 extraction', () => {
  it('accepts the Bearer scheme in any case', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      await expect(
        verifier().authenticate(web({ authorization: `${scheme} ${token}` })),
      ).resolves.toMatchObject({
        issuer: ISSUER,
      });
    }
  });

  it('accepts one or more spaces after the scheme (RFC 6750 §2.1, RFC 9110 §11.4: 1*SP)', async () => {
    for (const spaces of [' ', '  ', '   ']) {
      const header = `Bearer${spaces}${token}`;
      await expect(verifier().authenticate(web({ authorization: header }))).resolves.toMatchObject({
        issuer: ISSUER,
      });
      await expect(verifier().authenticate(node(['Authorization', header]))).resolves.toBeDefined();
    }
  });

  it('reads a Node-style request without rawHeaders (a shim) from headers.authorization', async () => {
    const shim = { method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } };
    await expect(verifier().authenticate(shim)).resolves.toMatchObject({ issuer: ISSUER });
    const err = await refusal(verifier().authenticate({ headers: { authorization: 'Basic x' } }));
    expect(err).toMatchObject({ status: 400, reason: 'malformed_authorization_header' });
  });

  it('reads a Node request, header by raw name', async () => {
    await expect(verifier().authenticate(node(['Authorization', `Bearer ${token}`]))).resolves.toBeDefined();
  });

  it('answers a request without credentials with 401 and no error code', async () => {
    for (const request of [web(), node(['Host', 'x'])]) {
      const err = await refusal(verifier().authenticate(request));
      expect(err).toMatchObject({ status: 401, code: undefined, reason: 'missing_token' });
    }
  });

  it('lets an anonymous request through when credentials are optional, but still refuses a bad token', async () => {
    await expect(verifier().authenticate(web(), { credentialsRequired: false })).resolves.toBeUndefined();
    const err = await refusal(
      verifier().authenticate(web({ authorization: 'Bearer abc.def.ghi' }), { credentialsRequired: false }),
    );
    expect(err).toMatchObject({ status: 401, code: 'invalid_token' });
  });

  const malformed = [
    'Basic dXNlcjpwYXNz',
    'Bearer',
    'Bearer ',
    `Bearer \t${'abc'}`,
    'Bearer a b',
    'Bearer a"b',
    'Token abc',
    `Bearer\t${'abc'}`,
  ];
  for (const header of malformed) {
    it(`refuses the header ${JSON.stringify(header)} with 400 invalid_request`, async () => {
      const err = await refusal(verifier().authenticate(web({ authorization: header })));
      expect(err).toMatchObject({
        status: 400,
        code: 'invalid_request',
        reason: 'malformed_authorization_header',
      });
    });
  }

  it('refuses two Authorization headers (Node raw headers)', async () => {
    const err = await refusal(
      verifier().authenticate(node(['Authorization', `Bearer ${token}`, 'authorization', `Bearer ${token}`])),
    );
    expect(err).toMatchObject({ status: 400, code: 'invalid_request', reason: 'multiple_credentials' });
  });

  it('refuses two Authorization headers (web Headers joins them with a comma)', async () => {
    const headers = new Headers();
    headers.append('authorization', `Bearer ${token}`);
    headers.append('authorization', `Bearer ${token}`);
    const err = await refusal(
      verifier().authenticate(new Request('https://orders.example.com/', { headers })),
    );
    expect(err).toMatchObject({ status: 400, reason: 'multiple_credentials' });
  });

  it('refuses a token in the query when query tokens are off', async () => {
    const err = await refusal(verifier().authenticate(web({}, { path: `/orders?access_token=${token}` })));
    expect(err).toMatchObject({ status: 400, code: 'invalid_request', reason: 'token_in_query_not_allowed' });
  });

  it('accepts a query token when enabled, and refuses header + query together', async () => {
    const v = verifier({ bearerMethods: { query: true } });
    await expect(v.authenticate(web({}, { path: `/orders?access_token=${token}` }))).resolves.toBeDefined();
    const err = await refusal(
      v.authenticate(web({ authorization: `Bearer ${token}` }, { path: `/orders?access_token=${token}` })),
    );
    expect(err).toMatchObject({ status: 400, reason: 'multiple_credentials' });
  });

  it('header + query token is refused even when query tokens are off', async () => {
    const err = await refusal(
      verifier().authenticate(
        web({ authorization: `Bearer ${token}` }, { path: `/x?access_token=${token}` }),
      ),
    );
    expect(err).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('ignores a query parameter that only mentions access_token', async () => {
    await expect(
      verifier().authenticate(web({ authorization: `Bearer ${token}` }, { path: '/x?q=access_token' })),
    ).resolves.toBeDefined();
  });

  describe('form body (opt-in)', () => {
    const form = (body: string, headers: Record<string, string> = {}) =>
      web({ 'content-type': 'application/x-www-form-urlencoded', ...headers }, { method: 'POST', body });

    it('is ignored when off', async () => {
      const err = await refusal(verifier().authenticate(form(`access_token=${token}`)));
      expect(err).toMatchObject({ reason: 'missing_token' });
    });
    it('is read when on, leaving the body readable for the app', async () => {
      const v = verifier({ bearerMethods: { body: true } });
      const request = form(`access_token=${token}&x=1`);
      await expect(v.authenticate(request)).resolves.toBeDefined();
      expect(await request.text()).toContain('x=1');
    });
    it('refuses header + body together', async () => {
      const v = verifier({ bearerMethods: { body: true } });
      const err = await refusal(
        v.authenticate(form(`access_token=${token}`, { authorization: `Bearer ${token}` })),
      );
      expect(err).toMatchObject({ status: 400, reason: 'multiple_credentials' });
    });
    it('reads a parsed Node body', async () => {
      const v = verifier({ bearerMethods: { body: true } });
      const request = node([], {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: { access_token: token },
      });
      await expect(v.authenticate(request)).resolves.toBeDefined();
    });
    it('never reads a GET body', async () => {
      const v = verifier({ bearerMethods: { body: true } });
      const request = node([], {
        method: 'GET',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: { access_token: token },
      });
      expect(await refusal(v.authenticate(request))).toMatchObject({ reason: 'missing_token' });
    });
  });

  it('applies required scopes after authentication', async () => {
    const err = await refusal(
      verifier().authenticate(web({ authorization: `Bearer ${token}` }), { scopes: ['orders:admin'] }),
    );
    expect(err).toMatchObject({ status: 403, code: 'insufficient_scope', scopes: ['orders:admin'] });
  });

  describe('authenticateNow (for adapters)', () => {
    it('answers synchronously when no I/O is needed, refusals included', async () => {
      const v = verifier({ cache: false });
      const request = web({ authorization: `Bearer ${token}` });
      await v.authenticate(request); // the first use imports the key (asynchronous on every backend)
      const uncached = authenticateNow(v, request);
      expect(uncached instanceof Promise).toBe(false);
      expect(uncached).toMatchObject({ issuer: ISSUER });
      const cached = verifier();
      await cached.authenticate(request);
      expect(authenticateNow(cached, request)).toBe(authenticateNow(cached, request)); // a hit: the same token
      expect(() => authenticateNow(v, web())).toThrow(expect.objectContaining({ reason: 'missing_token' }));
      expect(authenticateNow(v, web(), { credentialsRequired: false })).toBeUndefined();
    });

    it('returns a promise when keys must be fetched, and never throws for that', async () => {
      const v = createVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwksUri: 'https://as.example.com/jwks',
        jwksOptions: { fetch: async () => Response.json({ keys: [key.jwk] }) },
      });
      const result = authenticateNow(v, web({ authorization: `Bearer ${token}` }));
      expect(result).toBeInstanceOf(Promise);
      await expect(result).resolves.toMatchObject({ issuer: ISSUER });
    });
  });
});
