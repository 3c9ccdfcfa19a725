/**
 * The wire for the attack matrix: loopback servers that count hits (our JWKS, the attacker's URL), a raw HTTP
 * client that can repeat a header (node:http writes each repeated header as its own line), and the same request sent
 * through a fetch-style handler.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// ---- Loopback servers -----------------------------------------------------------------------------------------

export interface CountingServer {
  readonly origin: string;
  /** Requests received, all paths. */
  hits(): number;
  close(): Promise<void>;
}

/** Serves `body` as JSON on every path and counts the requests. */
export async function countingServer(body: () => unknown): Promise<CountingServer> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    const text = JSON.stringify(body());
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  const origin = await listen(server);
  return {
    origin,
    hits: () => hits,
    close: () => close(server),
  };
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}

// ---- Requests -------------------------------------------------------------------------------------------------

export interface AttackRequest {
  path: string;
  /** Name/value pairs, sent in order; a name may repeat (two header lines on the wire). */
  headers: readonly (readonly [string, string])[];
}

export interface AttackResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
  json: Record<string, unknown> | undefined;
}

function parse(status: number, headers: Record<string, string>, text: string): AttackResponse {
  let json: Record<string, unknown> | undefined;
  if ((headers['content-type'] ?? '').startsWith('application/json') && text !== '') {
    json = JSON.parse(text) as Record<string, unknown>;
  }
  return { status, headers, text, json };
}

/** Sends over HTTP with node:http, which writes each repeated header as its own line. */
export function sendHttp(origin: string, { path, headers }: AttackRequest): Promise<AttackResponse> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: 'GET', path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        const out: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve(parse(res.statusCode ?? 0, out, text));
      });
    });
    req.on('error', reject);
    const byName = new Map<string, string[]>();
    for (const [name, value] of headers) byName.set(name, [...(byName.get(name) ?? []), value]);
    for (const [name, values] of byName)
      req.setHeader(name, values.length === 1 ? (values[0] ?? '') : values);
    req.end();
  });
}

/** Sends through a fetch-style handler (Hono's `app.request`); repeated headers are appended, as a server would. */
export async function sendFetch(
  fetch: (request: Request) => Response | Promise<Response>,
  { path, headers }: AttackRequest,
): Promise<AttackResponse> {
  const h = new Headers();
  for (const [name, value] of headers) h.append(name, value);
  const response = await fetch(new Request(`http://localhost${path}`, { headers: h }));
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  return parse(response.status, out, await response.text());
}
