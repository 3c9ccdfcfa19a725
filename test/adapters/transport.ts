/**
 * How the case table reaches an app: over real HTTP for Node servers (supertest; a raw `http.request` when a header
 * repeats, because supertest keeps one value per name), or through `app.request()` for fetch-style apps.
 */
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';

export interface CaseRequest {
  method?: 'GET' | 'POST';
  path: string;
  /** Name/value pairs; a name may repeat. */
  headers?: readonly (readonly [string, string])[];
  body?: string;
}

export interface CaseResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Parsed when JSON, else the text. */
  body: unknown;
}

export interface Target {
  send(request: CaseRequest): Promise<CaseResponse>;
  close(): Promise<void>;
}

/** Listens on a loopback port and sends each case over HTTP. */
export async function nodeTarget(server: Server): Promise<Target> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    send: (request) => (repeatsAHeader(request) ? raw(port, request) : viaSupertest(server, request)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Sends each case through a fetch handler (`app.request`, no server). */
export function fetchTarget(fetch: (request: Request) => Response | Promise<Response>): Target {
  return {
    async send({ method = 'GET', path, headers = [], body }) {
      const response = await fetch(
        new Request(`http://localhost${path}`, {
          method,
          headers: new Headers(headers.map(([n, v]) => [n, v] as [string, string])),
          ...(body === undefined ? {} : { body }),
        }),
      );
      const text = await response.text();
      const out: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        out[name] = value;
      });
      return { status: response.status, headers: out, body: parse(out['content-type'], text) };
    },
    close: async () => {},
  };
}

async function viaSupertest(server: Server, { method = 'GET', path, headers = [], body }: CaseRequest) {
  const agent = supertest(server);
  let test = method === 'POST' ? agent.post(path) : agent.get(path);
  for (const [name, value] of headers) test = test.set(name, value);
  if (body !== undefined) test = test.send(body);
  const response = await test;
  const out = response.headers as Record<string, string>;
  return { status: response.status, headers: out, body: parse(out['content-type'], response.text) };
}

function raw(port: number, { method = 'GET', path, headers = [], body }: CaseRequest): Promise<CaseResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path }, (res) => {
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
        resolve({ status: res.statusCode ?? 0, headers: out, body: parse(out['content-type'], text) });
      });
    });
    req.on('error', reject);
    const byName = new Map<string, string[]>();
    for (const [name, value] of headers) byName.set(name, [...(byName.get(name) ?? []), value]);
    // An array value is sent as one header line per element: two Authorization headers on the wire.
    for (const [name, values] of byName)
      req.setHeader(name, values.length === 1 ? (values[0] as string) : values);
    req.end(body);
  });
}

function repeatsAHeader({ headers = [] }: CaseRequest): boolean {
  const names = headers.map(([name]) => name.toLowerCase());
  return new Set(names).size !== names.length;
}

function parse(contentType: string | undefined, text: string | undefined): unknown {
  if (text === undefined || text === '') return text ?? '';
  return contentType?.startsWith('application/json') ? JSON.parse(text) : text;
}
