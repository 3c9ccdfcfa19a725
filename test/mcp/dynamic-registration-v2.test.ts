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

  // KNOWN GAP, pinned as it is today so that a change shows (then turn this into the step-up proof mcp.test.ts has
  // for pre-registered clients). Both SDKs register with `scope` set to the first challenge's scope (v2
  // determineScope, v1 authInternal: "the resolved scope is used consistently for both DCR and the authorization
  // request", SEP-835), here `mcp:read offline_access`; audguard's AS treats a registered `scope` as a cap (README:
  // "A client that declares a scope may ask for no more"). So the fresh authorization the SDK starts after a 403 for
  // write is answered error=invalid_scope: a dynamically registered SDK client can never use write.
  it('cannot step up after a 403 for write: the registered scope caps it (known gap)', async () => {
    const provider = new InMemoryClient(REDIRECT_URI, undefined);
    const { client } = await authorized(stack.resource, provider);
    const registered = stack.requests.filter((r) => r.path === '/register').at(-1);
    expect(registered?.json?.scope).toBe('mcp:read offline_access');

    await expect(client.callTool({ name: 'write', arguments: { text: 'hi' } })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const stepUp = provider.lastAuthorization();
    expect(provider.authorizations).toHaveLength(2);
    expect(stepUp.searchParams.get('scope')?.split(' ').sort()).toEqual([
      'mcp:read',
      'mcp:write',
      'offline_access',
    ]);
    const callback = await approve(stepUp);
    expect([callback.get('error'), callback.get('code')]).toEqual(['invalid_scope', null]);
    expect(callback.get('iss')).toBe(stack.issuer);
    await client.close();
  });
});
