import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DocumentHost,
  publicClientDocument,
  startDocumentHost,
  TEST_CA,
} from '../../test/document-host.js';
import {
  authorize,
  authorizeUrl,
  create,
  get,
  ISSUER,
  openLoginPage,
  pkce,
  postLoginForm,
  token,
  verify,
} from '../../test/helpers.js';
import type { AuthorizationServerConfig } from '../config.js';
import { MemoryStore } from '../store.js';

const REDIRECT = 'http://127.0.0.1:7777/callback';
let host: DocumentHost;
beforeAll(async () => {
  host = await startDocumentHost();
});
afterAll(() => host.close());

let path = 0;
/** A fresh document path (the host is shared), serving `document(clientId)`. */
function publish(
  document: (clientId: string) => object = (id) => publicClientDocument(id, [REDIRECT]),
  headers: Record<string, string> = { 'cache-control': 'max-age=600' },
): string {
  const at = `/clients/${++path}.json`;
  const clientId = host.url(at);
  host.serve(at, { headers, body: document(clientId) });
  return clientId;
}
const fetchesOf = (clientId: string) => host.requests.filter((p) => host.url(p) === clientId).length;

async function server(overrides: Partial<AuthorizationServerConfig> = {}) {
  let now = Date.now();
  const store = new MemoryStore({ now: () => now, sweepIntervalSeconds: 0 });
  const as = await create({
    now: () => now,
    store,
    clientIdMetadataDocuments: { allowLoopback: true, ca: TEST_CA },
    ...overrides,
  });
  return { as, store, advance: (seconds: number) => (now += seconds * 1000) };
}

function redeem(as: Awaited<ReturnType<typeof create>>, clientId: string, code: string, verifier: string) {
  return token(as, {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
    resource: 'urn:invoices',
  });
}

