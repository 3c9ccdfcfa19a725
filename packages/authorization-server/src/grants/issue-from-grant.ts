import { issueAccessToken } from '../access-token.js';
import { randomToken, sha256 } from '../crypto.js';
import { refreshTokenKey } from '../dpop.js';
import { OAuthError } from '../errors.js';
import type { SigningKey } from '../keys.js';
import type { GrantRecord } from '../records.js';
import type { ServerContext } from '../server-context.js';
import type { Client } from '../settings.js';
import type { TokenResponseBody } from './types.js';

/** How long a grant (and what it issued) must be remembered. */
export function grantLifetime(ctx: ServerContext, offline: boolean): number {
  const { settings } = ctx;
  return offline
    ? Math.max(settings.refreshTokenLifetime, settings.accessTokenLifetime)
    : settings.authorizationCodeLifetime + settings.accessTokenLifetime;
}

/**
 * A replayed code or a reused refresh token, found after the request that took it had issued: revokes the grant's
 * whole family and refuses (RFC 9700 §4.2.4, §4.14.2).
 */
export async function refuseReplay(ctx: ServerContext, grantId: string, description: string): Promise<never> {
  await ctx.records.revokeGrant(grantId, grantLifetime(ctx, true));
  throw new OAuthError('invalid_grant', description);
}

/**
 * The signing key, read before a grant takes its code or refresh token: once taken, a failure (a store that is
 * back while the key store still reconnects) would lose the grant, so what can fail without harm fails first.
 */
export function keyBeforeTaking(ctx: ServerContext): Promise<SigningKey> {
  return ctx.keys.signingKey();
}

/**
 * Issues an access token from a user grant, plus a new refresh token when the grant is `offline_access` and the
 * client may refresh; both are recorded in the grant's token family. With a DPoP proof (`proofKey`) the access token
 * is bound to its key, and so is a public client's refresh token (RFC 9449 §5), in its stored record.
 */
export async function issueFromGrant(
  ctx: ServerContext,
  client: Client,
  grantId: string,
  grant: GrantRecord,
  audience: { audience: string[]; scopes: string[] },
  proofKey: string | undefined,
  signingKey: SigningKey,
): Promise<TokenResponseBody> {
  const access = await issueAccessToken(
    ctx,
    {
      subject: grant.subject,
      clientId: client.clientId,
      audience: audience.audience,
      scopes: audience.scopes,
      jkt: proofKey,
    },
    signingKey,
  );
  grant.accessTokens.push({ jti: access.jti, exp: access.exp });
  const body: TokenResponseBody = {
    access_token: access.token,
    token_type: proofKey === undefined ? 'Bearer' : 'DPoP',
    expires_in: access.expiresIn,
    scope: audience.scopes.join(' '),
  };
  if (grant.offline && client.grantTypes.has('refresh_token')) {
    const refreshToken = randomToken(32);
    const hash = await sha256(refreshToken);
    const jkt = refreshTokenKey(client, proofKey);
    await ctx.records.saveRefreshToken(
      hash,
      { grantId, clientId: client.clientId, ...(jkt === undefined ? {} : { jkt }) },
      ctx.settings.refreshTokenLifetime,
    );
    grant.refreshTokenHash = hash;
    body.refresh_token = refreshToken;
  }
  await ctx.records.saveGrant(grantId, grant, grantLifetime(ctx, grant.offline));
  // A replay, a reuse or /revoke may have revoked the grant while this request was issuing: the save above must
  // not bring the family back, so revoke again (now including what this request issued) and refuse.
  if (await ctx.records.isGrantRevoked(grantId)) {
    await ctx.records.revokeGrant(grantId, grantLifetime(ctx, true));
    throw new OAuthError('invalid_grant', 'The authorization grant was revoked.');
  }
  return body;
}
