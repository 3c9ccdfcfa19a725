// The v1 MCP SDK (@modelcontextprotocol/sdk 1.x, MCP 2025-11-25) through RFC 7591 dynamic client registration
// against audguard's authorization server (clientRegistration on, no client configured) and the example MCP server,
// over real HTTP on loopback. The provider is the SDK's own example one (examples/client/simpleOAuthClientProvider.js)
// and the first client metadata is its example client's, verbatim but for the port (examples/client/simpleOAuthClient.js:
// client_secret_post, a http://localhost redirect URI). What v1 sends is read from dist/esm/client/auth.js:
// authInternal registers when it has no client information and the server advertises no metadata documents (or the
// provider has no clientMetadataUrl), with `clientMetadata` as given plus `scope` (the challenge's, SEP-835) — no
// application_type, which this version never adds. So an authorization server must assume `native` for it, as a
// user configures with `defaultApplicationType: 'native'` (MCP 2026-07-28 makes clients send application_type;
// 2025-era ones do not).

import { type OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryOAuthClientProvider } from '@modelcontextprotocol/sdk/examples/client/simpleOAuthClientProvider.js';
import { ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthClientMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approve, claimsOf, type Exchange, recordingFetch } from './oauth-client.js';
import { type SelfServiceStack, startSelfServiceStack } from './self-service-stack.js';

const CALLBACK_URL = 'http://localhost:8090/callback';

/** What simpleOAuthClient.js registers (its `clientMetadata`): a confidential client posting its secret. */
const EXAMPLE_CLIENT: OAuthClientMetadata = {
  client_name: 'Simple OAuth MCP Client',
  redirect_uris: [CALLBACK_URL],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
};
/** A host with nowhere to keep a secret registers as a public client. */
const PUBLIC_CLIENT: OAuthClientMetadata = {
  ...EXAMPLE_CLIENT,
  client_name: 'Public MCP host',
  token_endpoint_auth_method: 'none',
};

/** A v1 client whose transport records every request it makes; `redirected` holds the authorization URLs. */
function v1Client(url: string, metadata: OAuthClientMetadata) {
  const redirected: URL[] = [];
  // The cast: the example class declares `clientMetadataUrl: string | undefined`, which exactOptionalPropertyTypes
  // does not let stand for the interface's optional `clientMetadataUrl?: string` (a typing wart, not a behaviour).
  const provider = new InMemoryOAuthClientProvider(CALLBACK_URL, metadata, (u) => redirected.push(u));
  const authProvider = provider as OAuthClientProvider;
  const log: Exchange[] = [];
  /** A fresh client and transport, the way a host wires them; `connect()` rejects while authorization is pending. */
  const open = () => {
    const transport = new StreamableHTTPClientTransport(new URL(url), {
      authProvider,
      fetch: recordingFetch(log),
    });
    const client = new Client({ name: 'audguard-e2e-v1', version: '1.0.0' });
    return { client, transport, connect: () => client.connect(transport) };
  };
  return { provider, redirected, log, open };
}

describe.each([
  ['the SDK example client (client_secret_post)', EXAMPLE_CLIENT],
  ['a public client (none)', PUBLIC_CLIENT],
])('MCP over HTTP, the v1 SDK registering dynamically as %s', (_, metadata) => {
  let stack: SelfServiceStack;
  beforeAll(async () => {
    stack = await startSelfServiceStack({ clientRegistration: { defaultApplicationType: 'native' } });
  });
  afterAll(() => stack?.close());

  it('register → authorization with resource → token → tool call', async () => {
    const { provider, redirected, log, open } = v1Client(stack.resource, metadata);
    const first = open();
    await expect(first.connect()).rejects.toBeInstanceOf(UnauthorizedError);

    // One registration, of the metadata as the host gave it plus the challenged scope; 201 with a client_id.
    expect(stack.count('POST', '/register')).toBe(1);
    const registration = stack.requests.find((r) => r.path === '/register');
    expect(registration?.status).toBe(201);
    expect(registration?.json).toEqual({ ...metadata, scope: 'mcp:read' });
    const registered = provider.clientInformation();
    expect(registered?.client_id).toMatch(/^[\w-]{16,}$/);
    if (metadata.token_endpoint_auth_method === 'none') expect(registered?.client_secret).toBeUndefined();
    else expect(registered?.client_secret).toEqual(expect.any(String));

    // The browser went to /authorize as the registered client, with the resource.
    expect(redirected).toHaveLength(1);
    const authorization = redirected[0] as URL;
    expect(authorization.origin + authorization.pathname).toBe(`${stack.issuer}/authorize`);
    expect(authorization.searchParams.get('client_id')).toBe(registered?.client_id);
    expect(authorization.searchParams.get('redirect_uri')).toBe(CALLBACK_URL);
    expect(authorization.searchParams.get('resource')).toBe(stack.resource);
    expect(authorization.searchParams.get('scope')).toBe('mcp:read');
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');

    const callback = await approve(authorization);
    await first.transport.finishAuth(callback.get('code') as string);

    // The token request: the registered client, authenticated as it registered, for the same resource.
    const token = log.find((e) => e.url === `${stack.issuer}/token`);
    expect(token?.status).toBe(200);
    expect(token?.form?.get('client_id')).toBe(registered?.client_id);
    expect(token?.form?.get('client_secret') ?? undefined).toBe(registered?.client_secret);
    expect(token?.form?.get('resource')).toBe(stack.resource);
    const tokens = provider.tokens();
    expect(tokens?.scope).toBe('mcp:read');
    const claims = claimsOf(tokens?.access_token);
    expect([claims.aud, claims.sub, claims.client_id]).toEqual([
      stack.resource,
      'alice',
      registered?.client_id,
    ]);

    const { client, connect } = open();
    await connect();
    const result = await client.callTool({ name: 'read', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: 'text', text: '0 note(s) for alice: []' }]);
    await client.close();

    // Nothing registered again: the client kept its registration.
    expect(stack.count('POST', '/register')).toBe(1);
  });
});

describe('MCP over HTTP, the v1 SDK against an authorization server left at defaultApplicationType web', () => {
  let stack: SelfServiceStack;
  beforeAll(async () => {
    stack = await startSelfServiceStack({ clientRegistration: true });
  });
  afterAll(() => stack?.close());

  // What the user sees: the server's description. v1 knows no RFC 7591 error codes (parseErrorResponse in
  // dist/esm/client/auth.js maps codes missing from OAUTH_ERRORS to ServerError), so invalid_redirect_uri reaches
  // the host as a ServerError carrying our error_description.
  it('is refused at registration with invalid_redirect_uri saying why, and never reaches /authorize', async () => {
    const { redirected, open } = v1Client(stack.resource, EXAMPLE_CLIENT);
    const refused = await open()
      .connect()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(stack.requests.filter((r) => r.path === '/register').map((r) => r.status)).toEqual([400]);
    expect(refused).toBeInstanceOf(ServerError);
    expect((refused as ServerError).message).toBe(
      'Invalid redirect URI: a web client must use https redirect URIs; a loopback http redirect URI needs application_type native (RFC 8252).',
    );
    expect(redirected).toEqual([]);
    expect(stack.count('GET', '/authorize')).toBe(0);
  });
});
