/**
 * Hostile Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document §4, §5, §8.6, §8.7). Each one
 * is refused with the 400 page — the client and its redirect URI cannot be trusted, so nothing is sent to them — and
 * nothing is cached. The address cases prove the server sent nothing at all: the document host, on loopback,
 * counts its TCP connections, and a host name that resolves to loopback (`localhost`) or an address literal gets
 * none while `allowLoopback` is off.
 */
import type { AuthorizationServerConfig } from '@audguard/authorization-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DocumentHost,
  publicClientDocument,
  startDocumentHost,
  TEST_CA,
} from '../../packages/authorization-server/test/document-host.js';
import {
  authorizeParams,
  authorizeRequest,
  expectErrorPage,
  pkce,
  type Reply,
  send,
  setup,
} from './as-helpers.js';

const REDIRECT = 'http://127.0.0.1:7777/callback';
const TRUSTING = { allowLoopback: true, ca: TEST_CA } as const;

let host: DocumentHost;
beforeAll(async () => {
  host = await startDocumentHost();
});
afterAll(() => host.close());

let n = 0;
function at(): { path: string; clientId: string } {
  const path = `/hostile/${++n}.json`;
  return { path, clientId: host.url(path) };
}

/**
 * GET /authorize for `clientId` on a fresh server. Afterwards the store holds nothing — or, when the document was
 * valid (`valid`), that document's cache entry alone.
 */
async function authorizeWith(
  clientId: string,
  options: AuthorizationServerConfig['clientIdMetadataDocuments'] = TRUSTING,
  params: Record<string, string> = {},
  valid: boolean | 'approved' = false,
): Promise<Reply> {
  const { as, store } = await setup({ clientIdMetadataDocuments: options });
  const { challenge } = pkce();
  const reply = await send(
    as,
    authorizeRequest(
      authorizeParams(challenge, {
        client_id: clientId,
        redirect_uri: REDIRECT,
        scope: 'read',
        resource: 'urn:invoices',
        ...params,
      }),
    ),
  );
  // An approved request also stores its grant and code.
  if (valid !== 'approved') expect(store.size, 'nothing stored but a valid document').toBe(valid ? 1 : 0);
  return reply;
}

function expectUntrusted(reply: Reply, reason: RegExp): void {
  expectErrorPage(reply);
  expect(reply.text).toContain('cannot be trusted');
  expect(reply.text).toMatch(reason);
  expect(reply.text).not.toContain(REDIRECT);
}

describe('hostile metadata documents are refused with the 400 page, never a redirect', () => {
  it('a redirect: not followed', async () => {
    const target = at();
    host.serve(target.path, { body: publicClientDocument(target.clientId, [REDIRECT]) });
    const { path, clientId } = at();
    host.serve(path, { status: 302, headers: { location: target.clientId }, body: '' });
    expectUntrusted(await authorizeWith(clientId), /HTTP 302, not 200 \(redirects are not followed\)/);
    expect(host.requests).not.toContain(target.path);
  });

  it.each([301, 303, 307, 308])('a %i redirect: not followed either', async (status) => {
    const { path, clientId } = at();
    host.serve(path, { status, headers: { location: host.url('/elsewhere') } });
    expectUntrusted(await authorizeWith(clientId), new RegExp(`HTTP ${status}, not 200`));
  });

  it.each([204, 404, 500])('an answer other than 200 (%i)', async (status) => {
    const { path, clientId } = at();
    host.serve(path, {
      status,
      ...(status === 204 ? {} : { body: publicClientDocument(clientId, [REDIRECT]) }),
    });
    expectUntrusted(await authorizeWith(clientId), new RegExp(`HTTP ${status}, not 200`));
  });

  it.each([false, true])('a document over 5 KB (chunked: %s)', async (chunked) => {
    const { path, clientId } = at();
    const padding = 'x'.repeat(5200);
    host.serve(path, { chunked, body: publicClientDocument(clientId, [REDIRECT], { client_uri: padding }) });
    expectUntrusted(await authorizeWith(clientId), /larger than 5120 bytes/);
  });

  it('a document that never comes: the deadline', async () => {
    const { path, clientId } = at();
    host.serve(path, { hang: true });
    const started = Date.now();
    expectUntrusted(
      await authorizeWith(clientId, { ...TRUSTING, timeoutMs: 300 }),
      /did not answer within 300 ms/,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it.each([
    ['another URL', (id: string) => `${id}x`],
    ['the URL with a trailing slash', (id: string) => `${id}/`],
    ['the URL in upper case', (id: string) => id.toUpperCase()],
    ['no client_id', () => undefined],
  ])('a mismatched client_id: %s', async (_, mismatch) => {
    const { path, clientId } = at();
    host.serve(path, {
      body: { ...publicClientDocument(clientId, [REDIRECT]), client_id: mismatch(clientId) },
    });
    expectUntrusted(await authorizeWith(clientId), /its client_id is not the URL it was fetched from/);
  });

  it.each([
    ['a trailing slash', `${REDIRECT}/`],
    ['another port', 'http://127.0.0.1:7778/callback'],
    ['another host', 'https://attacker.example/callback'],
    ['a query added', `${REDIRECT}?x=1`],
  ])('a redirect_uri the document does not list (%s): exact match only', async (_, redirectUri) => {
    const { path, clientId } = at();
    host.serve(path, { body: publicClientDocument(clientId, [REDIRECT]) });
    const reply = await authorizeWith(clientId, TRUSTING, { redirect_uri: redirectUri }, true);
    expectErrorPage(reply);
    expect(reply.text).toContain('The redirect_uri is not registered for this client.');
  });

  it.each(['client_secret_basic', 'client_secret_post', 'client_secret_jwt'])(
    'a shared-secret method: %s',
    async (method) => {
      const { path, clientId } = at();
      host.serve(path, {
        body: publicClientDocument(clientId, [REDIRECT], { token_endpoint_auth_method: method }),
      });
      expectUntrusted(await authorizeWith(clientId), /rests on a shared secret/);
    },
  );

  it('a document that leaves token_endpoint_auth_method out (RFC 7591: client_secret_basic)', async () => {
    const { path, clientId } = at();
    const { token_endpoint_auth_method: _, ...document } = publicClientDocument(clientId, [REDIRECT]);
    host.serve(path, { body: document });
    expectUntrusted(await authorizeWith(clientId), /declare token_endpoint_auth_method none/);
  });

  it('a document carrying a client_secret', async () => {
    const { path, clientId } = at();
    host.serve(path, { body: publicClientDocument(clientId, [REDIRECT], { client_secret: 's3cret' }) });
    expectUntrusted(await authorizeWith(clientId), /must not hold client_secret/);
  });

  it('private_key_jwt with a private key in jwks', async () => {
    const { path, clientId } = at();
    const jwk = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'private' };
    host.serve(path, {
      body: publicClientDocument(clientId, [REDIRECT], {
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [jwk] },
      }),
    });
    expectUntrusted(await authorizeWith(clientId), /private or symmetric key material/);
  });

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,hi'],
    ['http on a public host', 'http://attacker.example/callback'],
  ])('a document listing a %s redirect URI', async (_, uri) => {
    const { path, clientId } = at();
    host.serve(path, { body: publicClientDocument(clientId, [uri]) });
    expectUntrusted(await authorizeWith(clientId, TRUSTING, { redirect_uri: uri }), /Invalid redirect URI/);
  });

  it.each(['[]', 'null', '"text"', '{"client_id":', '\u00ff'])(
    'a body that is not a JSON object: %s',
    async (body) => {
      const { path, clientId } = at();
      host.serve(path, { body });
      expectUntrusted(await authorizeWith(clientId), /not a JSON object/);
    },
  );
});

