/**
 * fetchJson's guarantees that do not depend on the `fetch` behaving: the deadline holds even when `fetch` ignores
 * its signal or the body stream never settles. (The real-server cases live in issuer-keys.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { FetchError, type FetchJsonOptions, fetchJson } from './fetch-json.js';

const never = () => new Promise<never>(() => {});

function options(fetch: FetchJsonOptions['fetch'], timeoutMs = 100): FetchJsonOptions {
  return { fetch, timeoutMs, maxBytes: 1024 };
}

/** A body that delivers `start` (if any), then never another byte, and whose cancel never completes either. */
function stalledBody(start?: string): ReadableStream<Uint8Array> {
  let sent = start === undefined;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new TextEncoder().encode(start));
        return;
      }
      return never();
    },
    cancel: never,
  });
}

async function timed(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error('expected a rejection');
}

describe('fetchJson', () => {
  it('times out even when fetch ignores its abort signal', async () => {
    const { error, ms } = await timed(fetchJson('https://as.example/jwks', options(never)));
    expect(error).toBeInstanceOf(FetchError);
    expect((error as Error).message).toMatch(/timed out after 100 ms/);
    expect(ms).toBeLessThan(100 + 500);
  });

  it('times out when the body stalls and its stream ignores cancellation', async () => {
    const fetch = async () => new Response(stalledBody('{"keys":['), { status: 200 });
    const { error, ms } = await timed(fetchJson('https://as.example/jwks', options(fetch)));
    expect((error as Error).message).toMatch(/timed out after 100 ms while reading the body/);
    expect(ms).toBeLessThan(100 + 500);
  });

  it('refuses a non-200 at once, without waiting for its body to be cancelled', async () => {
    const fetch = async () => new Response(stalledBody(), { status: 500 });
    const { error, ms } = await timed(fetchJson('https://as.example/jwks', options(fetch, 5_000)));
    expect((error as Error).message).toMatch(/answered 500/);
    expect(ms).toBeLessThan(500);
  });

  it('refuses an oversized declared length at once, without reading or waiting for the body', async () => {
    const fetch = async () =>
      new Response(stalledBody(), { status: 200, headers: { 'content-length': '4096' } });
    const { error, ms } = await timed(fetchJson('https://as.example/jwks', options(fetch, 5_000)));
    expect((error as Error).message).toMatch(/4096 bytes exceeds the limit of 1024/);
    expect(ms).toBeLessThan(500);
  });

  it('asks for no redirects and sends a signal', async () => {
    let init: RequestInit | undefined;
    const fetch = async (_url: string | URL | Request, given?: RequestInit) => {
      init = given;
      return Response.json({ keys: [] });
    };
    await expect(fetchJson('https://as.example/jwks', options(fetch))).resolves.toEqual({ keys: [] });
    expect(init).toMatchObject({ method: 'GET', redirect: 'manual' });
    expect(init?.signal).toBeInstanceOf(AbortSignal);
  });

  it('refuses a body that is not valid UTF-8', async () => {
    const body = new Uint8Array([0x7b, 0x22, 0x6b, 0xff, 0x22, 0x3a, 0x31, 0x7d]); // {"k\xff":1}
    const fetch = async () => new Response(body, { status: 200 });
    await expect(fetchJson('https://as.example/jwks', options(fetch))).rejects.toThrow(/not UTF-8 JSON/);
  });

  it('keeps the URL and the underlying error in the FetchError', async () => {
    const fetch = async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    };
    const error = (await timed(fetchJson('https://as.example/jwks', options(fetch)))).error as FetchError;
    expect(error.message).toContain('https://as.example/jwks');
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});
