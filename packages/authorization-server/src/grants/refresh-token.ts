import { sha256 } from '../crypto.js';
import { requireBoundKey } from '../dpop.js';
import { OAuthError } from '../errors.js';
import { isReplay } from '../records.js';
import { grantAudience } from '../resource-indicators.js';
import { OFFLINE_ACCESS, parseScope } from '../scopes.js';
import { issueFromGrant, keyBeforeTaking, refuseReplay } from './issue-from-grant.js';
import type { Grant } from './types.js';

const reused = 'The refresh token was already used; its token family is revoked.';

/**
 * `refresh_token` (RFC 6749 §6): bound to its client, rotated on every use. Of concurrent refreshes with one
 * token exactly one wins; the others — every request received before the winner had issued — are `invalid_grant`.
 * A rotated token used after that is `invalid_grant` and revokes the whole family (RFC 9700 §4.14.2). `scope` may narrow the consented scope and
 * `resource` may name any one of the grant's resources, never another. A refresh token bound to a DPoP key (a public
 * client's, RFC 9449 §5) needs a proof from that key.
 */
export const refreshToken: Grant = {
  grantType: 'refresh_token',
  async handler(ctx, client, params, receivedAt, proofKey) {
    const token = params.get('refresh_token');
    if (token === undefined)
      throw new OAuthError('invalid_request', 'The refresh_token parameter is missing.');
    const hash = await sha256(token);
    const record = await ctx.records.getRefreshToken(hash);
    if (record === undefined) {
      const used = await ctx.records.usedRefreshToken(hash);
      if (used !== undefined && isReplay(used, receivedAt)) await refuseReplay(ctx, used.grantId, reused);
      if (used !== undefined) throw new OAuthError('invalid_grant', 'The refresh token was already used.');
      throw new OAuthError('invalid_grant', 'The refresh token is invalid, expired or revoked.');
    }
    if (record.clientId !== client.clientId) {
      throw new OAuthError('invalid_grant', 'The refresh token was issued to another client.');
    }
    // RFC 9449 §5: a public client's refresh token issued with a DPoP proof needs a proof from the same key.
    requireBoundKey(record.jkt, proofKey, 'refresh token');
    const grant = await ctx.records.getGrant(record.grantId);
    if (grant === undefined)
      throw new OAuthError('invalid_grant', 'The refresh token is invalid, expired or revoked.');

    const requested = parseScope(params.get('scope'))?.filter((scope) => scope !== OFFLINE_ACCESS);
    if (requested?.some((scope) => !grant.scopes.includes(scope))) {
      throw new OAuthError('invalid_scope', 'The requested scope exceeds the scope originally granted.');
    }
    const scopes = requested === undefined || requested.length === 0 ? grant.scopes : requested;
    const audience = grantAudience(params, client, ctx.settings, grant, scopes);

    // Rotate: take the token, once. A request that loses this race to a concurrent refresh is refused and revokes
    // nothing; the winner marks the token used only once it has issued, so only a refresh after that is reuse.
    const signingKey = await keyBeforeTaking(ctx);
    if (!(await ctx.records.takeRefreshToken(hash))) {
      throw new OAuthError('invalid_grant', 'The refresh token was already used.');
    }
    const body = await issueFromGrant(ctx, client, record.grantId, grant, audience, proofKey, signingKey);
    await ctx.records.markRefreshTokenUsed(hash, record, ctx.settings.refreshTokenLifetime);
    return body;
  },
};
