import { issueAccessToken } from '../access-token.js';
import { selectAudience, tokenTarget } from '../resource-indicators.js';
import { checkRequestedScopes, parseScope } from '../scopes.js';
import type { Grant } from './types.js';

/**
 * `client_credentials` (RFC 6749 §4.4): a token for the client itself (`sub` = `client_id`). No `scope` means the
 * client's allowed scopes; the audience and scope follow the resource rules of {@link selectAudience}. With a DPoP
 * proof the token is bound to its key.
 */
export const clientCredentials: Grant = {
  grantType: 'client_credentials',
  async handler(ctx, client, params, _receivedAt, proofKey) {
    const requested = checkRequestedScopes(parseScope(params.get('scope')), client.scopes, false);
    const target = tokenTarget(params, client, ctx.settings);
    const { audience, scopes } = selectAudience(requested.scopes, target, client.resources);
    const access = await issueAccessToken(ctx, {
      subject: client.clientId,
      clientId: client.clientId,
      audience,
      scopes,
      jkt: proofKey,
    });
    return {
      access_token: access.token,
      token_type: proofKey === undefined ? 'Bearer' : 'DPoP',
      expires_in: access.expiresIn,
      scope: scopes.join(' '),
    };
  },
};
