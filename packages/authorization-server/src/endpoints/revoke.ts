import { createLocalJWKSet, jwtVerify } from 'jose';
import { authenticateClient } from '../client-auth.js';
import { sha256 } from '../crypto.js';
import { OAuthError } from '../errors.js';
import { grantLifetime } from '../grants/issue-from-grant.js';
import { readForm, refuseDuplicates } from '../http/body.js';
import { emptyResponse } from '../http/responses.js';
import { issuerOf, type ServerContext } from '../server-context.js';
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
  let payload: { jti?: unknown; exp?: unknown; client_id?: unknown };
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet(await ctx.keys.publicKeys()), {
      issuer: issuerOf(ctx),
      typ: 'at+jwt',
      currentDate: new Date(ctx.settings.now()),
    }));
  } catch {
    return false; // not ours, malformed or expired: nothing to revoke
  }
  if (typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return false;
  if (payload.client_id !== client.clientId) throw new OAuthError('invalid_request', notYours);
  await ctx.records.revokeAccessToken(payload.jti, payload.exp);
  return true;
}

/**
 * `POST /revoke` (RFC 7009): the client authenticates as at `/token` and names a `token`. Revoking a refresh token
 * revokes its whole grant (the family and its access tokens); revoking an access token records its `jti` as revoked.
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
