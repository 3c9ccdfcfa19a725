// Compile-only: the public types fit the SDK's where the SDK takes them.
import { createVerifier } from '@audguard/core';
import type { AuthInfo, OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { requireBearerAuth } from '@modelcontextprotocol/server';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AccessToken,
  type AuthInfoExtra,
  mcpTokenVerifier,
  protectedResourceMetadataHandler,
  toAuthInfo,
} from './index.js';

declare const token: AccessToken;
const options = { issuer: 'https://as.example.com', audience: 'https://mcp.example.com/mcp' };

describe('types', () => {
  it("toAuthInfo answers the SDK's AuthInfo", () => {
    expectTypeOf(toAuthInfo(token)).toEqualTypeOf<AuthInfo>();
    expectTypeOf(toAuthInfo)
      .parameter(1)
      .toEqualTypeOf<{ resource?: string | URL; resourceMetadataUrl?: string } | undefined>();
    expectTypeOf<AuthInfoExtra['subject']>().toEqualTypeOf<string | undefined>();
  });

  it("mcpTokenVerifier is what the SDK's gate takes, from options or a verifier", () => {
    expectTypeOf(mcpTokenVerifier(options)).toEqualTypeOf<OAuthTokenVerifier>();
    expectTypeOf(requireBearerAuth).toBeCallableWith({ verifier: mcpTokenVerifier(createVerifier(options)) });
    expectTypeOf(mcpTokenVerifier).toBeCallableWith(createVerifier(options), {
      resource: 'https://x.example',
    });
    expectTypeOf(mcpTokenVerifier).toBeCallableWith({ ...options, resource: 'https://mcp.example.com/mcp' });
    // @ts-expect-error: resource is a string, the canonical URI
    mcpTokenVerifier(createVerifier(options), { resource: new URL('https://mcp.example.com/mcp') });
    // @ts-expect-error: verifier options need an issuer
    mcpTokenVerifier({ audience: 'https://mcp.example.com/mcp' });
  });

  it('protectedResourceMetadataHandler is a fetch-style handler that may pass', () => {
    const handler = protectedResourceMetadataHandler({
      resource: 'https://mcp.example.com/mcp',
      authorizationServers: ['https://as.example.com'],
      root: false,
    });
    expectTypeOf(handler).toEqualTypeOf<(request: Request) => Response | undefined>();
    // @ts-expect-error: authorizationServers is required (RFC 9728 as MCP uses it)
    protectedResourceMetadataHandler({ resource: 'https://mcp.example.com/mcp' });
  });
});
