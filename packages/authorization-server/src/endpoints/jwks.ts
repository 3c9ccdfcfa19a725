import type { ServerContext } from '../server-context.js';

/**
 * `GET /jwks`: the public signing keys (RFC 7517), each with `kid`, `alg` and `use: "sig"`; retired keys stay
 * until the tokens they signed have expired. Not cached, so a key rotation is seen at once.
 */
export function jwksEndpoint(ctx: ServerContext): Response {
  return new Response(JSON.stringify(ctx.keys.jwks()), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache' },
  });
}
