import { BodyTooLargeError, readRequestBody } from '@audguard/core/protocol';
import { OAuthError } from '../errors.js';
import { Params } from './params.js';

/** The largest request body read, in bytes (64 KiB). Larger bodies get 413 `invalid_request`. */
export const MAX_BODY_BYTES = 65_536;

const decoder = new TextDecoder();

async function readBody(request: Request): Promise<string> {
  try {
    return decoder.decode(await readRequestBody(request, MAX_BODY_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new OAuthError(
        'invalid_request',
        `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
        413,
      );
    }
    throw error;
  }
}

/**
 * Reads an `application/x-www-form-urlencoded` body (RFC 6749 §3.2), refusing other content types and bodies over
 * {@link MAX_BODY_BYTES}, both as `invalid_request`.
 */
export async function readForm(request: Request, repeatable: readonly string[] = []): Promise<Params> {
  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded.');
  }
  return new Params(new URLSearchParams(await readBody(request)), repeatable);
}

/** Refuses repeated parameters with `invalid_request`. */
export function refuseDuplicates(params: Params): void {
  const name = params.duplicated[0];
  if (name === undefined) return;
  // Only a plain parameter name is echoed back; anything else could carry markup or noise into the response.
  const which = /^[a-z_]{1,40}$/.test(name) ? `The ${name} parameter is repeated` : 'A parameter is repeated';
  throw new OAuthError('invalid_request', `${which}; send each parameter once.`);
}
