import { createVerifier } from '@audguard/core';
import { startTestIssuer } from '@audguard/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { toAuthInfo } from './auth-info.js';

const MCP = 'https://mcp.example.com/mcp';
const OTHER = 'https://other.example.com/mcp';
const issuer = await startTestIssuer({
  resources: [
    { id: MCP, scopes: ['mcp:read', 'mcp:write', 'mcp:admin'] },
    { id: OTHER, scopes: ['mcp:read'] },
    { id: 'urn:notes', scopes: ['mcp:read'] },
  ],
});
afterAll(() => issuer.close());

const verifier = createVerifier({
  issuer: issuer.issuer,
  audience: [MCP, OTHER, 'urn:notes'],
  impliedScopes: { 'mcp:admin': ['mcp:write', 'mcp:read'], 'mcp:write': ['mcp:read'] },
});

describe('toAuthInfo', () => {
  it('carries the token, its client, its expiry in seconds and who it speaks for', async () => {
    const jwt = await issuer.token({
      resource: MCP,
      scopes: ['mcp:read'],
      subject: 'alice',
      clientId: 'app',
    });
    const token = await verifier.verify(jwt);
    const info = toAuthInfo(token);
    expect(info.token).toBe(jwt);
    expect(info.clientId).toBe('app');
    expect(info.expiresAt).toBe(token.claims.exp);
    expect(Number.isInteger(info.expiresAt)).toBe(true);
    expect(info.extra).toEqual({
      subject: 'alice',
      issuer: issuer.issuer,
      audience: [MCP],
      claims: token.claims,
    });
  });

  it('lists the implied scopes, so exact-match checks honour the hierarchy', async () => {
    const token = await verifier.verify(await issuer.token({ resource: MCP, scopes: ['mcp:admin'] }));
    expect(toAuthInfo(token).scopes.sort()).toEqual(['mcp:admin', 'mcp:read', 'mcp:write']);
    const write = await verifier.verify(await issuer.token({ resource: MCP, scopes: ['mcp:write'] }));
    expect(toAuthInfo(write).scopes.sort()).toEqual(['mcp:read', 'mcp:write']);
  });

  it('reports the sole URL audience as the resource, and none when aud names several or a URN', async () => {
    const one = await verifier.verify(await issuer.token({ resource: MCP }));
    expect(toAuthInfo(one).resource?.href).toBe(MCP);
    const two = await verifier.verify(await issuer.token({ resource: [MCP, OTHER], scopes: ['mcp:read'] }));
    expect(toAuthInfo(two).resource).toBeUndefined();
    const urn = await verifier.verify(await issuer.token({ resource: 'urn:notes' }));
    expect(toAuthInfo(urn).resource).toBeUndefined();
  });

  it('takes the resource and the metadata URL it is told', async () => {
    const two = await verifier.verify(await issuer.token({ resource: [MCP, OTHER], scopes: ['mcp:read'] }));
    const metadata = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
    const info = toAuthInfo(two, { resource: OTHER, resourceMetadataUrl: metadata });
    expect(info.resource?.href).toBe(OTHER);
    expect(info.resourceMetadataUrl).toBe(metadata);
    expect('resourceMetadataUrl' in toAuthInfo(two)).toBe(false);
  });

  it("reports an empty clientId for a token that names no client (the SDK's type requires one)", async () => {
    const jwt = await issuer.token({ resource: MCP, claims: { client_id: undefined } });
    const token = await verifier.verify(jwt);
    expect(token.clientId).toBeUndefined();
    expect(toAuthInfo(token).clientId).toBe('');
  });
});
