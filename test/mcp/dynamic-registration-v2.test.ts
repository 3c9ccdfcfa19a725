// The v2 SDK client (@modelcontextprotocol/client) through RFC 7591 dynamic client registration (deprecated by MCP
// 2026-07-28, still what the SDK falls back to when the server advertises no metadata documents or the provider has
// no clientMetadataUrl) against audguard's authorization server at its defaults (`clientRegistration: true`).
// Unlike v1, v2 sends application_type: resolveClientMetadata (dist/public-*.mjs, SEP-837) derives `native` from a
// loopback redirect URI, so no server-side default is needed.
import { UnauthorizedError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approve, authorized, claimsOf, InMemoryClient } from './oauth-client.js';
import { type SelfServiceStack, startSelfServiceStack } from './self-service-stack.js';

const REDIRECT_URI = 'http://127.0.0.1:33418/oauth/callback';

describe('MCP over HTTP, the v2 SDK registering dynamically', () => {
  let stack: SelfServiceStack;
  beforeAll(async () => {
    stack = await startSelfServiceStack({ clientRegistration: true });
  });
  afterAll(() => stack?.close());

  it('register (application_type native, sent by the SDK) → authorization with resource → token → tool call', async () => {
    const before = stack.count('POST', '/register');
    const provider = new InMemoryClient(REDIRECT_URI, undefined);
    const { client, log } = await authorized(stack.resource, provider);

    expect(stack.count('POST', '/register') - before).toBe(1);
    const registration = stack.requests.filter((r) => r.path === '/register').at(-1);
    expect(registration?.status).toBe(201);
    expect(registration?.json).toMatchObject({
      application_type: 'native',
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'none',
    });
    const clientId = provider.clientInformation()?.client_id;
    expect(provider.lastAuthorization().searchParams.get('client_id')).toBe(clientId);
    expect(provider.lastAuthorization().searchParams.get('resource')).toBe(stack.resource);
    const token = log.find((e) => e.url === `${stack.issuer}/token`);
    expect([token?.status, token?.form?.get('resource')]).toEqual([200, stack.resource]);
    expect(claimsOf(provider.tokens()?.access_token).aud).toBe(stack.resource);

    const result = await client.callTool({ name: 'read', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: '0 note(s) for alice: []' }]);
    await client.close();
  });

  // Both SDKs register with `scope` set to the first challenge's scope (v2 determineScope, v1 authInternal: "the
  // resolved scope is used consistently for both DCR and the authorization request", SEP-835), here
  // `mcp:read offline_access`, and register only once. The AS takes a registered `scope` as what the client asks for
  // first, not as a cap (RFC 7591 §2 lets it replace the value; its answer lists every scope of the policy), so the
  // fresh authorization the SDK starts after a 403 for write gets a code.
  it('steps up to write after a 403: a registered scope is not a cap', async () => {
    const provider = new InMemoryClient(REDIRECT_URI, undefined);
    const { client, transport } = await authorized(stack.resource, provider);
    const registered = stack.requests.filter((r) => r.path === '/register').at(-1);
    expect(registered?.json?.scope).toBe('mcp:read offline_access');
    // The registration answer, as the SDK saved it: every scope of the policy.
    const information = provider.clientInformation() as { scope?: string } | undefined;
    expect(information?.scope?.split(' ').sort()).toEqual([
      'mcp:admin',
      'mcp:read',
      'mcp:write',
      'offline_access',
    ]);
    expect(provider.tokens()?.scope?.split(' ')).toEqual(['mcp:read']);

    await expect(client.callTool({ name: 'write', arguments: { text: 'hi' } })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const stepUp = provider.lastAuthorization();
    expect(provider.authorizations).toHaveLength(2);
    expect(stepUp.searchParams.get('client_id')).toBe(provider.clientInformation()?.client_id);
    expect(stepUp.searchParams.get('scope')?.split(' ').sort()).toEqual([
      'mcp:read',
      'mcp:write',
      'offline_access',
    ]);
    const callback = await approve(stepUp);
    expect([callback.get('error'), callback.get('iss')]).toEqual([null, stack.issuer]);
    await transport.finishAuth(callback);
    expect(claimsOf(provider.tokens()?.access_token).scope).toBe('mcp:read mcp:write');
    const written = await client.callTool({ name: 'write', arguments: { text: 'hi' } });
    expect(written.content).toEqual([
      { type: 'text', text: expect.stringMatching(/^Saved note \d+ by alice\.$/) },
    ]);
    await client.close();
  });
});
