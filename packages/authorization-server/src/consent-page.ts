import { randomToken } from './crypto.js';
import { renderConsentPage, renderErrorPage } from './html.js';
import { htmlResponse } from './http/responses.js';
import type { InteractionRecord } from './records.js';
import { endpointUrl, type ServerContext } from './server-context.js';

/**
 * The 400 page for authorization requests whose client or redirect URI cannot be trusted, and for broken consent
 * forms: never a redirect (RFC 6749 §4.1.2.1).
 */
export function badAuthorizationRequest(message: string, status = 400): Response {
  return htmlResponse(renderErrorPage('Invalid authorization request', message), status);
}

/**
 * Stores the pending authorization under a fresh id with a fresh CSRF token, and renders the login and consent page
 * for it. `GET /authorize` shows it first; `POST /authorize/consent` shows it again after a wrong password.
 */
export async function showConsentPage(
  ctx: ServerContext,
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
