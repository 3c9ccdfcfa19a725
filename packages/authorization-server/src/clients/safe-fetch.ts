import { request } from 'node:https';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { guardedLookup, isAllowedAddress, type LookupFunction, RefusedAddressError } from './addresses.js';

/** What the built-in fetch is built from. */
export interface SafeFetchOptions {
  readonly allowLoopback: boolean;
  /** PEM certificates trusted besides Node's bundled roots. */
  readonly ca: readonly string[];
  /** The resolver (tests give one that answers a chosen address). Default is `dns.lookup`. */
  readonly resolve?: LookupFunction;
}

/** The host of a URL as an address literal (brackets of an IPv6 literal removed), or `undefined` for a name. */
export function ipLiteral(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) === 0 ? undefined : host;
}

/**
 * Refuses a URL whose host is an IP literal the server may not reach. `net.connect` does not call `lookup` for
 * literals, so they are checked here, before anything is sent.
 */
export function refuseLiteral(url: URL, allowLoopback: boolean): void {
  const literal = ipLiteral(url);
  if (literal !== undefined && !isAllowedAddress(literal, allowLoopback)) {
    throw new RefusedAddressError(url.hostname, literal);
  }
}

/**
 * The built-in fetch of client metadata documents and key sets: a `fetch`-shaped GET over `node:https` whose
 * connection can only reach allowed addresses — every address a name resolves to is checked by the socket's own
 * `lookup` (see `guardedLookup`), and literals before that. It follows no redirect (`node:https` never does) and
 * gives any answer but 200 back without its body. Deadline and size limit are the caller's (`fetchJson`).
 */
export function safeFetch(options: SafeFetchOptions): typeof globalThis.fetch {
  const lookup = guardedLookup(options.allowLoopback, options.resolve);
  const ca = options.ca.length === 0 ? undefined : [...rootCertificates, ...options.ca];
  const fetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.protocol !== 'https:') return reject(new TypeError('only https: URLs are fetched'));
      refuseLiteral(url, options.allowLoopback);
      const req = request(
        url,
        {
          method: 'GET',
          headers: Object.fromEntries(new Headers(init.headers)),
          lookup: lookup as never,
          ...(ca === undefined ? {} : { ca }),
          agent: false,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          if (status !== 200) {
            res.destroy();
            resolve(new Response(null, { status: status >= 200 && status <= 599 ? status : 502, headers }));
            return;
          }
          resolve(
            new Response(Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>, { status, headers }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  return fetch as typeof globalThis.fetch;
}
