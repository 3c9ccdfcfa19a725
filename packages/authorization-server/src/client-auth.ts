import { timingSafeEqual } from './crypto.js';
import { OAuthError } from './errors.js';
import type { Params } from './http/params.js';
import type { ServerContext } from './server-context.js';
import type { Client } from './settings.js';
import { clientAuthenticationLimit, clientLockedFor, countClientFailure } from './throttle.js';

interface Credentials {
  clientId: string;
  secret: string | undefined;
  basic: boolean;
}

// RFC 6749 §2.3.1: the id and secret are form-encoded before they are put in the Basic header.
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function basicCredentials(header: string): Credentials {
  const match = /^basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  try {
    if (match?.[1] === undefined) throw new Error('malformed');
    const decoded = new TextDecoder('utf-8', { fatal: true }).decode(
      Uint8Array.from(atob(match[1]), (char) => char.charCodeAt(0)),
    );
    const colon = decoded.indexOf(':');
    if (colon < 1) throw new Error('malformed');
    const secret = formDecode(decoded.slice(colon + 1));
    return {
      clientId: formDecode(decoded.slice(0, colon)),
      secret: secret === '' ? undefined : secret,
      basic: true,
    };
  } catch {
    throw new OAuthError(
      'invalid_client',
      'The Authorization header is not valid Basic client authentication.',
    );
  }
}

function credentialsOf(request: Request, params: Params): Credentials {
  const header = request.headers.get('authorization');
  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  if (header !== null) {
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'Use one client authentication method, not several.');
    }
    const credentials = basicCredentials(header);
    if (bodyId !== undefined && bodyId !== credentials.clientId) {
      throw new OAuthError('invalid_request', 'client_id does not match the Authorization header.');
    }
    return credentials;
  }
  if (bodyId === undefined) {
    throw new OAuthError(
      'invalid_client',
      'Authenticate the client (client_secret_basic, client_secret_post or none).',
    );
  }
  return { clientId: bodyId, secret: bodySecret, basic: false };
}

/**
 * Authenticates the client of a token or revocation request: `client_secret_basic`, `client_secret_post`, or for a
 * public client `client_id` alone. Secrets are compared in constant time. Failure is `invalid_client` (401). A
 * registered confidential client whose failures in the window reach `attemptLimits.clientAuthentication` is locked
 * until the window ends, even with the right secret: 429 `invalid_client` with `Retry-After`.
 */
export async function authenticateClient(
  ctx: ServerContext,
  request: Request,
  params: Params,
): Promise<Client> {
  const credentials = credentialsOf(request, params);
  const client = ctx.settings.clients.get(credentials.clientId);
  const expected = client?.clientSecret;
  // Compare even for an unknown client, so timing does not tell which client ids exist.
  const matches = await timingSafeEqual(credentials.secret ?? '', expected ?? '');
  if (client === undefined) throw new OAuthError('invalid_client', 'Client authentication failed.');
  if (expected === undefined) {
    if (credentials.secret !== undefined) {
      throw new OAuthError('invalid_client', 'This is a public client: send client_id without a secret.');
    }
    return client;
  }
  // Only registered confidential clients are counted, so the counters are as few as the configured clients.
  const limit = clientAuthenticationLimit(ctx, client.clientId);
  if (credentials.secret === undefined || !matches) {
    const retryAfter = await countClientFailure(ctx, limit);
    if (retryAfter !== undefined) throw locked(retryAfter);
    throw new OAuthError('invalid_client', 'Client authentication failed.');
  }
  const retryAfter = await clientLockedFor(ctx, limit);
  if (retryAfter !== undefined) throw locked(retryAfter);
  return client;
}

function locked(retryAfter: number): OAuthError {
  return new OAuthError(
    'invalid_client',
    `Too many failed authentications of this client; retry after ${retryAfter} seconds.`,
    429,
    retryAfter,
  );
}
