import {
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadata,
  protectedResourceMetadataPath,
} from '@audguard/core';
import type { Middleware, Next, ParameterizedContext } from 'koa';

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
export function protectedResource(options: ProtectedResourceMetadataOptions): Middleware {
  const document = JSON.stringify(protectedResourceMetadata(options));
  const path = protectedResourceMetadataPath(options.resource);
  return async function audguardProtectedResource(ctx: ParameterizedContext, next: Next): Promise<void> {
    if ((ctx.method === 'GET' || ctx.method === 'HEAD') && ctx.path === path) {
      ctx.status = 200;
      ctx.type = 'application/json';
      ctx.body = document;
    } else {
      await next();
    }
  };
}
