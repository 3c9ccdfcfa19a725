import { FetchError, fetchJson } from '@audguard/core/protocol';
import type { MetadataDocumentSettings } from '../settings.js';
import { RefusedAddressError } from './addresses.js';
import { refuseLiteral, safeFetch } from './safe-fetch.js';

/** A fetched JSON document and how long it may be cached, in seconds (0: not at all). */
export interface FetchedDocument {
  readonly body: Record<string, unknown>;
  readonly cacheSeconds: number;
}

/** Why a document could not be had, said so a developer can fix it (shown on the 400 page and as `invalid_client`). */
export class DocumentFetchError extends Error {
  override readonly name = 'DocumentFetchError';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/**
 * How long a document may be cached: its `Cache-Control` `max-age` less its `Age`, clamped to
 * `[min, max]`; `no-store`, `no-cache` or no `max-age` at all give `min` (RFC 9111 lets a cache be more careful,
 * and the draft lets the server bound the lifetime both ways).
 */
export function cacheSeconds(
  cacheControl: string | null,
  age: string | null,
  min: number,
  max: number,
): number {
  const directives = (cacheControl ?? '')
    .toLowerCase()
    .split(',')
    .map((directive) => directive.trim());
  if (directives.some((d) => d === 'no-store' || d === 'no-cache' || d.startsWith('no-cache='))) return min;
  const maxAge = /^max-age="?(\d{1,10})"?$/.exec(directives.find((d) => d.startsWith('max-age=')) ?? '')?.[1];
  if (maxAge === undefined) return min;
  const elapsed = age !== null && /^\d{1,10}$/.test(age.trim()) ? Number(age.trim()) : 0;
  return Math.min(max, Math.max(min, Number(maxAge) - elapsed));
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && chain.length < 8; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    if (typeof e !== 'object' || e === null) break;
  }
  return chain;
}

/** The fetch used for documents: the configured one, else the built-in one with its address checks. */
export function documentFetcher(settings: MetadataDocumentSettings): typeof globalThis.fetch {
  return settings.fetch ?? safeFetch({ allowLoopback: settings.allowLoopback, ca: settings.ca });
}

/**
 * GETs a client metadata document (or a client's key set) by the draft's rules (§5, §8.6, §8.7): nothing sent to a
 * refused address, no redirect followed, only 200, at most `maxBytes`, within `timeoutMs`, a JSON object. Throws
 * {@link DocumentFetchError} with a reason that can be shown.
 */
export async function fetchDocument(
  settings: MetadataDocumentSettings,
  fetcher: typeof globalThis.fetch,
  url: string,
): Promise<FetchedDocument> {
  let status: number | undefined;
  let headers: Headers | undefined;
  const watched = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetcher(input, init);
    status = response.status;
    headers = response.headers;
    return response;
  };
  try {
    refuseLiteral(new URL(url), settings.allowLoopback);
    const body = await fetchJson(url, {
      fetch: watched as typeof globalThis.fetch,
      timeoutMs: settings.timeoutMs,
      maxBytes: settings.maxBytes,
    });
    const seconds = cacheSeconds(
      headers?.get('cache-control') ?? null,
      headers?.get('age') ?? null,
      settings.minCacheSeconds,
      settings.maxCacheSeconds,
    );
    return { body, cacheSeconds: seconds };
  } catch (error) {
    throw new DocumentFetchError(reasonOf(error, status, settings), { cause: error });
  }
}

function reasonOf(error: unknown, status: number | undefined, settings: MetadataDocumentSettings): string {
  if (causeChain(error).some((e) => e instanceof RefusedAddressError)) {
    return 'its host is a private, loopback or special-use address, which this server does not contact';
  }
  if (status !== undefined && status !== 200) {
    const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
    return `it answered HTTP ${status}, not 200${redirect}`;
  }
  const message = error instanceof FetchError ? error.message : '';
  if (/exceeds the limit/.test(message)) return `it is larger than ${settings.maxBytes} bytes`;
  if (/timed out/.test(message)) return `it did not answer within ${settings.timeoutMs} ms`;
  if (/not UTF-8 JSON|not a JSON object/.test(message)) return 'it is not a JSON object';
  return 'it could not be fetched';
}
