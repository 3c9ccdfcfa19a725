// The MCP server's HTTP face: RFC 9728 metadata at both well-known URLs, a bearer gate, and the SDK's Streamable
// HTTP handler. Two gates to choose from: audguard's own (Hono adapter) or the SDK's, fed by audguard's verifier.
import { createVerifier } from '@audguard/core';
import { guard } from '@audguard/hono';
import {
  mcpTokenVerifier,
  protectedResourceMetadataHandler,
  protectedResourceMetadataUrl,
  toAuthInfo,
} from '@audguard/mcp';
import {
  createMcpHandler,
  hostHeaderValidationResponse,
  localhostAllowedHostnames,
  requireBearerAuth,
} from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { type Notebook, notesServer } from './tools.js';

/** Every scope the server understands; `mcp:read` is what any request needs. */
export const SCOPES = ['mcp:read', 'mcp:write', 'mcp:admin'] as const;

/** A broader scope implies the narrower ones (MCP 2026-07-28 makes honouring hierarchies a MUST). */
export const IMPLIED_SCOPES = { 'mcp:admin': ['mcp:write', 'mcp:read'], 'mcp:write': ['mcp:read'] };

/**
 * - `audguard`: audguard's Hono guard authenticates; its challenges are audguard's (401 without `error` when no
 *   token came, `scope` and `resource_metadata` in every challenge, 503 with `Retry-After` when the issuer's keys
 *   cannot be had). `toAuthInfo` hands the token to the SDK.
 * - `sdk`: the SDK's `requireBearerAuth` gate, with `mcpTokenVerifier` doing the verification.
 */
export type Gate = 'audguard' | 'sdk';

export interface McpAppOptions {
  /** The authorization server's issuer identifier. */
  issuer: string;
  /** This MCP server's canonical URI: where it is served, the tokens' `aud`, the metadata's `resource`. */
  resource: string;
  /** Which bearer gate guards `/mcp`. Default `'audguard'`. */
  gate?: Gate;
  /** The notes the tools share. Default: a new, empty notebook. */
  notebook?: Notebook;
}

/** The MCP server as a Hono app (a web-standard `fetch` handler). */
export function mcpApp(options: McpAppOptions): Hono {
  const { issuer, resource, gate = 'audguard', notebook = { notes: [] } } = options;
  const { pathname: path, hostname } = new URL(resource);
  const resourceMetadata = protectedResourceMetadataUrl(resource);
  const verifier = createVerifier({
    issuer,
    audience: resource,
    impliedScopes: IMPLIED_SCOPES,
    resourceMetadata,
  });
  const metadata = protectedResourceMetadataHandler({
    resource,
    authorizationServers: [issuer],
    scopesSupported: [...SCOPES],
    resourceName: 'audguard notes (MCP example)',
  });
  const mcp = createMcpHandler(() => notesServer(notebook));

  const app = new Hono();
  // DNS-rebinding protection for a server on a loopback address (the SDK's check): only loopback Host headers.
  const loopback = localhostAllowedHostnames();
  const allowedHosts = loopback.includes(hostname) ? loopback : [hostname];
  app.use(async (c, next) => hostHeaderValidationResponse(c.req.raw, allowedHosts) ?? next());
  app.use('/.well-known/*', async (c, next) => metadata(c.req.raw) ?? next());
  // Browser-based MCP clients (the MCP Inspector) call /mcp cross-origin and must read the challenge.
  app.use(path, cors({ exposeHeaders: ['WWW-Authenticate', 'Mcp-Session-Id', 'Mcp-Protocol-Version'] }));

  if (gate === 'audguard') {
    app.all(path, guard(verifier, { scopes: ['mcp:read'] }), (c) =>
      mcp.fetch(c.req.raw, {
        authInfo: toAuthInfo(c.get('auth'), { resource, resourceMetadataUrl: resourceMetadata }),
      }),
    );
  } else {
    const bearer = requireBearerAuth({
      verifier: mcpTokenVerifier(verifier, { resource }),
      requiredScopes: ['mcp:read'],
      resourceMetadataUrl: resourceMetadata,
      expectedResource: new URL(resource),
    });
    app.all(path, async (c) => {
      const authInfo = await bearer(c.req.raw);
      return authInfo instanceof Response ? authInfo : mcp.fetch(c.req.raw, { authInfo });
    });
  }
  return app;
}
