/** A body was larger than the limit it was read with (what HTTP calls 413 Content Too Large). */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`the body is larger than ${limit} bytes`);
  }
}

/**
 * Reads a body stream to its end, but never more than `maxBytes`: past the limit the stream is cancelled and
 * {@link BodyTooLargeError} thrown, so nothing larger is ever held in memory. When `until` rejects (a deadline),
 * the read stops, the stream is cancelled and its reason is thrown. Bytes are counted as they arrive, after any
 * decompression the stream itself does.
 */
export async function readLimitedBody(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  until?: Promise<never>,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await (until === undefined ? reader.read() : Promise.race([reader.read(), until]));
    } catch (error) {
      reader.cancel().catch(() => {});
      throw error;
    }
    if (chunk.done) break;
    total += chunk.value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(chunk.value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads a request's body with {@link readLimitedBody}, refusing at once (before reading anything) when its
 * `Content-Length` already announces more than `maxBytes`.
 */
export function readRequestBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) {
    request.body?.cancel().catch(() => {});
    return Promise.reject(new BodyTooLargeError(maxBytes));
  }
  return readLimitedBody(request.body, maxBytes);
}
