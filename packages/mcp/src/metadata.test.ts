import { ConfigurationError } from '@audguard/core';
import { describe, expect, it } from 'vitest';
import { protectedResourceMetadataHandler } from './metadata.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const AS = 'https://as.example.com';
const DOCUMENT = {
  resource: RESOURCE,
  authorization_servers: [AS],
  bearer_methods_supported: ['header'],
  scopes_supported: ['mcp:read', 'mcp:write'],
};

const handler = protectedResourceMetadataHandler({
  resource: RESOURCE,
  authorizationServers: [AS],
  scopesSupported: ['mcp:read', 'mcp:write'],
});
const at = (path: string, method = 'GET') =>
  handler(new Request(`https://mcp.example.com${path}`, { method }));

describe('protectedResourceMetadataHandler', () => {
  it.each(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'])(
    'serves the RFC 9728 document at %s',
    async (path) => {
      const response = at(path);
      expect(response?.status).toBe(200);
      expect(response?.headers.get('content-type')).toBe('application/json');
      expect(response?.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response?.json()).toEqual(DOCUMENT);
    },
  );

  it('answers HEAD without a body, a CORS preflight with 204, other methods with 405', async () => {
    const head = at('/.well-known/oauth-protected-resource/mcp', 'HEAD');
    expect([head?.status, await head?.text()]).toEqual([200, '']);
    const preflight = at('/.well-known/oauth-protected-resource', 'OPTIONS');
    expect(preflight?.status).toBe(204);
    expect(preflight?.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    const post = at('/.well-known/oauth-protected-resource/mcp', 'POST');
    expect([post?.status, post?.headers.get('allow')]).toEqual([405, 'GET, HEAD, OPTIONS']);
  });

  it('leaves every other path to the routes after it', () => {
    expect(at('/mcp')).toBeUndefined();
    expect(at('/.well-known/oauth-protected-resource/other')).toBeUndefined();
    expect(at('/.well-known/oauth-protected-resource/mcp/')).toBeUndefined();
    expect(at('/.well-known/oauth-authorization-server')).toBeUndefined();
  });

  it('serves only the path-inserted URL with root: false', () => {
    const only = protectedResourceMetadataHandler({
      resource: RESOURCE,
      authorizationServers: [AS],
      root: false,
    });
    expect(only(new Request('https://mcp.example.com/.well-known/oauth-protected-resource'))).toBeUndefined();
    expect(
      only(new Request('https://mcp.example.com/.well-known/oauth-protected-resource/mcp'))?.status,
    ).toBe(200);
  });

  it('checks the document once, at setup', () => {
    expect(() => protectedResourceMetadataHandler({ resource: RESOURCE, authorizationServers: [] })).toThrow(
      ConfigurationError,
    );
    expect(() => protectedResourceMetadataHandler({ resource: 'mcp', authorizationServers: [AS] })).toThrow(
      ConfigurationError,
    );
  });
});
