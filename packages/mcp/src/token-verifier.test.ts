import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, ConfigurationError, createVerifier } from '@audguard/core';
import { forgeExpired, startTestIssuer } from '@audguard/testing';
import { OAuthError, OAuthErrorCode, requireBearerAuth } from '@modelcontextprotocol/server';
import { afterAll, describe, expect, it } from 'vitest';
import { mcpTokenVerifier } from './token-verifier.js';

const MCP = 'https://mcp.example.com/mcp';
const OTHER = 'https://other.example.com/mcp';
const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const issuer = await startTestIssuer({
  resources: [
    { id: MCP, scopes: ['mcp:read', 'mcp:write', 'mcp:admin'] },
    { id: OTHER, scopes: ['mcp:read', 'mcp:write', 'mcp:admin'] },
  ],
});
afterAll(() => issuer.close());

const options = {
  issuer: issuer.issuer,
  audience: MCP,
  impliedScopes: { 'mcp:admin': ['mcp:write', 'mcp:read'], 'mcp:write': ['mcp:read'] },
};

async function refusal(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OAuthError);
  return error as OAuthError;
}

describe('mcpTokenVerifier', () => {
  it("verifies with audguard and answers the SDK's AuthInfo, resource and implied scopes included", async () => {
    const verifier = mcpTokenVerifier(options);
    const jwt = await issuer.token({ resource: MCP, scopes: ['mcp:admin'], subject: 'alice' });
    const info = await verifier.verifyAccessToken(jwt);
    expect(info.scopes.sort()).toEqual(['mcp:admin', 'mcp:read', 'mcp:write']);
    expect(info.resource?.href).toBe(MCP);
    expect(info.extra?.subject).toBe('alice');
  });

  it('refuses a token minted for another MCP server as invalid_token, keeping the AuthError as cause', async () => {
    const error = await refusal(
      mcpTokenVerifier(options).verifyAccessToken(await issuer.token({ resource: OTHER })),
    );
    expect(error.code).toBe(OAuthErrorCode.InvalidToken);
    expect(error.message).toBe(new AuthError('audience_mismatch').description);
    expect((error.cause as AuthError).reason).toBe('audience_mismatch');
  });

  it('refuses an expired token and garbage as invalid_token', async () => {
    const verifier = mcpTokenVerifier(options);
    const expired = await refusal(verifier.verifyAccessToken(await forgeExpired(issuer, { resource: MCP })));
    expect([expired.code, (expired.cause as AuthError).reason]).toEqual([
      OAuthErrorCode.InvalidToken,
      'expired',
    ]);
    const garbage = await refusal(verifier.verifyAccessToken('not-a-jwt'));
    expect(garbage.code).toBe(OAuthErrorCode.InvalidToken);
  });

  it('reports the audience this verifier accepted as the resource when the token names several', async () => {
    const shared = await issuer.token({ resource: [MCP, OTHER], scopes: ['mcp:read'] });
    expect((await mcpTokenVerifier(options).verifyAccessToken(shared)).resource?.href).toBe(MCP);
    const both = createVerifier({ ...options, audience: [MCP, OTHER] });
    expect((await mcpTokenVerifier(both).verifyAccessToken(shared)).resource).toBeUndefined();
    const told = mcpTokenVerifier(both, { resource: OTHER });
    expect((await told.verifyAccessToken(shared)).resource?.href).toBe(OTHER);
  });

  it('shares a verifier given to it, and checks its configuration once', () => {
    expect(() => mcpTokenVerifier(createVerifier(options), { resource: 'not a url' })).toThrow(
      ConfigurationError,
    );
    expect(() => mcpTokenVerifier({ ...options, resource: '/mcp' })).toThrow(/absolute URL/);
    expect(() => mcpTokenVerifier(options, { resource: MCP })).toThrow(
      /second argument only after a verifier/,
    );
    expect(() => mcpTokenVerifier({ issuer: issuer.issuer } as never)).toThrow(ConfigurationError);
    expect(() => mcpTokenVerifier(null as never)).toThrow(/needs a verifier/);
  });
});

// The SDK's own web-standard gate, fed by mcpTokenVerifier: what an MCP client sees.
describe("behind the SDK's requireBearerAuth", () => {
  const gate = requireBearerAuth({
    verifier: mcpTokenVerifier(options),
    requiredScopes: ['mcp:write'],
    resourceMetadataUrl: METADATA,
    expectedResource: new URL(MCP),
  });
  const call = (token: string) =>
    gate(new Request(MCP, { method: 'POST', headers: { authorization: `Bearer ${token}` } }));

  it('passes a token holding a broader scope: the exact-match requiredScopes see the implied ones', async () => {
    const info = await call(await issuer.token({ resource: MCP, scopes: ['mcp:admin'] }));
    expect(info).not.toBeInstanceOf(Response);
    expect(info).toMatchObject({ resourceMetadataUrl: METADATA });
  });

  it('answers 401 invalid_token with resource_metadata for a token minted for another MCP server', async () => {
    const response = await call(await issuer.token({ resource: OTHER, scopes: ['mcp:write'] }));
    expect(response).toBeInstanceOf(Response);
    const { status, headers } = response as Response;
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(headers.get('www-authenticate')).toContain(`resource_metadata="${METADATA}"`);
    expect(await (response as Response).json()).toEqual({
      error: 'invalid_token',
      error_description: new AuthError('audience_mismatch').description,
    });
  });

  it('answers 403 insufficient_scope naming the scope for a token without it', async () => {
    const response = (await call(await issuer.token({ resource: MCP, scopes: ['mcp:read'] }))) as Response;
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="mcp:write"');
  });

  it("answers 500 server_error when the issuer's keys cannot be had (the SDK's gate has no 503)", async () => {
    // An issuer that is down: a port that was just freed.
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    const down = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
    const verifier = mcpTokenVerifier({ issuer: down, audience: MCP, jwksUri: `${down}/jwks` });
    // Well-formed, from the configured issuer: the verifier has to fetch the keys before it can judge it.
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 60;
    const reissued = [
      part({ alg: 'RS256', typ: 'at+jwt', kid: 'k' }),
      part({ iss: down, aud: MCP, sub: 'alice', exp }),
      Buffer.alloc(256).toString('base64url'),
    ].join('.');
    const error = await refusal(verifier.verifyAccessToken(reissued));
    expect(error.code).toBe(OAuthErrorCode.ServerError);
    expect((error.cause as AuthError).reason).toBe('keys_unavailable');
    const sdkGate = requireBearerAuth({ verifier, resourceMetadataUrl: METADATA });
    const response = (await sdkGate(
      new Request(MCP, { headers: { authorization: `Bearer ${reissued}` } }),
    )) as Response;
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: string }).error).toBe('server_error');
  });
});
