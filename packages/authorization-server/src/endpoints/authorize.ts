import { selectAudience } from '../audience.js';
import { approve, errorLocation, type ResponseTarget } from '../authorization-response.js';
import { type Context, endpointUrl } from '../context.js';
import { randomToken } from '../crypto.js';
import { OAuthError } from '../errors.js';
import { renderConsentPage, renderErrorPage } from '../html.js';
import { Params } from '../http/params.js';
import { htmlResponse, redirectResponse } from '../http/responses.js';
import { checkCodeChallenge } from '../pkce.js';
import type { InteractionRecord } from '../records.js';
import { parseResourceIndicators } from '../resource-indicators.js';
import { checkRequestedScopes, parseScope } from '../scopes.js';
import type { Client, Resource } from '../settings.js';

/** The longest authorization request URL accepted (browsers and proxies commonly cap near 8 KiB). */
const MAX_REQUEST_URL = 8192;

/** The 400 page for requests whose client or redirect URI cannot be trusted: never a redirect. */
export function badAuthorizationRequest(message: string, status = 400): Response {
  return htmlResponse(renderErrorPage('Invalid authorization request', message), status);
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
  ctx: Context,
  client: Client,
  params: Params,
  target: ResponseTarget,
): InteractionRecord {
  if (params.duplicated.length > 0) {
    throw new OAuthError('invalid_request', 'A parameter is repeated; send each parameter once.');
  }
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
  const named = parseResourceIndicators(params.getAll('resource'), client.resources, ctx.settings.resources);
  let resources: Resource[];
  let scopes: string[];
  if (named.length > 0) {
    // Each named resource must get at least one of the requested scopes, or no token could ever be issued for it.
    if (named.some((resource) => !requested.scopes.some((scope) => resource.scopes.has(scope)))) {
      throw new OAuthError('invalid_scope', 'A requested resource owns none of the requested scopes.');
    }
    resources = named;
    scopes = requested.scopes.filter((scope) => named.some((resource) => resource.scopes.has(scope)));
  } else {
    const derived = selectAudience(requested.scopes, undefined, client.resources);
    resources = client.resources.filter((resource) => derived.audience.includes(resource.id));
    scopes = derived.scopes;
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
    csrf: randomToken(32),
  };
}

/** Stores the pending authorization under a fresh id and renders the login and consent page for it. */
export async function showConsentPage(
  ctx: Context,
  record: InteractionRecord,
  extra: { error?: string; username?: string; status?: number } = {},
): Promise<Response> {
  const client = ctx.settings.clients.get(record.clientId);
  if (client === undefined) return badAuthorizationRequest('The client is no longer registered.');
  const interaction = randomToken(16);
  const fresh: InteractionRecord = { ...record, csrf: randomToken(32) };
  await ctx.records.saveInteraction(interaction, fresh, ctx.settings.interactionLifetime);
  const resources = record.resources.flatMap((id) => {
    const resource = ctx.settings.resources.get(id);
    if (resource === undefined) return [];
    return [{ id, name: resource.name, scopes: record.scopes.filter((scope) => resource.scopes.has(scope)) }];
  });
  const html = renderConsentPage({
    action: endpointUrl(ctx, '/authorize/consent'),
    clientName: client.name,
    resources,
    offline: record.offline,
    interaction,
    csrfToken: fresh.csrf,
    ...(extra.error === undefined ? {} : { error: extra.error }),
    ...(extra.username === undefined ? {} : { username: extra.username }),
  });
  return htmlResponse(html, extra.status ?? 200);
}

/**
 * `GET /authorize` (RFC 6749 §4.1.1, code flow only). The client and redirect URI are checked first: if either is
 * wrong the user gets a 400 page, never a redirect. Every later error goes back to the client by redirect with
 * `error`, `state` and `iss`. A valid request shows the login and consent page, or with `autoApprove` redirects
 * with a code at once.
 */
export async function authorizeEndpoint(ctx: Context, request: Request): Promise<Response> {
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
  const client = ctx.settings.clients.get(clientId);
  if (client === undefined) return badAuthorizationRequest('The client is unknown.');
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
  return showConsentPage(ctx, record);
}
