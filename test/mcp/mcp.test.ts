// The official MCP TypeScript SDK v2 client (@modelcontextprotocol/client) against audguard's authorization server
// and the example MCP server (examples/mcp-server), over real HTTP on loopback. Nothing of the SDK is mocked.
import {
  IssuerMismatchError,
  OAuthError,
  type StoredOAuthTokens,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gate } from '../../examples/mcp-server/src/app.js';
import {
  CLIENT_ID,
  DEFAULT_REDIRECT_URIS,
  type McpStack,
  startMcpStack,
} from '../../examples/mcp-server/src/stack.js';
import {
  approve,
  authorized as authorizedAt,
  connectTo,
  type Exchange,
  PreRegisteredClient,
  recordingFetch,
} from './oauth-client.js';

const REDIRECT_URI = DEFAULT_REDIRECT_URIS[2] as string;

describe.each<Gate>(['audguard', 'sdk'])('MCP over HTTP, %s gate', (gate) => {
  let stack: McpStack;
  let resource: string;
  let otherResource: string;
  const asRequests: string[] = [];
  const tokenRequests = () => asRequests.filter((r) => r === 'POST /token').length;

  beforeAll(async () => {
    stack = await startMcpStack({
      ports: { as: 0, mcp: 0 },
      mcpServers: 2,
      gate,
      onAuthorizationServerRequest: (request) =>
        asRequests.push(`${request.method} ${new URL(request.url).pathname}`),
    });
    [resource, otherResource] = stack.resources as [string, string];
  });
  afterAll(() => stack.close());

  const authorized = (
    url: string,
    provider = new PreRegisteredClient(CLIENT_ID, stack.issuer, REDIRECT_URI),
  ) => authorizedAt(url, provider);

  it('discovery → authorization with resource → token → tool call, with a pre-registered client', async () => {
    const provider = new PreRegisteredClient(CLIENT_ID, stack.issuer, REDIRECT_URI);
    const { client, log } = await authorized(resource, provider);

    // The 401 told the client where the metadata is and which scope to ask for.
    const challenge = log.find((e) => e.status === 401)?.challenge;
    expect(challenge).toContain('scope="mcp:read"');
    expect(challenge).toContain(
      `resource_metadata="${new URL(resource).origin}/.well-known/oauth-protected-resource/mcp"`,
    );
    // It read the RFC 9728 document at that URL, then the authorization server's metadata.
    const urls = log.map((e) => `${e.method} ${e.url} ${e.status}`);
    expect(urls).toContain(`GET ${new URL(resource).origin}/.well-known/oauth-protected-resource/mcp 200`);
    expect(urls).toContain(`GET ${stack.issuer}/.well-known/oauth-authorization-server 200`);

    // The browser went to /authorize with the resource, the challenged scope and PKCE S256.
    const authorization = provider.lastAuthorization();
    expect(authorization.origin + authorization.pathname).toBe(`${stack.issuer}/authorize`);
    expect(authorization.searchParams.get('resource')).toBe(resource);
    expect(authorization.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorization.searchParams.get('scope')?.split(' ')).toContain('mcp:read');
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('state')).toBeTruthy(); // echoed back: approve() checks it

    // The token request named the same resource; the token is for this MCP server alone.
    const token = log.find((e) => e.url === `${stack.issuer}/token`);
    expect(token?.form?.get('grant_type')).toBe('authorization_code');
    expect(token?.form?.get('resource')).toBe(resource);
    expect(token?.status).toBe(200);
    const access = provider.tokens()?.access_token as string;
    const claims = JSON.parse(Buffer.from(access.split('.')[1] as string, 'base64url').toString()) as {
      aud: unknown;
      sub: string;
    };
    expect([claims.aud, claims.sub]).toEqual([resource, 'alice']);

    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name).sort()).toEqual(['read', 'write']);
    const result = await client.callTool({ name: 'read', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: '0 note(s) for alice: []' }]);
    await client.close();
  });

  it('serves the RFC 9728 document at the path-inserted and the root well-known URL', async () => {
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const response = await fetch(new URL(path, resource));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ resource, authorization_servers: [stack.issuer] });
    }
  });

  it('answers no token and a malformed header as its gate does (see packages/mcp/README.md)', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(resource, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    const metadata = `resource_metadata="${new URL(resource).origin}/.well-known/oauth-protected-resource/mcp"`;
    const none = await post({});
    expect(none.status).toBe(401);
    const challenge = none.headers.get('www-authenticate');
    expect(challenge).toContain(metadata);
    expect(challenge).toContain('scope="mcp:read"');
    if (gate === 'audguard') expect(challenge).not.toContain('error=');
    else expect(challenge).toContain('error="invalid_token"');
    const malformed = await post({ authorization: 'Bearer a b' });
    expect(malformed.status).toBe(gate === 'audguard' ? 400 : 401);
  });

  it('lets a browser-based client on another origin read the challenge, the metadata and the token endpoint', async () => {
    const origin = 'http://localhost:6274'; // the MCP Inspector's page
    const challenged = await fetch(resource, { method: 'POST', headers: { origin } });
    expect(challenged.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    expect(challenged.headers.get('access-control-allow-origin')).toBe('*');
    const metadata = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', resource), {
      headers: { origin },
    });
    expect(metadata.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(`${stack.issuer}/token`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('stops before any token request when the authorization response carries a wrong iss', async () => {
    for (const rewrite of [
      (callback: URLSearchParams) => callback.set('iss', 'https://evil.example.com'),
      (callback: URLSearchParams) => callback.delete('iss'), // the AS advertises iss: its absence is refused too
    ]) {
      const provider = new PreRegisteredClient(CLIENT_ID, stack.issuer, REDIRECT_URI);
      const { transport, connect } = connectTo(resource, provider);
      await expect(connect()).rejects.toBeInstanceOf(UnauthorizedError);
      const callback = await approve(provider.lastAuthorization(), rewrite);
      expect(callback.get('code')).toBeTruthy();
      const before = tokenRequests();
      await expect(transport.finishAuth(callback)).rejects.toBeInstanceOf(IssuerMismatchError);
      expect(tokenRequests() - before).toBe(0);
      expect(provider.tokens()).toBeUndefined();
    }
  });

  it('re-authorizes with the union of scopes after a 403 for write, then succeeds', async () => {
    const { client, transport, provider, log } = await authorized(resource);
    expect(provider.tokens()?.scope?.split(' ')).toEqual(['mcp:read']);

    await expect(client.callTool({ name: 'write', arguments: { text: 'hello' } })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const forbidden = log.filter((e) => e.status === 403);
    expect(forbidden).toHaveLength(1);
    expect(forbidden[0]?.challenge).toContain('error="insufficient_scope"');
    expect(forbidden[0]?.challenge).toContain('scope="mcp:write"');
    expect(forbidden[0]?.challenge).toContain(
      `resource_metadata="${new URL(resource).origin}/.well-known/oauth-protected-resource/mcp"`,
    );

    // A fresh authorization request (not a refresh, which cannot widen scope) for what it had and what it lacks.
    expect(provider.authorizations).toHaveLength(2);
    const stepUp = provider.lastAuthorization();
    expect(stepUp.searchParams.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining(['mcp:read', 'mcp:write']),
    );
    expect(stepUp.searchParams.get('resource')).toBe(resource);
    await transport.finishAuth(await approve(stepUp));
    expect(provider.tokens()?.scope?.split(' ').sort()).toEqual(['mcp:read', 'mcp:write']);

    const written = await client.callTool({ name: 'write', arguments: { text: 'hello' } });
    expect(written.content).toEqual([
      { type: 'text', text: expect.stringMatching(/^Saved note \d+ by alice\.$/) },
    ]);
    const read = await client.callTool({ name: 'read', arguments: {} });
    expect((read.content as { text: string }[])[0]?.text).toContain('"text":"hello"');
    await client.close();
  });

  it('passes write with a token holding only the broader mcp:admin', async () => {
    const provider = new PreRegisteredClient(CLIENT_ID, stack.issuer, REDIRECT_URI);
    const log: Exchange[] = [];
    // The host asks for mcp:admin up front (the SDK's auth() with an explicit scope).
    const { auth } = await import('@modelcontextprotocol/client');
    const fetchFn = recordingFetch(log);
    expect(await auth(provider, { serverUrl: resource, scope: 'mcp:admin', fetchFn })).toBe('REDIRECT');
    const callback = await approve(provider.lastAuthorization());
    expect(
      await auth(provider, {
        serverUrl: resource,
        authorizationCode: callback.get('code') as string,
        iss: callback.get('iss') as string,
        fetchFn,
      }),
    ).toBe('AUTHORIZED');
    expect(provider.tokens()?.scope).toBe('mcp:admin');

    const { client, connect } = connectTo(resource, provider, log);
    await connect();
    const written = await client.callTool({ name: 'write', arguments: { text: 'by admin' } });
    expect(written.isError).toBeFalsy();
    expect(written.content).toEqual([
      { type: 'text', text: expect.stringMatching(/^Saved note \d+ by alice\.$/) },
    ]);
    expect(log.filter((e) => e.status === 403)).toEqual([]);
    expect(provider.authorizations).toHaveLength(1);
    await client.close();
  });

  it('answers 401 with resource_metadata to a token minted for another MCP server of the same AS', async () => {
    // A genuine token for the other MCP server (same authorization server, same scopes): it works there.
    const other = await authorized(otherResource);
    const foreign = other.provider.tokens();
    const there = await other.client.callTool({ name: 'read', arguments: {} });
    expect((there.content as { text: string }[])[0]?.text).toMatch(/for alice/);
    await other.client.close();

    const response = await fetch(resource, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${foreign?.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate');
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain(
      `resource_metadata="${new URL(resource).origin}/.well-known/oauth-protected-resource/mcp"`,
    );

    // The SDK holding that token (without its refresh token) is sent to authorize again, for this server.
    const { refresh_token: refresh, ...accessOnly } = foreign as StoredOAuthTokens;
    const provider = new PreRegisteredClient(CLIENT_ID, stack.issuer, REDIRECT_URI, accessOnly);
    await expect(connectTo(resource, provider).connect()).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.lastAuthorization().searchParams.get('resource')).toBe(resource);

    // With the refresh token, the SDK first tries a refresh for this server; the authorization server refuses: the
    // grant was for the other one (RFC 8707, refresh tokens bound to their resources). The SDK surfaces that.
    expect(refresh).toBeTruthy();
    const refreshing = new PreRegisteredClient(CLIENT_ID, stack.issuer, REDIRECT_URI, foreign);
    const log: Exchange[] = [];
    const refused = await connectTo(resource, refreshing, log)
      .connect()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(OAuthError);
    expect((refused as OAuthError).code).toBe('invalid_target');
    const refreshRequest = log.find((e) => e.form?.get('grant_type') === 'refresh_token');
    expect([refreshRequest?.form?.get('resource'), refreshRequest?.status]).toEqual([resource, 400]);
    expect(refreshing.authorizations).toEqual([]);
  });
});
