import {
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadata,
  protectedResourceMetadataPath,
} from '@audguard/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

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
export function protectedResource(options: ProtectedResourceMetadataOptions): RequestHandler {
  const document = JSON.stringify(protectedResourceMetadata(options));
  const path = protectedResourceMetadataPath(options.resource);
  return function audguardProtectedResource(req: Request, res: Response, next: NextFunction): void {
    if ((req.method === 'GET' || req.method === 'HEAD') && req.path === path) {
      res.status(200).type('application/json').send(document);
    } else {
      next();
    }
  };
}
