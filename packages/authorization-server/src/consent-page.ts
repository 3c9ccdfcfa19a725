import { isLoopbackHost } from './clients/client-metadata.js';
import { findClient } from './clients/lookup.js';
import { UntrustedClientError } from './clients/metadata-document.js';
import { type ConsentClient, type ConsentRedirect, renderConsentPage, renderErrorPage } from './html.js';
import { htmlResponse } from './http/responses.js';
import { type PendingLogin, sealLogin } from './interaction.js';
import { endpointUrl, type ServerContext } from './server-context.js';
import type { Client } from './settings.js';

/**
 * The 400 page for authorization requests whose client or redirect URI cannot be trusted, and for broken consent
 * forms: never a redirect (RFC 6749 §4.1.2.1).
 */
export function badAuthorizationRequest(message: string, status = 400): Response {
  return htmlResponse(renderErrorPage('Invalid authorization request', message), status);
}

/** The client of a pending login, looked up again to show it; `undefined` when it is gone or no longer usable. */
export async function clientForPage(ctx: ServerContext, clientId: string): Promise<Client | undefined> {
  try {
    return await findClient(ctx, clientId);
  } catch (error) {
    if (error instanceof UntrustedClientError) return undefined;
    throw error;
  }
}

/** Who is asking, as the page says it: the name, where it comes from, and for a metadata document its URL. */
function consentClient(client: Client): ConsentClient {
  return {
    name: client.name,
    kind: client.kind,
    ...(client.kind === 'metadata-document' ? { url: client.clientId } : {}),
  };
}

/**
 * Where the browser goes back to (MCP security considerations §7.2: the redirect URI's host must be shown): the
 * host of an http(s) URI, or the scheme of an app's private-use URI; loopback hosts are flagged, since any program
 * on the user's machine could be listening there.
 */
export function consentRedirect(redirectUri: string): ConsentRedirect {
  const url = new URL(redirectUri);
  const web = url.protocol === 'https:' || url.protocol === 'http:';
  return {
    uri: redirectUri,
    target: web ? url.host : url.protocol,
    app: !web,
    loopback: web && isLoopbackHost(url),
  };
}

/**
 * Renders the login and consent page for a pending login, which the form carries signed: nothing is stored.
 * `GET /authorize` shows it first (with the browser-binding cookie in `extra.headers`); `POST /authorize/consent`
 * shows it again after a wrong password, with the client looked up again (`clientForPage`).
 */
export function showConsentPage(
  ctx: ServerContext,
  login: PendingLogin,
  client: Client | undefined,
  extra: { error?: string; username?: string; status?: number; headers?: Record<string, string> } = {},
): Response {
  const { request } = login;
  if (client === undefined) return badAuthorizationRequest('The client is no longer registered.');
  const resources = request.resources.flatMap((id) => {
    const resource = ctx.settings.resources.get(id);
    if (resource === undefined) return [];
    return [
      { id, name: resource.name, scopes: request.scopes.filter((scope) => resource.scopes.has(scope)) },
    ];
  });
  const sealed = sealLogin(ctx, login);
  const html = renderConsentPage({
    action: endpointUrl(ctx, '/authorize/consent'),
    client: consentClient(client),
    redirect: consentRedirect(request.redirectUri),
    resources,
    offline: request.offline,
    interaction: sealed.interaction,
    csrfToken: sealed.csrfToken,
    ...(extra.error === undefined ? {} : { error: extra.error }),
    ...(extra.username === undefined ? {} : { username: extra.username }),
  });
  return htmlResponse(html, extra.status ?? 200, extra.headers);
}
