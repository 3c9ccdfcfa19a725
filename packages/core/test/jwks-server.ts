/**
 * A real HTTP server on loopback for key-set tests: routes can be swapped, slowed, broken and counted, and the whole
 * server can be taken down (connections refused) and brought back on the same port. Plus key and token helpers that
 * take the time from the test's clock rather than `Date.now`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JWTPayload, SignJWT } from 'jose';
import type { JwsAlgorithm } from '../src/index.js';
import { type TestKey, testKey } from './tokens.js';

export type Handler = (req: IncomingMessage, res: ServerResponse, server: JwksServer) => void;

export interface JwksServer {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** `origin + path`. */
  url(path: string): string;
  /** Serves `path` with `handler` from now on (`undefined`: 404). */
  route(path: string, handler: Handler | undefined): void;
  /** Requests received for `path` (counted on arrival, whatever the answer). */
  hits(path: string): number;
  /** Requests received, all paths together. */
  totalHits(): number;
  /** Runs `fn` after `ms` unless the server is stopped first. */
  later(ms: number, fn: () => void): void;
  /** Takes the server down: open connections are cut, new ones refused (ECONNREFUSED). */
  stop(): Promise<void>;
  /** Brings the server back on the same port. */
  restart(): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
}

export async function startJwksServer(): Promise<JwksServer> {
  const routes = new Map<string, Handler>();
  const counts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let listening = false;

  const http = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const handler = routes.get(path);
    if (handler) handler(req, res, api);
    else json({ error: 'not_found' }, { status: 404 })(req, res, api);
  });
  // A stalled response must not keep a socket (or the test run) alive after stop().
  http.keepAliveTimeout = 1000;

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, '127.0.0.1', () => {
        http.off('error', reject);
        listening = true;
        resolve();
      });
    });
  await listen(0);
  const port = (http.address() as AddressInfo).port;

  const api: JwksServer = {
    origin: `http://127.0.0.1:${port}`,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    route(path, handler) {
      if (handler) routes.set(path, handler);
      else routes.delete(path);
    },
    hits: (path) => counts.get(path) ?? 0,
    totalHits: () => [...counts.values()].reduce((a, b) => a + b, 0),
    later(ms, fn) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      if (!listening) return;
      listening = false;
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
    restart: () => listen(port),
    close: () => api.stop(),
  };
  return api;
}

// ---- Handlers -------------------------------------------------------------------------------------------------

export interface JsonInit {
  status?: number;
  headers?: Record<string, string>;
  /** Send without `content-length` (chunked), in pieces of this many bytes. */
  chunked?: number;
}

/** Answers with `body` as JSON (a string is sent as is, for malformed bodies). */
export function json(body: unknown, init: JsonInit = {}): Handler {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (_req, res) => {
    const headers = { 'content-type': 'application/json', ...init.headers };
    if (init.chunked === undefined) {
      res.writeHead(init.status ?? 200, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
      return;
    }
    res.writeHead(init.status ?? 200, headers);
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += init.chunked) res.write(bytes.subarray(i, i + init.chunked));
    res.end();
  };
}

/** Answers with whatever `body()` returns at request time (for key sets that rotate). */
export function dynamicJson(body: () => unknown, init: JsonInit = {}): Handler {
  return (req, res, server) => json(body(), init)(req, res, server);
}

/** Never answers (headers never come). */
export const hang: Handler = () => {};

/** Sends the headers and the start of the body, then stalls for ever. */
export function stallBody(start = '{"keys":['): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(start);
  };
}

/** Delays `handler` by `ms`. */
export function delayed(ms: number, handler: Handler): Handler {
  return (req, res, server) => server.later(ms, () => handler(req, res, server));
}

/** A redirect to `location`. */
export function redirect(location: string, status = 302): Handler {
  return (_req, res) => {
    res.writeHead(status, { location });
    res.end();
  };
}

/** Holds every request until `open()` is called; for proving a request did not wait for a fetch. */
export function gate(handler: Handler): { handler: Handler; open(): void; waiting(): number } {
  let queued: Array<() => void> = [];
  let opened = false;
  return {
    handler: (req, res, server) => {
      if (opened) handler(req, res, server);
      else queued.push(() => handler(req, res, server));
    },
    open() {
      opened = true;
      for (const run of queued) run();
      queued = [];
    },
    waiting: () => queued.length,
  };
}

// ---- Keys and tokens ------------------------------------------------------------------------------------------

/** A signing key and its published JWK: the one shape every core test uses ({@link testKey}). */
export type SigningKey = TestKey;

export function signingKey(alg: JwsAlgorithm, kid: string): Promise<SigningKey> {
  return testKey(alg, kid);
}

export interface TokenOptions {
  issuer: string;
  audience: string;
  /** The test clock, in milliseconds; `iat` is now and `exp` a day later. */
  now: number;
  /** Header members to override (`kid`, `alg`...). */
  header?: Record<string, unknown>;
}

export function mintToken(key: SigningKey, options: TokenOptions): Promise<string> {
  const now = Math.floor(options.now / 1000);
  const payload: JWTPayload = {
    iss: options.issuer,
    aud: options.audience,
    sub: 'user-1',
    client_id: 'client-1',
    scope: 'orders:read',
    iat: now,
    exp: now + 86_400,
    jti: crypto.randomUUID(),
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...options.header })
    .sign(key.privateKey);
}

/** A token with any header and a meaningless signature (`bytes` long): a forgery for key-selection tests. */
export function forgeToken(header: Record<string, unknown>, options: TokenOptions, bytes = 256): string {
  const now = Math.floor(options.now / 1000);
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = { iss: options.issuer, aud: options.audience, sub: 'user-1', iat: now, exp: now + 86_400 };
  return `${b64({ typ: 'at+jwt', ...header })}.${b64(payload)}.${Buffer.alloc(bytes, 7).toString('base64url')}`;
}

/** Every message and code along an error's `cause` chain (and inside AggregateErrors), for leak checks. */
export function causeChain(error: unknown): string {
  const seen = new Set<unknown>();
  const parts: string[] = [];
  const walk = (value: unknown) => {
    if (value === undefined || value === null || seen.has(value)) return;
    seen.add(value);
    if (value instanceof Error) {
      parts.push(`${value.name}: ${value.message}`);
      const code = (value as { code?: unknown }).code;
      if (typeof code === 'string') parts.push(code);
      if (value instanceof AggregateError) for (const inner of value.errors) walk(inner);
      walk(value.cause);
    } else {
      parts.push(String(value));
    }
  };
  walk(error);
  return parts.join('\n');
}
