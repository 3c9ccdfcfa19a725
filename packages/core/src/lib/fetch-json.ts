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
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    let response: Response;
    try {
      response = await options.fetch(url, {
        method: 'GET',
        headers: { accept: 'application/json, application/jwk-set+json' },
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch (cause) {
      throw new FetchError(
        controller.signal.aborted
          ? `GET ${url} timed out after ${options.timeoutMs} ms`
          : `GET ${url} failed`,
        { cause },
      );
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      throw new FetchError(
        `GET ${url} answered ${response.status}; expected 200 (redirects are not followed)`,
      );
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw new FetchError(`GET ${url}: body of ${declared} bytes exceeds the limit of ${options.maxBytes}`);
    }
    const text = await readLimited(response, options.maxBytes, url, controller.signal);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new FetchError(`GET ${url}: body is not JSON`, { cause });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new FetchError(`GET ${url}: body is not a JSON object`);
    }
    return parsed as Record<string, unknown>;
  } finally {
    clearTimeout(timer);
  }
}

async function readLimited(
  response: Response,
  maxBytes: number,
  url: string,
  signal: AbortSignal,
): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new FetchError(`GET ${url}: body exceeds the limit of ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (cause instanceof FetchError) throw cause;
    throw new FetchError(
      signal.aborted ? `GET ${url}: timed out while reading the body` : `GET ${url}: reading the body failed`,
      { cause },
    );
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}
