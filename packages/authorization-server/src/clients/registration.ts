import { createHash } from 'node:crypto';
import { randomToken, sha256 } from '../crypto.js';
import { OAuthError } from '../errors.js';
import { OFFLINE_ACCESS } from '../scopes.js';
import type { ServerContext } from '../server-context.js';
import type { AuthMethod, RegistrationSettings } from '../settings.js';
import { checkClientMetadata } from './client-metadata.js';
import type { StoredClient } from './stored-client.js';

const METHODS: readonly AuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

function authMethodOf(raw: Record<string, unknown>): AuthMethod {
  // RFC 7591 §2: left out, it is client_secret_basic.
  const method = raw.token_endpoint_auth_method ?? 'client_secret_basic';
  if (method === 'private_key_jwt') {
    throw new OAuthError(
      'invalid_client_metadata',
      'private_key_jwt is not offered to registered clients; publish a Client ID Metadata Document instead.',
    );
  }
  if (typeof method !== 'string' || !METHODS.includes(method as AuthMethod)) {
    throw new OAuthError(
      'invalid_client_metadata',
      'token_endpoint_auth_method must be client_secret_basic, client_secret_post or none.',
    );
  }
  return method as AuthMethod;
}

/**
 * Counts the registration in fixed windows, per address (hashed: no user input in a key) and in all; beyond a
 * limit, 429 with `Retry-After` until the window ends. Counted after the metadata was found valid, so a refused
 * request spends nothing; of concurrent registrations exactly the limit get through (`increment` is atomic).
 */
async function countRegistration(
  ctx: ServerContext,
  settings: RegistrationSettings,
  address: string | undefined,
): Promise<void> {
  const window = settings.windowSeconds * 1000;
  const now = ctx.settings.now();
  const index = Math.floor(now / window);
  const retryAfter = Math.max(1, Math.ceil(((index + 1) * window - now) / 1000));
  const limits: [string, number][] = [[`all:${index}`, settings.total]];
  if (address !== undefined) {
    const hash = createHash('sha256').update(address).digest('base64url');
    limits.unshift([`address:${hash}:${index}`, settings.perAddress]);
  }
  for (const [key, limit] of limits) {
    if ((await ctx.records.countRegistration(key, retryAfter)) > limit) {
      throw new OAuthError(
        'temporarily_unavailable',
        `Too many client registrations; retry after ${retryAfter} seconds.`,
        429,
        retryAfter,
      );
    }
  }
}

/**
 * Registers a client (RFC 7591 §3.1) from its metadata and returns the registration response body (§3.2.1): the
 * new `client_id`, `client_id_issued_at`, for a confidential client a `client_secret` with
 * `client_secret_expires_at` (the end of the registration), and the metadata as registered. Metadata the server
 * does not use is dropped, as §2 allows. Invalid metadata is `invalid_redirect_uri` or `invalid_client_metadata`.
 *
 * A declared `scope` must lie within the policy but is not a cap: the client may ask for every scope of the policy,
 * and the answer's `scope` says so (§2 lets the server replace a value). MCP clients register once, with the scope
 * of the first challenge (MCP's scope selection, SEP-835), and must be able to step up after a 403 later.
 */
export async function registerClient(
  ctx: ServerContext,
  settings: RegistrationSettings,
  raw: Record<string, unknown>,
  address: string | undefined,
): Promise<Record<string, unknown>> {
  const authMethod = authMethodOf(raw);
  const metadata = checkClientMetadata(raw, settings, {
    maxRedirectUris: settings.maxRedirectUris,
    defaultType: settings.defaultApplicationType,
  });
  await countRegistration(ctx, settings, address);
  const clientId = randomToken(16);
  const secret = authMethod === 'none' ? undefined : randomToken(32);
  const issuedAt = Math.floor(ctx.settings.now() / 1000);
  const stored: StoredClient = {
    kind: 'registered',
    clientId,
    ...(secret === undefined ? {} : { clientSecretHash: await sha256(secret) }),
    authMethod,
    name: metadata.clientName ?? clientId,
    grantTypes: metadata.grantTypes,
    redirectUris: metadata.redirectUris,
    scopes: [...settings.scopes],
    resources: settings.resources.map((resource) => resource.id),
  };
  await ctx.records.saveRegisteredClient(clientId, stored, settings.lifetime);
  return {
    client_id: clientId,
    client_id_issued_at: issuedAt,
    ...(secret === undefined
      ? {}
      : { client_secret: secret, client_secret_expires_at: issuedAt + settings.lifetime }),
    redirect_uris: metadata.redirectUris,
    token_endpoint_auth_method: authMethod,
    grant_types: metadata.grantTypes,
    response_types: ['code'],
    application_type: metadata.applicationType ?? settings.defaultApplicationType,
    ...(metadata.clientName === undefined ? {} : { client_name: metadata.clientName }),
    ...(metadata.clientUri === undefined ? {} : { client_uri: metadata.clientUri }),
    scope: [
      ...settings.scopes,
      ...(metadata.grantTypes.includes('refresh_token') ? [OFFLINE_ACCESS] : []),
    ].join(' '),
  };
}
