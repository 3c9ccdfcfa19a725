import { BodyTooLargeError, readLimitedBody } from './read-body.js';

/** Why a fetch of a key set or metadata document failed (kept as `cause`; never shown to clients). */
export class FetchError extends Error {
  override readonly name = 'FetchError';
}

/** @internal Options for {@link fetchJson}. */
export interface FetchJsonOptions {
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  maxBytes: number;
}

/** @internal What one bounded exchange brought back. */
export interface BoundedResponse {
  readonly status: number;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/** @internal The request of {@link fetchBounded}. */
export interface BoundedRequest {
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/**
 * GETs `url` and parses a JSON object, with a deadline covering the whole exchange (headers and body), a body size
 * limit enforced while streaming, and no redirects followed (a JWKS behind a redirect is a misconfiguration or an
 * attack; either way it is not used).
 */
export async function fetchJson(url: string, options: FetchJsonOptions): Promise<Record<string, unknown>> {
  const request = {
    method: 'GET',
    headers: { accept: 'application/json, application/jwk-set+json' },
  } as const;
  const { bytes } = await fetchBounded(url, request, options, true);
  return parseJsonObject(bytes, `GET ${url}`);
}

/** @internal A JSON object from a body, strictly UTF-8, or a {@link FetchError} naming `what`. */
export function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    // Strict UTF-8: a key set that is not valid UTF-8 is broken, and replacement characters could alter a kid.
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new FetchError(`${what}: body is not UTF-8 JSON`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FetchError(`${what}: body is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * @internal One exchange under the rules of {@link fetchJson} — one deadline for headers and body, a size cap while
 * streaming, no redirects — for any method. With `only200`, any other status is a {@link FetchError}.
 */
export async function fetchBounded(
  url: string,
  init: BoundedRequest,
  options: FetchJsonOptions,
  only200: boolean,
): Promise<BoundedResponse> {
  const { timeoutMs, maxBytes } = options;
  const what = `${init.method} ${url}`;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The deadline is raced against every wait as well as passed as a signal: a `fetch` that ignores its signal (some
  // wrappers and polyfills do) or a body stream that never settles must still not hold a request past it.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new FetchError(`${what} timed out after ${timeoutMs} ms`);
      reject(error);
      controller.abort(error);
    }, timeoutMs);
  });
  deadline.catch(() => {}); // only ever observed through Promise.race
  try {
    let response: Response;
    try {
      const request = options.fetch(url, {
        ...init,
        redirect: 'manual',
        signal: controller.signal,
      });
      response = await Promise.race([request, deadline]);
    } catch (cause) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw new FetchError(`${what} failed`, { cause });
    }
    if (only200 && response.status !== 200) {
      discard(response);
      throw new FetchError(`${what} answered ${response.status}; expected 200 (redirects are not followed)`);
    }
    const declared = response.headers.get('content-length');
    if (declared !== null && Number(declared) > maxBytes) {
      discard(response);
      throw new FetchError(`${what}: body of ${declared} bytes exceeds the limit of ${maxBytes}`);
    }
    const bytes = await readBody(response, what, options, deadline);
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', bytes };
  } finally {
    clearTimeout(timer);
  }
}

/** Releases an unwanted body without waiting: a stalled body's cancel must not hold the request. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => {});
}

async function readBody(
  response: Response,
  what: string,
  { maxBytes, timeoutMs }: FetchJsonOptions,
  deadline: Promise<never>,
): Promise<Uint8Array> {
  try {
    return await readLimitedBody(response.body, maxBytes, deadline);
  } catch (cause) {
    if (cause instanceof BodyTooLargeError) {
      throw new FetchError(`${what}: body exceeds the limit of ${maxBytes} bytes`);
    }
    if (cause instanceof FetchError) {
      throw new FetchError(`${what}: timed out after ${timeoutMs} ms while reading the body`);
    }
    throw new FetchError(`${what}: reading the body failed`, { cause });
  }
}
