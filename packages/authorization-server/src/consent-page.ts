import { renderConsentPage, renderErrorPage } from './html.js';
import { htmlResponse } from './http/responses.js';
import { type PendingLogin, sealLogin } from './interaction.js';
import { endpointUrl, type ServerContext } from './server-context.js';

/**
 * The 400 page for authorization requests whose client or redirect URI cannot be trusted, and for broken consent
 * forms: never a redirect (RFC 6749 §4.1.2.1).
 */
export function badAuthorizationRequest(message: string, status = 400): Response {
  return htmlResponse(renderErrorPage('Invalid authorization request', message), status);
}

/**
 * Renders the login and consent page for a pending login, which the form carries signed: nothing is stored.
 * `GET /authorize` shows it first (with the browser-binding cookie in `extra.headers`); `POST /authorize/consent`
 * shows it again after a wrong password.
 */
export function showConsentPage(
  ctx: ServerContext,
  login: PendingLogin,
  extra: { error?: string; username?: string; status?: number; headers?: Record<string, string> } = {},
): Response {
  const { request } = login;
  const client = ctx.settings.clients.get(request.clientId);
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
    clientName: client.name,
    resources,
    offline: request.offline,
    interaction: sealed.interaction,
    csrfToken: sealed.csrfToken,
    ...(extra.error === undefined ? {} : { error: extra.error }),
    ...(extra.username === undefined ? {} : { username: extra.username }),
  });
  return htmlResponse(html, extra.status ?? 200, extra.headers);
}
