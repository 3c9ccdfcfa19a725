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

/**
 * GETs `url` and parses a JSON object, with a deadline covering the whole exchange (headers and body), a body size
 * limit enforced while streaming, and no redirects followed (a JWKS behind a redirect is a misconfiguration or an
 * attack; either way it is not used).
 */
export async function fetchJson(url: string, options: FetchJsonOptions): Promise<Record<string, unknown>> {
  const { timeoutMs, maxBytes } = options;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The deadline is raced against every wait as well as passed as a signal: a `fetch` that ignores its signal (some
  // wrappers and polyfills do) or a body stream that never settles must still not hold a request past it.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new FetchError(`GET ${url} timed out after ${timeoutMs} ms`);
      reject(error);
      controller.abort(error);
    }, timeoutMs);
  });
  deadline.catch(() => {}); // only ever observed through Promise.race
  try {
    let response: Response;
    try {
      const request = options.fetch(url, {
        method: 'GET',
        headers: { accept: 'application/json, application/jwk-set+json' },
        redirect: 'manual',
        signal: controller.signal,
      });
      response = await Promise.race([request, deadline]);
    } catch (cause) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw new FetchError(`GET ${url} failed`, { cause });
    }
    if (response.status !== 200) {
      discard(response);
      throw new FetchError(
        `GET ${url} answered ${response.status}; expected 200 (redirects are not followed)`,
      );
    }
    const declared = response.headers.get('content-length');
    if (declared !== null && Number(declared) > maxBytes) {
      discard(response);
      throw new FetchError(`GET ${url}: body of ${declared} bytes exceeds the limit of ${maxBytes}`);
    }
    const bytes = await readBody(response, url, options, deadline);
    let parsed: unknown;
    try {
      // Strict UTF-8: a key set that is not valid UTF-8 is broken, and replacement characters could alter a kid.
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (cause) {
      throw new FetchError(`GET ${url}: body is not UTF-8 JSON`, { cause });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new FetchError(`GET ${url}: body is not a JSON object`);
    }
    return parsed as Record<string, unknown>;
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
  url: string,
  { maxBytes, timeoutMs }: FetchJsonOptions,
  deadline: Promise<never>,
): Promise<Uint8Array> {
  try {
    return await readLimitedBody(response.body, maxBytes, deadline);
  } catch (cause) {
    if (cause instanceof BodyTooLargeError) {
      throw new FetchError(`GET ${url}: body exceeds the limit of ${maxBytes} bytes`);
    }
    if (cause instanceof FetchError) {
      throw new FetchError(`GET ${url}: timed out after ${timeoutMs} ms while reading the body`);
    }
    throw new FetchError(`GET ${url}: reading the body failed`, { cause });
  }
}
