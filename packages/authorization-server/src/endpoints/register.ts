import { BodyTooLargeError, readRequestBody } from '@audguard/core/protocol';
import { registerClient } from '../clients/registration.js';
import { OAuthError } from '../errors.js';
import { jsonResponse } from '../http/responses.js';
import type { ServerContext } from '../server-context.js';

const invalid = (description: string, status = 400) =>
  new OAuthError('invalid_client_metadata', description, status);

async function readMetadata(request: Request, maxBytes: number): Promise<Record<string, unknown>> {
  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') throw invalid('Send the client metadata as application/json.');
  let bytes: Uint8Array;
  try {
    bytes = await readRequestBody(request, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      throw invalid(`The request is larger than ${maxBytes} bytes.`, 413);
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid('The request body is not UTF-8 JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('The client metadata must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/**
 * `POST /register` (RFC 7591 §3): open dynamic client registration, when `clientRegistration` is on. JSON in,
 * 201 with the registered metadata out; errors are RFC 7591 §3.2.2 JSON (`invalid_redirect_uri`,
 * `invalid_client_metadata`), 413 for a body over `maxBodyBytes`, 429 with `Retry-After` past a registration limit.
 * `remoteAddress` is the connection's, when the server listens itself.
 */
export async function registerEndpoint(
  ctx: ServerContext,
  request: Request,
  remoteAddress: string | undefined,
): Promise<Response> {
  const settings = ctx.settings.registration;
  if (settings === undefined) throw new OAuthError('invalid_request', 'Not found.', 404);
  const metadata = await readMetadata(request, settings.maxBodyBytes);
  const address = settings.clientAddress === undefined ? remoteAddress : settings.clientAddress(request);
  return jsonResponse(await registerClient(ctx, settings, metadata, address), 201);
}