describe('a client identified by its metadata document (draft-ietf-oauth-client-id-metadata-document)', () => {
  it('completes the code flow with resource, a token for its client_id, a refresh — and the document fetched once', async () => {
    const { as } = await server();
    const clientId = publish();
    const { code, verifier, location } = await authorize(as, {
      client_id: clientId,
      redirect_uri: REDIRECT,
      scope: 'read offline_access',
      resource: 'urn:invoices',
    });
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    const tokens = await redeem(as, clientId, code, verifier);
    expect(tokens.status, tokens.text).toBe(200);
    const { payload } = await verify(as, tokens.body.access_token);
    expect(payload).toMatchObject({ client_id: clientId, aud: 'urn:invoices', scope: 'read' });
    const refreshed = await token(as, {
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: tokens.body.refresh_token,
    });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(fetchesOf(clientId)).toBe(1);
  });

  it('fetches the document again once its max-age has passed, not before', async () => {
    const { as, advance } = await server();
    const clientId = publish(undefined, { 'cache-control': 'public, max-age=300' });
    await authorize(as, { client_id: clientId, redirect_uri: REDIRECT, scope: 'read' });
    advance(299);
    await authorize(as, { client_id: clientId, redirect_uri: REDIRECT, scope: 'read' });
    expect(fetchesOf(clientId)).toBe(1);
    advance(2);
    await authorize(as, { client_id: clientId, redirect_uri: REDIRECT, scope: 'read' });
    expect(fetchesOf(clientId)).toBe(2);
  });

  it('clamps the cache lifetime: no-store still caches for minCacheSeconds, a year for maxCacheSeconds', async () => {
    const { as, advance } = await server({
      clientIdMetadataDocuments: {
        allowLoopback: true,
        ca: TEST_CA,
        minCacheSeconds: 30,
        maxCacheSeconds: 120,
      },
    });
    const noStore = publish(undefined, { 'cache-control': 'no-store' });
    const year = publish(undefined, { 'cache-control': 'max-age=31536000' });
    for (const clientId of [noStore, year]) {
      await authorize(as, { client_id: clientId, redirect_uri: REDIRECT, scope: 'read' });
    }
    advance(29);
    for (const clientId of [noStore, year]) {
      await authorize(as, { client_id: clientId, redirect_uri: REDIRECT, scope: 'read' });
    }
    expect([fetchesOf(noStore), fetchesOf(year)]).toEqual([1, 1]);
    advance(2);
    await authorize(as, { client_id: noStore, redirect_uri: REDIRECT, scope: 'read' });
    advance(90);
    await authorize(as, { client_id: year, redirect_uri: REDIRECT, scope: 'read' });
    expect([fetchesOf(noStore), fetchesOf(year)]).toEqual([2, 2]);
  });

  it('never caches an error or an invalid document: the next request fetches again', async () => {
    const { as } = await server();
    const clientId = publish();
    const at = new URL(clientId).pathname;
    host.serve(at, { status: 503, body: 'down' });
    const first = await get(as, authorizeUrl(as, { client_id: clientId, redirect_uri: REDIRECT }));
    expect(first.status).toBe(400);
    host.serve(at, { body: { ...publicClientDocument(clientId, [REDIRECT]), client_id: 'https://other' } });
    expect((await get(as, authorizeUrl(as, { client_id: clientId, redirect_uri: REDIRECT }))).status).toBe(
      400,
    );
    host.serve(at, {
      headers: { 'cache-control': 'max-age=600' },
      body: publicClientDocument(clientId, [REDIRECT]),
    });
    await authorize(as, { client_id: clientId, redirect_uri: REDIRECT, scope: 'read' });
    await authorize(as, { client_id: clientId, redirect_uri: REDIRECT, scope: 'read' });
    expect(fetchesOf(clientId)).toBe(3);
  });

  it('fetches once for a burst of concurrent requests (single flight)', async () => {
    const { as } = await server();
    const clientId = publish();
    await Promise.all(
      Array.from({ length: 5 }, () =>
        authorize(as, { client_id: clientId, redirect_uri: REDIRECT, scope: 'read' }),
      ),
    );
    expect(fetchesOf(clientId)).toBe(1);
  });

  it('shares the cache through the store: a second instance on the same store does not fetch', async () => {
    const { as, store } = await server();
    const other = await create({ store, clientIdMetadataDocuments: { allowLoopback: true, ca: TEST_CA } });
    const clientId = publish();
    await authorize(as, { client_id: clientId, redirect_uri: REDIRECT, scope: 'read' });
    await authorize(other, { client_id: clientId, redirect_uri: REDIRECT, scope: 'read' });
    expect(fetchesOf(clientId)).toBe(1);
  });

  it('sends errors after the client is trusted back by redirect, with iss (RFC 9207)', async () => {
    const { as } = await server();
    const clientId = publish();
    const { challenge } = pkce();
    const res = await as.fetch(
      new Request(
        authorizeUrl(as, {
          client_id: clientId,
          redirect_uri: REDIRECT,
          response_type: 'code',
          scope: 'no-such-scope',
          code_challenge: challenge,
          code_challenge_method: 'S256',
          state: 's',
        }),
      ),
    );
    const location = new URL(res.headers.get('location') ?? 'about:blank');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      error: 'invalid_scope',
      state: 's',
      iss: ISSUER,
    });
  });

  it('holds the client to the scope its document declares, and to the configured policy', async () => {
    const { as } = await server({
      clientIdMetadataDocuments: { allowLoopback: true, ca: TEST_CA, resources: ['urn:invoices'] },
    });
    const clientId = publish((id) => publicClientDocument(id, [REDIRECT], { scope: 'read' }));
    const { code, verifier } = await authorize(as, { client_id: clientId, redirect_uri: REDIRECT });
    expect((await redeem(as, clientId, code, verifier)).body.scope).toBe('read');
    await expect(
      authorize(as, { client_id: clientId, redirect_uri: REDIRECT, scope: 'write' }),
    ).rejects.toThrow(/invalid_scope/);
    await expect(
      authorize(as, { client_id: clientId, redirect_uri: REDIRECT, scope: 'read', resource: 'urn:products' }),
    ).rejects.toThrow(/invalid_target/);
  });

  it('gives no refresh token to a client whose grant_types leave out refresh_token', async () => {
    const { as } = await server();
    const clientId = publish((id) =>
      publicClientDocument(id, [REDIRECT], { grant_types: ['authorization_code'] }),
    );
    await expect(
      authorize(as, { client_id: clientId, redirect_uri: REDIRECT, scope: 'read offline_access' }),
    ).rejects.toThrow(/invalid_scope/);
  });

  it('refuses client_credentials to a self-described client', async () => {
    const { as } = await server();
    const clientId = publish();
    const res = await token(as, { grant_type: 'client_credentials', client_id: clientId, scope: 'read' });
    expect([res.status, res.body.error]).toEqual([400, 'unauthorized_client']);
  });

  it('refuses a secret from a public self-described client', async () => {
    const { as } = await server();
    const clientId = publish();
    const res = await token(as, { grant_type: 'refresh_token', refresh_token: 'x' }, [clientId, 'guess']);
    expect([res.status, res.body.error]).toEqual([401, 'invalid_client']);
  });

  it('advertises client_id_metadata_document_supported, none and private_key_jwt', async () => {
    const { as } = await server();
    const { body } = await get(as, `${ISSUER}/.well-known/oauth-authorization-server`);
    expect(body).toMatchObject({
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'none',
        'private_key_jwt',
      ],
      token_endpoint_auth_signing_alg_values_supported: expect.arrayContaining(['ES256', 'RS256', 'EdDSA']),
    });
    expect(body.token_endpoint_auth_signing_alg_values_supported).not.toContain('HS256');
    const off = await create();
    expect((await get(off, `${ISSUER}/.well-known/oauth-authorization-server`)).body).not.toHaveProperty(
      'client_id_metadata_document_supported',
    );
  });

  it('is off by default: an https client_id is unknown and nothing is fetched', async () => {
    const as = await create();
    const clientId = publish();
    const res = await get(as, authorizeUrl(as, { client_id: clientId, redirect_uri: REDIRECT }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('The client is unknown.');
    expect(fetchesOf(clientId)).toBe(0);
  });
});