describe('the address rules: no connection to a loopback, private or special-use address unless allowLoopback', () => {
  it('a host name that resolves to loopback (localhost), allowLoopback off: not one connection', async () => {
    const { path, clientId } = at();
    host.serve(path, { body: publicClientDocument(clientId, [REDIRECT]) });
    const before = host.connections;
    expectUntrusted(
      await authorizeWith(clientId, { ca: TEST_CA }),
      /private, loopback or special-use address, which this server does not contact/,
    );
    expect(host.connections).toBe(before);
    expect(host.requests).not.toContain(path);
    // The same document, with allowLoopback: fetched (so the refusal above was the address rule).
    expect((await authorizeWith(clientId, TRUSTING, {}, 'approved')).status).toBe(302);
    expect(host.connections).toBe(before + 1);
  });

  it.each(['127.0.0.1', '[::1]', '[::ffff:7f00:1]'])(
    'an address literal (%s): not one connection',
    async (literal) => {
      const port = new URL(host.origin).port;
      const clientId = `https://${literal}:${port}/hostile/literal.json`;
      const before = host.connections;
      expectUntrusted(await authorizeWith(clientId, { ca: TEST_CA }), /does not contact/);
      expect(host.connections).toBe(before);
    },
  );

  it.each([
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '[fd00::1]',
    '[fe80::1]',
    '[64:ff9b::a00:1]',
  ])(
    'a private or special-use literal (%s) is refused before any fetch, even with allowLoopback',
    async (literal) => {
      const calls: string[] = [];
      const recording: typeof fetch = async (input) => {
        calls.push(String(input));
        return new Response(null, { status: 500 });
      };
      const reply = await authorizeWith(`https://${literal}/client.json`, {
        allowLoopback: true,
        fetch: recording,
      });
      expectUntrusted(reply, /does not contact/);
      expect(calls).toEqual([]);
    },
  );

  it.each([
    [
      'http:',
      () => `http://localhost:${new URL(host.origin).port}/client.json`,
      /is not an https URL|unknown/,
    ],
    ['no path', () => `${host.origin}/`, /has no path/],
    ['a fragment', () => `${host.url('/x.json')}#f`, /has a fragment/],
    ['a user name', () => host.url('/x.json').replace('https://', 'https://user@'), /carries a user name/],
    ['a dot segment', () => `${host.origin}/a/../x.json`, /\. or \.\. segment/],
    ['an encoded dot segment', () => `${host.origin}/a/%2e%2e/x.json`, /\. or \.\. segment/],
    ['an upper-case host', () => host.url('/x.json').replace('localhost', 'LOCALHOST'), /not in normal form/],
    ['the default port', () => 'https://localhost:443/x.json', /not in normal form/],
  ])('a client_id URL with %s: refused without a fetch', async (_, clientId, reason) => {
    const before = host.connections;
    const reply = await authorizeWith(clientId());
    expectErrorPage(reply);
    expect(reply.text).toMatch(reason);
    expect(host.connections).toBe(before);
  });
});
