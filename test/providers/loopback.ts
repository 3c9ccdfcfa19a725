/**
 * The providers' key sets, served from a real HTTP server on loopback (the core's own test JWKS server), and the one
 * thing the tests add to each recipe: a `jwksOptions.fetch` that sends the provider's documented HTTPS URL to that
 * server, same path. Every recipe is used exactly as its page prints it, and its JWKS (or discovery) requests still
 * go over HTTP — counted per path. A URL with no loopback stand-in fails the fetch: nothing leaves the machine.
 */
import type { JsonWebKey, VerifierOptions } from '@audguard/core';
import { type JwksServer, json, startJwksServer } from '../../packages/core/test/jwks-server.js';

export type { JwksServer } from '../../packages/core/test/jwks-server.js';

export interface Loopback {
  /** The shared JWKS server; provider URLs land on `/<host><path>`. */
  readonly server: JwksServer;
  /** Serves `keys` at the provider URL `url` (an `https://` URL as the recipe names it). */
  publish(url: string, keys: readonly JsonWebKey[]): void;
  /** Requests the server received for the provider URL `url`. */
  hits(url: string): number;
  /** Sends `https://host/...` to another loopback base (a running authorization server). */
  forward(origin: string, base: string): void;
  /** The recipe, plus the fetch that reaches loopback instead of the provider. */
  wire(recipe: VerifierOptions): VerifierOptions;
  close(): Promise<void>;
}

export async function startLoopback(): Promise<Loopback> {
  const server = await startJwksServer();
  const forwarded = new Map<string, string>();
  const published = new Set<string>();
  const local = (url: string) => {
    const { host, pathname, search } = new URL(url);
    return `/${host}${pathname}${search}`;
  };
  const rewrite = (url: string): string => {
    const parsed = new URL(url);
    const base = forwarded.get(parsed.origin);
    if (base !== undefined) return `${base}${parsed.pathname}${parsed.search}`;
    if (!published.has(url)) throw new Error(`no loopback stand-in for ${url}`);
    return server.url(local(url));
  };
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return globalThis.fetch(rewrite(url), init);
  };
  return {
    server,
    publish(url, keys) {
      published.add(url);
      server.route(new URL(server.url(local(url))).pathname, json({ keys }));
    },
    hits: (url) => server.hits(new URL(server.url(local(url))).pathname),
    forward: (origin, base) => forwarded.set(origin, base),
    wire: (recipe) => ({ ...recipe, jwksOptions: { ...recipe.jwksOptions, fetch } }),
    close: () => server.close(),
  };
}
