import { readIssuedToken } from '../access-token.js';
import { authenticateClient } from '../client-auth.js';
import { sha256 } from '../crypto.js';
import { OAuthError } from '../errors.js';
import { grantLifetime } from '../grants/issue-from-grant.js';
import { readForm, refuseDuplicates } from '../http/body.js';
import { emptyResponse } from '../http/responses.js';
import type { ServerContext } from '../server-context.js';
import type { Client } from '../settings.js';

const notYours = 'The token was not issued to this client.';

async function revokeRefreshToken(ctx: ServerContext, client: Client, token: string): Promise<boolean> {
  const record = await ctx.records.getRefreshToken(await sha256(token));
  if (record === undefined) return false;
  if (record.clientId !== client.clientId) throw new OAuthError('invalid_request', notYours);
  await ctx.records.revokeGrant(record.grantId, grantLifetime(ctx, true));
  return true;
}

async function revokeAccessToken(ctx: ServerContext, client: Client, token: string): Promise<boolean> {
  const issued = await readIssuedToken(ctx, token);
  if (issued === undefined) return false; // not ours, malformed or expired: nothing to revoke
  const { claims, referenceHash } = issued;
  if (typeof claims.jti !== 'string' || typeof claims.exp !== 'number') return false;
  if (claims.client_id !== client.clientId) throw new OAuthError('invalid_request', notYours);
  if (referenceHash !== undefined) await ctx.records.deleteReferenceToken(referenceHash);
  await ctx.records.revokeAccessToken(claims.jti, claims.exp);
  return true;
}

/**
 * `POST /revoke` (RFC 7009): the client authenticates as at `/token` and names a `token`. Revoking a refresh token
 * revokes its whole grant (the family and its access tokens); revoking an access token records its `jti` as revoked
 * (and forgets a reference token's claims), so `/introspect` answers `active: false` for it.
 * Unknown, invalid or expired tokens still get 200 (§2.2); `token_type_hint` only changes the lookup order.
 */
export async function revokeEndpoint(ctx: ServerContext, request: Request): Promise<Response> {
  const params = await readForm(request);
  refuseDuplicates(params);
  const client = await authenticateClient(ctx, request, params);
  const token = params.get('token');
  if (token === undefined) throw new OAuthError('invalid_request', 'The token parameter is missing.');
  const lookups = [revokeRefreshToken, revokeAccessToken];
  if (params.get('token_type_hint') === 'access_token') lookups.reverse();
  for (const lookup of lookups) {
    if (await lookup(ctx, client, token)) break;
  }
  return emptyResponse(200);
}
