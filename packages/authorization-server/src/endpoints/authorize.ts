import { approve, errorLocation, type ResponseTarget } from '../authorization-response.js';
import { bindBrowser } from '../browser-binding.js';
import { findClient } from '../clients/lookup.js';
import { UntrustedClientError } from '../clients/metadata-document.js';
import { badAuthorizationRequest, showConsentPage } from '../consent-page.js';
import { isThumbprint } from '../dpop.js';
import { OAuthError } from '../errors.js';
import { Params } from '../http/params.js';
import { redirectResponse } from '../http/responses.js';
import { newPendingLogin } from '../interaction.js';
import { checkCodeChallenge } from '../pkce.js';
import type { InteractionRecord } from '../records.js';
import { authorizationResources } from '../resource-indicators.js';
import { checkRequestedScopes, parseScope } from '../scopes.js';
import type { ServerContext } from '../server-context.js';
import type { Client } from '../settings.js';

/** The longest authorization request URL accepted (browsers and proxies commonly cap near 8 KiB). */
const MAX_REQUEST_URL = 8192;
/**
 * The longest `state` accepted, in characters. It is echoed in the redirect and carried in the login form, so it
 * is bounded; 2048 leaves room for the signed or encoded states clients use.
 */
export const MAX_STATE_LENGTH = 2048;
/** The longest `nonce` accepted, in characters (it is ignored: no ID tokens are issued, but it is bounded too). */
export const MAX_NONCE_LENGTH = 512;

function checkLength(params: Params, name: 'state' | 'nonce', max: number): void {
  const value = params.get(name);
  if (value !== undefined && value.length > max) {
    throw new OAuthError('invalid_request', `The ${name} parameter is longer than ${max} characters.`);
  }
}

/**
 * The redirect URI to answer to: registered for the client and compared exactly (RFC 6749 §3.1.2.3), or the only
 * registered one when the request names none. A string `problem` when there is none to trust.
 */
function redirectTarget(client: Client, sent: string | undefined): { uri: string } | { problem: string } {
  if (sent === undefined) {
    const [only, ...others] = client.redirectUris;
    if (only !== undefined && others.length === 0) return { uri: only };
    return { problem: 'The redirect_uri parameter is missing; this client registered several, so name one.' };
  }
  if (!client.redirectUris.includes(sent))
    return { problem: 'The redirect_uri is not registered for this client.' };
  return { uri: sent };
}

/** Checks the protocol parameters and returns what the user will be asked to consent to. */
function checkRequest(
  ctx: ServerContext,
  client: Client,
  params: Params,
  target: ResponseTarget,
): InteractionRecord {
  if (params.duplicated.length > 0) {
    throw new OAuthError('invalid_request', 'A parameter is repeated; send each parameter once.');
  }
  checkLength(params, 'state', MAX_STATE_LENGTH);
  checkLength(params, 'nonce', MAX_NONCE_LENGTH);
  const responseType = params.get('response_type');
  if (responseType === undefined)
    throw new OAuthError('invalid_request', 'The response_type parameter is missing.');
  if (responseType !== 'code') {
    throw new OAuthError('unsupported_response_type', 'Only response_type=code is supported.');
  }
  if (!client.grantTypes.has('authorization_code')) {
    throw new OAuthError('unauthorized_client', 'The client may not use the authorization code grant.');
  }
  const codeChallenge = checkCodeChallenge(params.get('code_challenge'), params.get('code_challenge_method'));
  const requested = checkRequestedScopes(
    parseScope(params.get('scope')),
    client.scopes,
    client.grantTypes.has('refresh_token'),
  );
  const { resources, scopes } = authorizationResources(params, requested.scopes, client, ctx.settings);
  const dpopJkt = ctx.settings.dpop === undefined ? undefined : params.get('dpop_jkt');
  if (dpopJkt !== undefined && !isThumbprint(dpopJkt)) {
    throw new OAuthError(
      'invalid_request',
      'dpop_jkt must be a JWK SHA-256 thumbprint (43 base64url characters).',
    );
  }
  return {
    clientId: client.clientId,
    redirectUri: target.redirectUri,
    redirectUriSent: params.get('redirect_uri') !== undefined,
    state: target.state,
    scopes,
    offline: requested.offline,
    resources: resources.map((resource) => resource.id),
    codeChallenge,
    ...(dpopJkt === undefined ? {} : { dpopJkt }),
  };
}

/**
 * The client named by `client_id`, or the 400 page's message: unknown, or self-described by a metadata document
 * that cannot be used (fetch refused or failed, document invalid) — then neither the client nor its redirect URIs
 * can be trusted.
 */
async function clientOf(ctx: ServerContext, clientId: string): Promise<Client | string> {
  try {
    return (await findClient(ctx, clientId)) ?? 'The client is unknown.';
  } catch (error) {
    if (error instanceof UntrustedClientError) {
      return `The client and its redirect URI cannot be trusted. ${error.description}`;
    }
    throw error;
  }
}

/**
 * `GET /authorize` (RFC 6749 §4.1.1, code flow only). The client and redirect URI are checked first: if either is
 * wrong (a self-described client's metadata document among them) the user gets a 400 page, never a redirect. Every later error goes back to the client by redirect with
 * `error`, `state` and `iss`. A valid request shows the login and consent page, or with `autoApprove` redirects
 * with a code at once.
 */
export async function authorizeEndpoint(ctx: ServerContext, request: Request): Promise<Response> {
  // HEAD reaches GET routes in Hono; it must not create an interaction (or, with autoApprove, a code).
  if (request.method !== 'GET') return badAuthorizationRequest('Use GET.', 405);
  // Over HTTP Node caps the request line; through fetch() nothing does, and the state would be echoed into Location.
  if (request.url.length > MAX_REQUEST_URL)
    return badAuthorizationRequest('The authorization request is too long.', 414);
  const params = new Params(new URL(request.url).searchParams, ['resource']);
  if (params.duplicated.includes('client_id') || params.duplicated.includes('redirect_uri')) {
    return badAuthorizationRequest('client_id and redirect_uri must be sent once.');
  }
  const clientId = params.get('client_id');
  if (clientId === undefined) return badAuthorizationRequest('The client_id parameter is missing.');
  const client = await clientOf(ctx, clientId);
  if (typeof client === 'string') return badAuthorizationRequest(client);
  const redirect = redirectTarget(client, params.get('redirect_uri'));
  if ('problem' in redirect) return badAuthorizationRequest(redirect.problem);
  const target: ResponseTarget = {
    redirectUri: redirect.uri,
    state: params.duplicated.includes('state') ? undefined : params.get('state'),
  };
  let record: InteractionRecord;
  try {
    record = checkRequest(ctx, client, params, target);
  } catch (error) {
    if (error instanceof OAuthError) return redirectResponse(errorLocation(ctx, target, error));
    throw error;
  }
  if (ctx.settings.autoApproveSubject !== undefined) {
    return redirectResponse(await approve(ctx, record, ctx.settings.autoApproveSubject));
  }
  const { browser, setCookie } = bindBrowser(ctx, request);
  return showConsentPage(ctx, newPendingLogin(ctx, record, browser), client, {
    headers: { 'Set-Cookie': setCookie },
  });
}