describe('the consent page of a self-described client', () => {
  it('shows its name, its client_id URL and host, that it is self-described, and the redirect host with a localhost warning', async () => {
    const { as } = await server({ autoApprove: false });
    const clientId = publish((id) =>
      publicClientDocument(id, [REDIRECT], { client_name: 'Evil <b>"Corp"</b>' }),
    );
    const { challenge } = pkce();
    const res = await as.fetch(
      new Request(
        authorizeUrl(as, {
          client_id: clientId,
          redirect_uri: REDIRECT,
          response_type: 'code',
          scope: 'read',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      ),
    );
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<strong>Evil &lt;b&gt;&quot;Corp&quot;&lt;/b&gt;</strong> asks for access');
    expect(html).toContain(
      `A self-described application, published at <strong>${new URL(clientId).host}</strong>`,
    );
    expect(html).toContain(`<code>${clientId}</code>`);
    expect(html).toContain('your browser goes back to <strong>127.0.0.1:7777</strong>');
    expect(html).toContain('any program running on it could receive the answer');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('says a configured client is registered by the operator, and gives no localhost warning for an https redirect', async () => {
    const as = await create({ autoApprove: false });
    const page = await openLoginPage(as);
    const res = await postLoginForm(as, page, { decision: 'approve', username: 'alice', password: 'wrong' });
    expect(res.text).toContain('An application registered with this server by its operator.');
    expect(res.text).toContain('goes back to <strong>app.example.com</strong>');
    expect(res.text).not.toContain('any program running on it');
  });
});

describe('private_key_jwt: a document that declares it must authenticate with RFC 7523 assertions', () => {
  async function keyClient(where: 'jwks' | 'jwks_uri') {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const keysAt = `/keys/${++path}.json`;
    host.serve(keysAt, { headers: { 'cache-control': 'max-age=600' }, body: { keys: [jwk] } });
    const clientId = publish((id) =>
      publicClientDocument(id, [REDIRECT], {
        token_endpoint_auth_method: 'private_key_jwt',
        ...(where === 'jwks' ? { jwks: { keys: [jwk] } } : { jwks_uri: host.url(keysAt) }),
      }),
    );
    const assertion = (claims: Record<string, unknown> = {}, lifetime = 60, as = clientId) =>
      new SignJWT({ jti: crypto.randomUUID(), aud: `${ISSUER}/token`, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(as)
        .setSubject(as)
        .setIssuedAt()
        .setExpirationTime(`${lifetime}s`)
        .sign(privateKey);
    return { clientId, assertion, keysAt };
  }

  const assertionParams = (clientAssertion: string) => ({
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: clientAssertion,
  });

  it.each(['jwks', 'jwks_uri'] as const)(
    'redeems a code with a signed assertion (%s), and refuses its replay',
    async (where) => {
      const { as } = await server();
      const { clientId, assertion, keysAt } = await keyClient(where);
      const { code, verifier } = await authorize(as, {
        client_id: clientId,
        redirect_uri: REDIRECT,
        scope: 'read',
      });
      const signed = await assertion();
      const params = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      };
      const res = await token(as, { ...params, ...assertionParams(signed) });
      expect(res.status, res.text).toBe(200);
      expect((await verify(as, res.body.access_token)).payload.client_id).toBe(clientId);
      const replay = await token(as, { ...params, ...assertionParams(signed) });
      expect([replay.status, replay.body.error_description]).toEqual([
        401,
        expect.stringMatching(/already used/),
      ]);
      if (where === 'jwks_uri') expect(host.requests.filter((p) => p === keysAt)).toHaveLength(1);
    },
  );

  it('refuses such a client without an assertion, or with client_id alone', async () => {
    const { as } = await server();
    const { clientId } = await keyClient('jwks');
    const res = await token(as, { grant_type: 'refresh_token', refresh_token: 'x', client_id: clientId });
    expect([res.status, res.body.error]).toEqual([401, 'invalid_client']);
    expect(res.body.error_description).toMatch(/private_key_jwt/);
  });

  it.each<[string, Record<string, unknown>, number, RegExp]>([
    ['another audience', { aud: 'https://elsewhere.example.com' }, 60, /not addressed to this server/],
    ['a lifetime over five minutes', {}, 3600, /longer than 300 seconds/],
  ])('refuses an assertion with %s', async (_, claims, lifetime, reason) => {
    const { as } = await server();
    const { clientId, assertion } = await keyClient('jwks');
    const res = await token(as, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      ...assertionParams(await assertion(claims, lifetime)),
    });
    expect([res.status, res.body.error], res.text).toEqual([401, 'invalid_client']);
    expect(res.body.error_description).toMatch(reason);
    expect(clientId).toMatch(/^https:/);
  });

  it('refuses an assertion signed by another key', async () => {
    const { as } = await server();
    const { clientId } = await keyClient('jwks');
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ jti: 'j' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(ISSUER)
      .setExpirationTime('60s')
      .sign(privateKey);
    const res = await token(as, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      ...assertionParams(forged),
    });
    expect([res.status, res.body.error]).toEqual([401, 'invalid_client']);
  });

  it('refuses an assertion from a client that does not declare private_key_jwt', async () => {
    const { as } = await server();
    const { assertion } = await keyClient('jwks');
    const publicOne = publish();
    const signed = await assertion({}, 60, publicOne);
    const res = await token(as, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      ...assertionParams(signed),
    });
    expect([res.status, res.body.error]).toEqual([401, 'invalid_client']);
  });
});
