import { assertionSubject, JWT_BEARER, verifyClientAssertion } from './clients/client-assertion.js';
import { findClient } from './clients/lookup.js';
import { sha256, timingSafeEqual } from './crypto.js';
import { OAuthError } from './errors.js';
import type { Params } from './http/params.js';
import type { ServerContext } from './server-context.js';
import type { Client } from './settings.js';
import { clientAuthenticationLimit, clientLockedFor, countClientFailure } from './throttle.js';

interface Credentials {
  clientId: string;
  secret: string | undefined;
  basic: boolean;
  /** An RFC 7523 client assertion (`private_key_jwt`). */
  assertion?: string;
}

const severalMethods = 'Use one client authentication method, not several.';

/** RFC 7523 §2.2 credentials: `client_assertion_type` and `client_assertion`, `client_id` optional. */
function assertionCredentials(request: Request, params: Params): Credentials | undefined {
  const type = params.get('client_assertion_type');
  const assertion = params.get('client_assertion');
  if (type === undefined && assertion === undefined) return undefined;
  if (request.headers.get('authorization') !== null || params.get('client_secret') !== undefined) {
    throw new OAuthError('invalid_request', severalMethods);
  }
  if (type !== JWT_BEARER)
    throw new OAuthError('invalid_client', `client_assertion_type must be ${JWT_BEARER}.`);
  if (assertion === undefined) throw new OAuthError('invalid_client', 'The client_assertion is missing.');
  const clientId = assertionSubject(assertion);
  const bodyId = params.get('client_id');
  if (bodyId !== undefined && bodyId !== clientId) {
    throw new OAuthError('invalid_client', 'client_id does not match the client assertion.');
  }
  return { clientId, secret: undefined, basic: false, assertion };
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
  const assertion = assertionCredentials(request, params);
  if (assertion !== undefined) return assertion;
  const header = request.headers.get('authorization');
  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  if (header !== null) {
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', severalMethods);
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

/** A `private_key_jwt` client must send an assertion, and only such a client may. */
async function authenticateByAssertion(
  ctx: ServerContext,
  client: Client | undefined,
  assertion: string | undefined,
): Promise<Client> {
  if (client === undefined) throw new OAuthError('invalid_client', 'Client authentication failed.');
  if (client.authMethod !== 'private_key_jwt') {
    throw new OAuthError('invalid_client', 'This client does not authenticate with private_key_jwt.');
  }
  if (assertion === undefined) {
    throw new OAuthError(
      'invalid_client',
      'This client declared private_key_jwt: authenticate with a client assertion (RFC 7523).',
    );
  }
  await verifyClientAssertion(ctx, client, assertion);
  return client;
}

/** Whether the secret matches: a configured client's as given, a registered client's by its stored hash. */
async function secretMatches(client: Client | undefined, secret: string): Promise<boolean> {
  if (client?.clientSecretHash !== undefined)
    return timingSafeEqual(await sha256(secret), client.clientSecretHash);
  return timingSafeEqual(secret, client?.clientSecret ?? '');
}

/**
 * Authenticates the client of a token or revocation request, found by `findClient` (configured, registered or
 * self-described): `client_secret_basic`, `client_secret_post`, `private_key_jwt` (RFC 7523, required of a client
 * whose metadata document declares it), or for a public client `client_id` alone. A registered confidential client
 * must use the secret method it registered. Secrets are compared in constant time. Failure is `invalid_client`
 * (401). A confidential client whose failures in the window reach `attemptLimits.clientAuthentication` is locked
 * until the window ends, even with the right secret: 429 `invalid_client` with `Retry-After`.
 */
export async function authenticateClient(
  ctx: ServerContext,
  request: Request,
  params: Params,
): Promise<Client> {
  const credentials = credentialsOf(request, params);
  const client = await findClient(ctx, credentials.clientId);
  if (credentials.assertion !== undefined || client?.authMethod === 'private_key_jwt') {
    return authenticateByAssertion(ctx, client, credentials.assertion);
  }
  // Compare even for an unknown client, so timing does not tell which client ids exist.
  const matches = await secretMatches(client, credentials.secret ?? '');
  if (client === undefined) throw new OAuthError('invalid_client', 'Client authentication failed.');
  if (client.clientSecret === undefined && client.clientSecretHash === undefined) {
    if (credentials.secret !== undefined) {
      throw new OAuthError('invalid_client', 'This is a public client: send client_id without a secret.');
    }
    return client;
  }
  const registered = client.authMethod;
  if (registered !== undefined && (registered === 'client_secret_basic') !== credentials.basic) {
    throw new OAuthError('invalid_client', `This client registered ${registered}: authenticate with it.`);
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
