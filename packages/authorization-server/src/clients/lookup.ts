import type { ServerContext } from '../server-context.js';
import type { Client } from '../settings.js';
import { isClientIdUrl } from './metadata-document.js';
import { toClient } from './stored-client.js';

/** The shape of the client ids registration hands out (`randomToken(16)`): anything else is not looked up. */
const REGISTERED_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * The one client lookup of `/authorize`, `/token` and `/revoke`: a configured client first; then, when
 * `clientIdMetadataDocuments` is on and the id is an https URL, the client its metadata document describes (cached,
 * or fetched: it throws `UntrustedClientError` when the document cannot be used); then, when `clientRegistration`
 * is on, a registered client from the store. `undefined` when no kind knows the id.
 */
export async function findClient(ctx: ServerContext, clientId: string): Promise<Client | undefined> {
  const configured = ctx.settings.clients.get(clientId);
  if (configured !== undefined) return configured;
  if (isClientIdUrl(clientId)) return ctx.documents?.client(clientId);
  const registration = ctx.settings.registration;
  if (registration === undefined || !REGISTERED_ID.test(clientId)) return undefined;
  const stored = await ctx.records.getRegisteredClient(clientId);
  return stored === undefined ? undefined : toClient(stored, registration, ctx.settings.resources);
}
