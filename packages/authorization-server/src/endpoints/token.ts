import { authenticateClient } from '../client-auth.js';
import { currentNonce, tokenRequestKey } from '../dpop.js';
import { OAuthError } from '../errors.js';
import { authorizationCode } from '../grants/authorization-code.js';
import { clientCredentials } from '../grants/client-credentials.js';
import { refreshToken } from '../grants/refresh-token.js';
import type { Grant } from '../grants/types.js';
import { readForm, refuseDuplicates } from '../http/body.js';
import { jsonResponse } from '../http/responses.js';
import type { ServerContext } from '../server-context.js';

const grants: ReadonlyMap<string, Grant> = new Map(
  [authorizationCode, clientCredentials, refreshToken].map((grant) => [grant.grantType, grant]),
);

/**
 * `POST /token` (RFC 6749 §3.2): form body only, no repeated parameters except `resource`, client authenticated,
 * then the request's DPoP proof when DPoP is on (RFC 9449 §5), then the grant type's handler. Errors are thrown as {@link OAuthError} and rendered by the server's error handler.
 */
export async function tokenEndpoint(ctx: ServerContext, request: Request): Promise<Response> {
  // Taken first: a replay is told from a lost race by whether the request came in before the winner had issued.
  const receivedAt = ctx.settings.now();
  const params = await readForm(request, ['resource']);
  refuseDuplicates(params);
  const client = await authenticateClient(ctx, request, params);
  const grantType = params.get('grant_type');
  if (grantType === undefined)
    throw new OAuthError('invalid_request', 'The grant_type parameter is missing.');
  const grant = grants.get(grantType);
  if (grant === undefined)
    throw new OAuthError('unsupported_grant_type', 'This grant type is not supported.');
  if (!client.grantTypes.has(grant.grantType)) {
    throw new OAuthError('unauthorized_client', 'The client may not use this grant type.');
  }
  // After the request's own checks, before the grant: a code or refresh token is never spent on a bad proof.
  const proofKey = await tokenRequestKey(ctx, request);
  const body = await grant.handler(ctx, client, params, receivedAt, proofKey);
  const nonce = await currentNonce(ctx);
  return jsonResponse(body, 200, nonce === undefined ? {} : { 'DPoP-Nonce': nonce });
}
