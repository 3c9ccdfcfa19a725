import {
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadata,
  protectedResourceMetadataPath,
} from '@audguard/core';
import type { Context, MiddlewareHandler, Next } from 'hono';

const HEADERS = { 'content-type': 'application/json' } as const;

/**
 * Serves this API's RFC 9728 protected-resource metadata (200, `application/json`) at
 * `/.well-known/oauth-protected-resource`, with the resource's path appended (`https://api.example.com/mcp` →
 * `/.well-known/oauth-protected-resource/mcp`); every other request passes through. The document is built and
 * checked once, here. Pair it with the verifier option `resourceMetadata: protectedResourceMetadataUrl(resource)`
 * so every challenge points to it.
 *
 * @example
 * ```ts
 * app.use(protectedResource({ resource: 'https://api.example.com/mcp', authorizationServers: [issuer] }));
 * ```
 */
export function protectedResource(options: ProtectedResourceMetadataOptions): MiddlewareHandler {
  const document = JSON.stringify(protectedResourceMetadata(options));
  const path = protectedResourceMetadataPath(options.resource);
  return async function audguardProtectedResource(c: Context, next: Next): Promise<Response | undefined> {
    // Hono answers HEAD through the GET route, with the method left as HEAD.
    if ((c.req.method === 'GET' || c.req.method === 'HEAD') && c.req.path === path) {
      return c.body(document, 200, HEADERS);
    }
    await next();
    return undefined;
  };
}
