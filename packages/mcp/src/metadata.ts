import {
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadata,
  protectedResourceMetadataPath,
} from '@audguard/core';

/** Options of {@link protectedResourceMetadataHandler}: the document's fields, and where to serve it. */
export interface McpProtectedResourceOptions extends ProtectedResourceMetadataOptions {
  /**
   * Also serve the document at the root well-known URL, `/.well-known/oauth-protected-resource`, where MCP clients
   * look when the path-inserted one fails (MCP authorization, "Protected Resource Metadata Discovery"). Turn it off
   * when several MCP servers share one origin: the root document can describe only one of them. Default `true`.
   */
  root?: boolean;
}

const ROOT_PATH = '/.well-known/oauth-protected-resource';

/**
 * Serves this MCP server's RFC 9728 protected-resource metadata from a web-standard `fetch` handler, at the
 * path-inserted well-known URL (`https://mcp.example.com/mcp` → `/.well-known/oauth-protected-resource/mcp`) and,
 * unless `root: false`, at the root one. `GET` gets 200 `application/json` (`HEAD` the same without a body),
 * `OPTIONS` a CORS preflight answer, other methods 405; the document is public, so every answer allows any origin
 * (browser-based MCP clients read it too). Any other path returns `undefined`: fall through to your routes. The
 * document is built and checked once, here (a mistake throws a `ConfigurationError`).
 *
 * Pair it with the verifier option `resourceMetadata: protectedResourceMetadataUrl(resource)`, so every challenge
 * points to the path-inserted URL.
 *
 * @example
 * ```ts
 * const metadata = protectedResourceMetadataHandler({ resource, authorizationServers: [issuer] });
 * app.use('/.well-known/*', async (c, next) => metadata(c.req.raw) ?? next());
 * ```
 */
export function protectedResourceMetadataHandler(
  options: McpProtectedResourceOptions,
): (request: Request) => Response | undefined {
  const { root = true, ...documentOptions } = options;
  const document = JSON.stringify(protectedResourceMetadata(documentOptions));
  const paths = new Set([protectedResourceMetadataPath(documentOptions.resource)]);
  if (root) paths.add(ROOT_PATH);
  return function audguardProtectedResourceMetadata(request: Request): Response | undefined {
    if (!paths.has(new URL(request.url).pathname)) return undefined;
    const headers = new Headers({ 'Access-Control-Allow-Origin': '*' });
    switch (request.method) {
      case 'GET':
      case 'HEAD':
        headers.set('Content-Type', 'application/json');
        return new Response(request.method === 'GET' ? document : null, { status: 200, headers });
      case 'OPTIONS':
        headers.set('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
        headers.set('Access-Control-Allow-Headers', '*');
        return new Response(null, { status: 204, headers });
      default:
        headers.set('Allow', 'GET, HEAD, OPTIONS');
        return new Response(null, { status: 405, headers });
    }
  };
}
