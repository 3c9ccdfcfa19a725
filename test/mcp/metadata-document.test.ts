// The v2 SDK client (@modelcontextprotocol/client) identified by a Client ID Metadata Document
// (draft-ietf-oauth-client-id-metadata-document; MCP 2026-07-28 client-registration.mdx, the registration the spec
// prefers), against audguard's authorization server with no client configured and the example MCP server, over real
// HTTP on loopback. The document lives on an https host of its own (a loopback host with a test CA, which the
// authorization server is told to trust), which counts what it served.
import { IssuerMismatchError, UnauthorizedError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DocumentHost,
  startDocumentHost,
  TEST_CA,
} from '../../packages/authorization-server/test/document-host.js';
import {
  approve,
  authorized,
  claimsOf,
  connectTo,
  type Exchange,
  MetadataDocumentClient,
} from './oauth-client.js';
import { type SelfServiceStack, startSelfServiceStack } from './self-service-stack.js';

const DOCUMENT_PATH = '/mcp/client-metadata.json';
// Where the MCP host listens for the browser's return (the browser of these tests never goes there: approve() reads
// the redirect the authorization server answers with).
const REDIRECT_URI = 'http://127.0.0.1:33418/oauth/callback';

describe('MCP over HTTP, a client identified by its Client ID Metadata Document', () => {
  let host: DocumentHost;
  let stack: SelfServiceStack;
  let clientId: string;
  const served = () => host.requests.filter((path) => path === DOCUMENT_PATH).length;

  beforeAll(async () => {
    host = await startDocumentHost();
    clientId = host.url(DOCUMENT_PATH);
    host.serve(DOCUMENT_PATH, {
      headers: { 'cache-control': 'public, max-age=3600' },
      body: {
        client_id: clientId,
        client_name: 'audguard e2e (metadata document)',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
    });
    // allowLoopback and the test CA: the document host is https on 127.0.0.1 (tests and local development only).
    stack = await startSelfServiceStack({ clientIdMetadataDocuments: { allowLoopback: true, ca: TEST_CA } });
  });
  afterAll(async () => {
    await stack?.close();
    await host?.close();
  });

  it('advertises client_id_metadata_document_supported and no registration endpoint', async () => {
    const response = await fetch(`${stack.issuer}/.well-known/oauth-authorization-server`);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata.client_id_metadata_document_supported).toBe(true);
    expect(metadata.registration_endpoint).toBeUndefined();
  });

  it('discovery → authorization with resource → token → tool call; the document fetched once across two authorizations', async () => {
    const sessions: { provider: MetadataDocumentClient; log: Exchange[] }[] = [];
    for (const _ of [1, 2]) {
      // Two sessions of the same app (a second window, or the first one after its tokens were dropped): each has
      // nothing stored, so each runs the whole flow with the URL as its client_id.
      const provider = new MetadataDocumentClient(clientId, REDIRECT_URI);
      const { client, log } = await authorized(stack.resource, provider);

      // The SDK chose the document URL as client_id (it saves it as the client information) and registered nothing.
      expect(provider.clientInformation()?.client_id).toBe(clientId);
      expect(log.some((e) => new URL(e.url).pathname === '/register')).toBe(false);
      const urls = log.map((e) => `${e.method} ${e.url} ${e.status}`);
      expect(urls).toContain(`GET ${stack.issuer}/.well-known/oauth-authorization-server 200`);

      const authorization = provider.lastAuthorization();
      expect(authorization.origin + authorization.pathname).toBe(`${stack.issuer}/authorize`);
      expect(authorization.searchParams.get('client_id')).toBe(clientId);
      expect(authorization.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
      expect(authorization.searchParams.get('resource')).toBe(stack.resource);
      expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');

      // A public client: the token request carries its client_id and no secret, and names the same resource.
      const token = log.find((e) => e.url === `${stack.issuer}/token`);
      expect(token?.status).toBe(200);
      expect(token?.form?.get('client_id')).toBe(clientId);
      expect(token?.form?.has('client_secret')).toBe(false);
      expect(token?.form?.get('resource')).toBe(stack.resource);
      const claims = claimsOf(provider.tokens()?.access_token);
      expect([claims.aud, claims.sub, claims.client_id]).toEqual([stack.resource, 'alice', clientId]);

      const result = await client.callTool({ name: 'read', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(result.content).toEqual([{ type: 'text', text: '0 note(s) for alice: []' }]);
      await client.close();
      sessions.push({ provider, log });
    }

    // Two authorizations — each looked the client up at /authorize and at /token — and one GET of the document:
    // the rest came from the cache (max-age=3600, within the server's bounds).
    expect(stack.count('GET', '/authorize')).toBe(2);
    expect(stack.count('POST', '/token')).toBe(2);
    expect(served()).toBe(1);
    expect(sessions[0]?.provider.tokens()?.access_token).not.toBe(
      sessions[1]?.provider.tokens()?.access_token,
    );
  });

  it('steps up to write after a 403 (a document declaring no scope may ask for any scope of the policy)', async () => {
    const provider = new MetadataDocumentClient(clientId, REDIRECT_URI);
    const { client, transport } = await authorized(stack.resource, provider);
    await expect(client.callTool({ name: 'write', arguments: { text: 'hi' } })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(provider.authorizations).toHaveLength(2);
    const stepUp = provider.lastAuthorization();
    expect(stepUp.searchParams.get('client_id')).toBe(clientId);
    expect(stepUp.searchParams.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining(['mcp:read', 'mcp:write']),
    );
    await transport.finishAuth(await approve(stepUp));
    const written = await client.callTool({ name: 'write', arguments: { text: 'hi' } });
    expect(written.content).toEqual([
      { type: 'text', text: expect.stringMatching(/^Saved note \d+ by alice\.$/) },
    ]);
    await client.close();
    expect(served()).toBe(1); // still within the document's cache lifetime
  });

  it('stops before any token request when the authorization response carries a wrong iss (RFC 9207)', async () => {
    const provider = new MetadataDocumentClient(clientId, REDIRECT_URI);
    const { transport, connect } = connectTo(stack.resource, provider);
    await expect(connect()).rejects.toBeInstanceOf(UnauthorizedError);
    const callback = await approve(provider.lastAuthorization(), (c) =>
      c.set('iss', 'https://evil.example.com'),
    );
    expect(callback.get('code')).toBeTruthy();
    const before = stack.count('POST', '/token');
    await expect(transport.finishAuth(callback)).rejects.toBeInstanceOf(IssuerMismatchError);
    expect(stack.count('POST', '/token') - before).toBe(0);
    expect(provider.tokens()).toBeUndefined();
  });
});
