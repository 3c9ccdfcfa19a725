import type { ServerContext } from '../server-context.js';

/**
 * `GET /jwks`: the public signing keys (RFC 7517), each with `kid`, `alg` and `use: "sig"`; retired keys stay
 * until the tokens they signed have expired. Read from the key store and not cached, so a key rotation (on any
 * instance sharing the key store) is seen at once.
 */
export async function jwksEndpoint(ctx: ServerContext): Promise<Response> {
  return new Response(JSON.stringify(await ctx.keys.publicKeys()), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache' },
  });
}
