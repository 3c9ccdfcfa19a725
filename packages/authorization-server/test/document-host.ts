/**
 * A loopback HTTPS host for client metadata documents and key sets, for tests: it serves what each test sets per
 * path, and counts TCP connections and requests, so a test can prove what the authorization server fetched — and
 * that it connected nowhere. Its certificate (`TEST_CA`, self-signed for `localhost`, 127.0.0.1 and ::1, valid
 * 2024–2124) is a test fixture: give it as `clientIdMetadataDocuments.ca`, with `allowLoopback: true`.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

/** The host's certificate: trust it with `clientIdMetadataDocuments: { ca: TEST_CA, allowLoopback: true }`. */
export const TEST_CA = `-----BEGIN CERTIFICATE-----
MIIBlTCCATugAwIBAgIBATAKBggqhkjOPQQDAjAiMSAwHgYDVQQDDBdhdWRndWFy
ZCB0ZXN0IGxvY2FsaG9zdDAgFw0yNDAxMDEwMDAwMDBaGA8yMTI0MDEwMTAwMDAw
MFowIjEgMB4GA1UEAwwXYXVkZ3VhcmQgdGVzdCBsb2NhbGhvc3QwWTATBgcqhkjO
PQIBBggqhkjOPQMBBwNCAARdph8vtf/ALf7EyQWR+W3jHZQjN6L/v0ndfBbK6qCr
/lNZyx9aDWiXr3PbgfV7AyLn50EopeSyTOMCVZH21eTDo2AwXjAsBgNVHREEJTAj
gglsb2NhbGhvc3SHBH8AAAGHEAAAAAAAAAAAAAAAAAAAAAEwDwYDVR0TAQH/BAUw
AwEB/zAdBgNVHQ4EFgQUfq3dWLjZuNhOy2WX0efYIHZNCY0wCgYIKoZIzj0EAwID
SAAwRQIgRrn52yWMwj5das3EEYqIIoU8Op8l7tjm5kYaEa99/WYCIQD4Gp+gENV7
M8U2tu7NE0qboYvX3Lb5jwZsXvwGJ8mQQw==
-----END CERTIFICATE-----
`;

// The fixture's private key: a test key, good for nothing but this loopback host.
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+lxHkSkk3B5L7aJb
xDSgm10toeV+3dael5ina3uNreahRANCAARdph8vtf/ALf7EyQWR+W3jHZQjN6L/
v0ndfBbK6qCr/lNZyx9aDWiXr3PbgfV7AyLn50EopeSyTOMCVZH21eTD
-----END PRIVATE KEY-----
`;

/** What a path answers: a status (default 200), headers, and a body (an object is sent as JSON); or nothing ever. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string | object;
  /** Never answer (the connection stays open until the host closes). */
  hang?: boolean;
  /** Send the body in 1 KiB chunks without Content-Length. */
  chunked?: boolean;
}

/** A running document host. */
export interface DocumentHost {
  /** `https://localhost:<port>`. */
  readonly origin: string;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** The paths requested so far, in order. */
  readonly requests: readonly string[];
  /** `origin` + `path`. */
  url(path: string): string;
  /** Sets what `path` answers (every later request, until set again). */
  serve(path: string, answer: Answer): void;
  close(): Promise<void>;
}

/** Starts a document host on 127.0.0.1 (an ephemeral port); `localhost` names it. */
export async function startDocumentHost(): Promise<DocumentHost> {
  const answers = new Map<string, Answer>();
  const requests: string[] = [];
  let connections = 0;
  const server: Server = createServer({ key: TEST_KEY, cert: TEST_CA }, (req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const answer = answers.get(path) ?? { status: 404, body: 'not found' };
    if (answer.hang === true) return;
    const body =
      answer.body === undefined
        ? ''
        : typeof answer.body === 'string'
          ? answer.body
          : JSON.stringify(answer.body);
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
    if (answer.chunked !== true) return void res.end(body);
    for (let i = 0; i < body.length; i += 1024) res.write(body.slice(i, i + 1024));
    res.end();
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    get connections() {
      return connections;
    },
    requests,
    url: (path) => `${origin}${path}`,
    serve: (path, answer) => {
      answers.set(path, answer);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A valid metadata document of a public client at `clientId`, redirecting to `redirectUris`. */
export function publicClientDocument(clientId: string, redirectUris: readonly string[], extra: object = {}) {
  return {
    client_id: clientId,
    client_name: 'Example MCP Client',
    redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...extra,
  };
}
