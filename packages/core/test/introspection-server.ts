/**
 * A small, real RFC 7662 introspection endpoint on loopback, for the resource-server tests (our authorization
 * server's comes later): it authenticates its caller (client_secret_basic, client_secret_post or private_key_jwt),
 * answers per token from what the test registered, can sign its answers (RFC 9701) when asked, and can be made slow,
 * wrong or unreachable.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, type JWK, jwtVerify, SignJWT } from 'jose';
import type { JsonWebKey } from '../src/index.js';

export interface Behaviour {
  /** Milliseconds before answering. */
  delayMs?: number;
  /** Answer with this status and body instead (e.g. 500, or 200 with garbage). */
  status?: number;
  rawBody?: string;
  contentType?: string;
  /** Sign answers (RFC 9701) when the caller asks, with these claims overriding the envelope's. */
  envelope?: Record<string, unknown>;
  /** Header members of the signed answer to override (`typ`). */
  signedHeader?: Record<string, unknown>;
}

export interface SeenRequest {
  readonly method: string;
  readonly headers: IncomingMessage['headers'];
  readonly params: URLSearchParams;
}

export interface IntrospectionServer {
  readonly url: string;
  /** What the endpoint answers for `token` (`active` included); unknown tokens are `{ active: false }`. */
  answer(token: string, body: Record<string, unknown> | ((now: number) => Record<string, unknown>)): void;
  behave(behaviour: Behaviour): void;
  /** Requests received. */
  hits(): number;
  /** The requests received, in order. */
  readonly seen: SeenRequest[];
  stop(): Promise<void>;
}

export interface ServerOptions {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** The public key of a private_key_jwt client. */
  clientKey?: JWK;
  /** The AS key that signs answers (RFC 9701). */
  signingKey?: { alg: string; kid: string; privateKey: CryptoKey };
}

export async function startIntrospectionServer(options: ServerOptions): Promise<IntrospectionServer> {
  const answers = new Map<string, Record<string, unknown> | ((now: number) => Record<string, unknown>)>();
  const seen: SeenRequest[] = [];
  let behaviour: Behaviour = {};

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    seen.push({ method: req.method ?? '', headers: req.headers, params });
    const current = behaviour;
    if (current.delayMs) await new Promise((resolve) => setTimeout(resolve, current.delayMs));
    if (res.destroyed) return;
    if (current.status !== undefined || current.rawBody !== undefined) {
      res.writeHead(current.status ?? 200, { 'content-type': current.contentType ?? 'application/json' });
      res.end(current.rawBody ?? '{}');
      return;
    }
    if (req.method !== 'POST' || !(await authenticated(req, params))) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="as"' });
      res.end(JSON.stringify({ error: 'invalid_client' }));
      return;
    }
    const found = answers.get(params.get('token') ?? '');
    const now = Math.floor(Date.now() / 1000);
    const body = found === undefined ? { active: false } : typeof found === 'function' ? found(now) : found;
    const signing = options.signingKey;
    if (req.headers.accept === 'application/token-introspection+jwt' && signing) {
      const jwt = await new SignJWT({
        iss: options.issuer,
        aud: options.clientId,
        iat: now,
        token_introspection: body,
        ...current.envelope,
      })
        .setProtectedHeader({
          alg: signing.alg,
          kid: signing.kid,
          typ: 'token-introspection+jwt',
          ...current.signedHeader,
        })
        .sign(signing.privateKey);
      res.writeHead(200, { 'content-type': 'application/token-introspection+jwt' });
      res.end(jwt);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const authenticated = async (req: IncomingMessage, params: URLSearchParams): Promise<boolean> => {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (basic !== undefined) {
      const [id, secret] = Buffer.from(basic, 'base64')
        .toString('utf8')
        .split(':')
        .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
      return id === options.clientId && secret === options.clientSecret;
    }
    if (params.get('client_secret') !== null) {
      return (
        params.get('client_id') === options.clientId && params.get('client_secret') === options.clientSecret
      );
    }
    const assertion = params.get('client_assertion');
    if (assertion !== null && options.clientKey !== undefined) {
      try {
        await jwtVerify(assertion, createLocalJWKSet({ keys: [options.clientKey] }), {
          issuer: options.clientId,
          subject: options.clientId,
          audience: options.issuer,
          maxTokenAge: 120,
        });
        return (
          params.get('client_assertion_type') === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
        );
      } catch {
        return false;
      }
    }
    return false;
  };

  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/introspect`,
    answer: (token, body) => answers.set(token, body),
    behave: (next) => {
      behaviour = next;
    },
    hits: () => seen.length,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** The public part of a JWK (for the key a private_key_jwt client registers). */
export function publicJwk(jwk: JsonWebKey): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk as Record<string, unknown>;
  return rest as JWK;
}
