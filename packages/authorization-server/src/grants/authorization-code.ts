import { sha256 } from '../crypto.js';
import { requireBoundKey } from '../dpop.js';
import { OAuthError } from '../errors.js';
import { verifyCodeVerifier } from '../pkce.js';
import { isReplay } from '../records.js';
import { grantAudience } from '../resource-indicators.js';
import { grantLifetime, issueFromGrant, keyBeforeTaking, refuseReplay } from './issue-from-grant.js';
import type { Grant } from './types.js';

const replayed = 'The authorization code was already used; the tokens issued from it are revoked.';

/**
 * `authorization_code` (RFC 6749 §4.1.3) with PKCE: the code is checked (client, exact `redirect_uri`,
 * `code_verifier`, `resource` within the grant, the DPoP key of a code bound with `dpop_jkt`) before it is
 * consumed, atomically and once. Of concurrent
 * redemptions exactly one wins; the others — every request received before the winner had issued — are
 * `invalid_grant`. A code redeemed again after that is a replay:
 * `invalid_grant`, and every token issued from it is revoked (RFC 9700 §4.2.4).
 */
export const authorizationCode: Grant = {
  grantType: 'authorization_code',
  async handler(ctx, client, params, receivedAt, proofKey) {
    const code = params.get('code');
    if (code === undefined) throw new OAuthError('invalid_request', 'The code parameter is missing.');
    const hash = await sha256(code);
    const record = await ctx.records.getCode(hash);
    if (record === undefined) {
      const used = await ctx.records.usedCode(hash);
      if (used !== undefined && isReplay(used, receivedAt)) await refuseReplay(ctx, used.grantId, replayed);
      if (used !== undefined)
        throw new OAuthError('invalid_grant', 'The authorization code was already used.');
      throw new OAuthError('invalid_grant', 'The authorization code is invalid or expired.');
    }
    if (record.clientId !== client.clientId) {
      throw new OAuthError('invalid_grant', 'The authorization code was issued to another client.');
    }
    const redirectUri = params.get('redirect_uri');
    // RFC 6749 §4.1.3: required, and identical, when the authorization request included it.
    const mismatch = record.redirectUriSent
      ? redirectUri !== record.redirectUri
      : redirectUri !== undefined && redirectUri !== record.redirectUri;
    if (mismatch)
      throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request.');
    await verifyCodeVerifier(record.codeChallenge, params.get('code_verifier'));
    // RFC 9449 §10: a code bound with dpop_jkt is redeemed with a proof from that key only — checked before the
    // code is taken, so a thief's attempt does not burn the client's code.
    requireBoundKey(record.dpopJkt, proofKey, 'authorization code');
    const grant = await ctx.records.getGrant(record.grantId);
    if (grant === undefined)
      throw new OAuthError('invalid_grant', 'The authorization grant is no longer valid.');
    const audience = grantAudience(params, client, ctx.settings, grant, grant.scopes);

    // Everything checks out: now take the code, once. A request that loses this race to a concurrent one is refused
    // and revokes nothing; the winner marks the code used only once it has issued, so only a redemption after that
    // is a replay.
    const signingKey = await keyBeforeTaking(ctx);
    if (!(await ctx.records.takeCode(hash))) {
      throw new OAuthError('invalid_grant', 'The authorization code was already used.');
    }
    const body = await issueFromGrant(ctx, client, record.grantId, grant, audience, proofKey, signingKey);
    await ctx.records.markCodeUsed(hash, record.grantId, grantLifetime(ctx, grant.offline));
    return body;
  },
};
