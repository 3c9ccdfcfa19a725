/**
 * Helpers for the authorization-server abuse suite (`as-*.test.ts`, one file per subject): a seeded server with an
 * observable store, a store whose operations can be held at chosen points (to replay races deterministically), and
 * small request helpers.
 *
 * What every file checks: each refusal is the RFC 6749 error (JSON, right status, `no-store`) or the HTML error
 * page — never a 500, never a redirect to an unregistered URI, and never state left behind (the store's size is
 * watched).
 */ import { createHash, randomBytes } from 'node:crypto';
import {
  type AuthorizationServer,
  type AuthorizationServerConfig,
  createAuthorizationServer,
  MemoryStore,
  type Store,
} from '@audguard/authorization-server';
import { expect } from 'vitest';

export const ISSUER = 'https://as.example.com';
export const CALLBACK = 'https://app.example.com/callback';
export const OTHER_CALLBACK = 'https://app.example.com/other';
export const REGISTERED = [CALLBACK, OTHER_CALLBACK] as const;

export const CLIENT = ['client', 'secret'] as const;
export const WORKER = ['worker', 'worker-secret'] as const;

/** A store whose size can be read (a `MemoryStore` without its sweep timer, or a {@link GatedStore}). */
export type ObservableStore = Store & { readonly size: number };

export function config(overrides: Partial<AuthorizationServerConfig> = {}): AuthorizationServerConfig {
  return {
    issuer: ISSUER,
    signingAlgorithm: 'ES256',
    resources: [
      { id: 'urn:invoices', name: 'Invoices', scopes: ['read', 'write'] },
      { id: 'urn:products', name: 'Products', scopes: ['read', 'write'] },
      { id: 'https://orders.example.com', name: 'Orders', scopes: ['orders:read'] },
    ],
    clients: [
      {
        clientId: 'client',
        clientSecret: 'secret',
        grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
        redirectUris: [CALLBACK],
        scopes: ['read', 'write', 'orders:read'],
      },
      {
        clientId: 'spa',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [...REGISTERED],
        scopes: ['read', 'write'],
      },
      {
        clientId: 'worker',
        clientSecret: 'worker-secret',
        grantTypes: ['client_credentials'],
        scopes: ['read'],
        resources: ['urn:invoices'],
      },
    ],
    users: [{ username: 'alice', password: 'wonderland', subject: 'user-alice' }],
    autoApprove: 'user-alice',
    ...overrides,
  };
}

export interface Setup<S extends ObservableStore = ObservableStore> {
  as: AuthorizationServer;
  store: S;
}

export async function setup(overrides: Partial<AuthorizationServerConfig> = {}): Promise<Setup<MemoryStore>> {
  const store = new MemoryStore({ sweepIntervalSeconds: 0 });
  return { as: await createAuthorizationServer(config({ store, ...overrides })), store };
}

export async function setupWith<S extends ObservableStore>(
  store: S,
  overrides: Partial<AuthorizationServerConfig> = {},
): Promise<Setup<S>> {
  return { as: await createAuthorizationServer(config({ store, ...overrides })), store };
}

// ---- Requests ------------------------------------------------------------------------------------------------

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON. */
  json: Record<string, unknown> | undefined;
}

export async function send(as: AuthorizationServer, request: Request): Promise<Reply> {
  const response = await as.fetch(request);
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  if ((response.headers.get('content-type') ?? '').startsWith('application/json')) {
    json = JSON.parse(text) as Record<string, unknown>;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export type FormInit = Record<string, string | readonly string[]>;

export function form(params: FormInit): URLSearchParams {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of typeof value === 'string' ? [value] : value) body.append(name, v);
  }
  return body;
}

export function basic(id: string, secret: string): string {
  return `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`;
}

export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A valid client_credentials request (client authentication is added by the caller). */
export const CC = { grant_type: 'client_credentials', scope: 'read', resource: 'urn:invoices' } as const;

/** The server's request body limit (64 KiB, inclusive). */
export const MAX_BODY = 65_536;

/** A POST below the issuer with a raw body and exactly `headers`. */
export function rawPost(path: string, body: BodyInit | null, headers: Record<string, string>): Request {
  return new Request(`${ISSUER}${path}`, { method: 'POST', headers, body });
}

/** POSTs a form (or a raw body) below the issuer. `auth` adds client_secret_basic. */
export function post(
  as: AuthorizationServer,
  path: string,
  body: FormInit | string,
  options: { auth?: readonly [string, string]; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': FORM_TYPE };
  if (options.auth !== undefined) headers.authorization = basic(...options.auth);
  Object.assign(headers, options.headers);
  return send(
    as,
    new Request(`${ISSUER}${path}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : form(body).toString(),
    }),
  );
}

export function token(
  as: AuthorizationServer,
  body: FormInit,
  auth: readonly [string, string] | null = CLIENT,
): Promise<Reply> {
  return post(as, '/token', body, auth === null ? {} : { auth });
}

export function authorizeRequest(params: FormInit): Request {
  return new Request(`${ISSUER}/authorize?${form(params).toString()}`);
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeParams(challenge: string, params: FormInit = {}): FormInit {
  return {
    response_type: 'code',
    client_id: 'client',
    redirect_uri: CALLBACK,
    scope: 'read offline_access',
    resource: 'urn:invoices',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'st4te',
    ...params,
  };
}

/** Runs an auto-approved `/authorize` and returns the code. */
export async function authorize(
  as: AuthorizationServer,
  params: FormInit = {},
): Promise<{ code: string; verifier: string; challenge: string }> {
  const { verifier, challenge } = pkce();
  const reply = await send(as, authorizeRequest(authorizeParams(challenge, params)));
  const code = new URL(reply.headers.get('location') ?? 'about:blank').searchParams.get('code');
  if (reply.status !== 302 || code === null) throw new Error(`no code: ${reply.status}`);
  return { code, verifier, challenge };
}

export function redeem(
  as: AuthorizationServer,
  code: string,
  verifier: string,
  extra: FormInit = {},
  auth: readonly [string, string] | null = CLIENT,
): Promise<Reply> {
  return token(
    as,
    { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier, ...extra },
    auth,
  );
}

export function refresh(as: AuthorizationServer, refreshToken: string, extra: FormInit = {}): Promise<Reply> {
  return token(as, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
}

/** Code flow for the confidential client: a token response with an access and a refresh token. */
export async function tokens(as: AuthorizationServer): Promise<{ access: string; refresh: string }> {
  const { code, verifier } = await authorize(as);
  const reply = await redeem(as, code, verifier);
  return { access: stringField(reply, 'access_token'), refresh: stringField(reply, 'refresh_token') };
}

export function stringField(reply: Reply, name: string): string {
  const value = reply.json?.[name];
  if (typeof value !== 'string') throw new Error(`no ${name} in ${reply.status} ${reply.text}`);
  return value;
}

/** The `jti` of an access token (not verified: the test minted it through the server). */
export function jtiOf(jwt: string): string {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { jti: string };
  return payload.jti;
}

// ---- The login and consent form -----------------------------------------------------------------------------

/** The fields of a sign-in that succeeds for the seeded user. */
export const APPROVE = { decision: 'approve', username: 'alice', password: 'wonderland' } as const;

/** The hidden fields a login and consent page carries. */
export interface FormFields {
  interaction: string;
  csrf_token: string;
}

/** A login and consent page as a browser received it: its hidden fields and the cookie it set (`name=value`). */
export interface OpenedForm {
  fields: FormFields;
  cookie: string | undefined;
  page: Reply;
}

/** The hidden fields of a (re-)rendered login and consent page. */
export function formFields(page: Reply): FormFields {
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page.text)?.[1] ?? '';
  return { interaction: field('interaction'), csrf_token: field('csrf_token') };
}

/** The `name=value` of the cookie a reply sets, if any. */
export function cookieOf(reply: Reply): string | undefined {
  const header = reply.headers.get('set-cookie');
  return header === null ? undefined : header.split(';')[0];
}

/**
 * Opens the login and consent page (the server must have autoApprove off) as a browser would: sends `cookie` when
 * the browser already holds one, and keeps the one the page sets.
 */
export async function openForm(
  as: AuthorizationServer,
  params: FormInit = {},
  cookie?: string,
): Promise<OpenedForm> {
  const { challenge } = pkce();
  const request = authorizeRequest(authorizeParams(challenge, params));
  if (cookie !== undefined) request.headers.set('cookie', cookie);
  const page = await send(as, request);
  expect(page.status, page.text).toBe(200);
  return { fields: formFields(page), cookie: cookieOf(page) ?? cookie, page };
}

/**
 * Posts the login and consent form as the browser holding `cookie` would, from the issuer's own page (`origin`
 * defaults to none: a same-origin POST from a browser sends the issuer's; tests set it when it matters).
 */
export function submit(
  as: AuthorizationServer,
  body: FormInit,
  options: { cookie?: string | undefined; origin?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  if (options.origin !== undefined) headers.origin = options.origin;
  return post(as, '/authorize/consent', body, { headers });
}

/** The `code` in a reply's Location, or `null`. */
export function codeOf(reply: Reply): string | null {
  return new URL(reply.headers.get('location') ?? 'about:blank').searchParams.get('code');
}

// ---- Expectations ---------------------------------------------------------------------------------------------

// RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
const DESCRIPTION = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

/** An RFC 6749 §5.2 error: status, `error`, a safe description, JSON, `no-store`; 401 adds `WWW-Authenticate`. */
export function expectOAuthError(reply: Reply, status: number, error: string): void {
  expect({ status: reply.status, error: reply.json?.error }, reply.text).toEqual({ status, error });
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.headers.get('cache-control')).toBe('no-store');
  expect(reply.json?.error_description).toEqual(expect.stringMatching(DESCRIPTION));
  if (status === 401) expect(reply.headers.get('www-authenticate')).toMatch(/^Basic /);
  else expect(reply.headers.get('www-authenticate')).toBeNull();
}

/** The 400 page for an untrusted client or redirect URI: HTML, never a redirect. */
export function expectErrorPage(reply: Reply, status = 400): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('location')).toBeNull();
  expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
  expect(reply.headers.get('cache-control')).toBe('no-store');
}

/** An authorization error sent back by redirect to `redirectUri`, with no code. */
export function expectErrorRedirect(
  reply: Reply,
  error: string,
  redirectUri = CALLBACK,
  status = 302,
): URLSearchParams {
  expect(reply.status, reply.text).toBe(status);
  const location = reply.headers.get('location') ?? '';
  expect(location.startsWith(`${redirectUri}?`), location).toBe(true);
  const params = new URL(location).searchParams;
  expect(params.get('error')).toBe(error);
  expect(params.get('code')).toBeNull();
  expect(params.get('iss')).toBe(ISSUER);
  expect(reply.headers.get('cache-control')).toBe('no-store');
  return params;
}

export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- A store that can hold an operation ----------------------------------------------------------------------

type Op = 'get' | 'set' | 'consume' | 'delete' | 'increment';

export interface Gate {
  /** Resolves when an operation reached the gate (and is now held). */
  readonly reached: Promise<void>;
  /** Lets the held operation proceed. */
  release(): void;
}

/**
 * A `MemoryStore` whose next operation of a kind on a key prefix can be held until released: concurrent requests
 * can then be interleaved exactly as a slower (shared) store would interleave them, every run the same. It also
 * logs the keys written, so a test can say exactly what a request stored.
 */
export class GatedStore implements Store {
  readonly inner = new MemoryStore({ sweepIntervalSeconds: 0 });
  /** Every key written (`set` or `increment`), in order; tests may empty it. */
  readonly writes: string[] = [];
  readonly #gates: { op: Op; prefix: string; arrive: () => void; released: Promise<void> }[] = [];

  get size(): number {
    return this.inner.size;
  }

  /** Holds the next `op` on a key starting with `prefix`. */
  gate(op: Op, prefix: string): Gate {
    let arrive!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => {
      arrive = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#gates.push({ op, prefix, arrive, released });
    return { reached, release };
  }

  async #pass(op: Op, key: string): Promise<void> {
    const index = this.#gates.findIndex((g) => g.op === op && key.startsWith(g.prefix));
    if (index === -1) return;
    const [gate] = this.#gates.splice(index, 1);
    gate!.arrive();
    await gate!.released;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.#pass('set', key);
    this.writes.push(key);
    return this.inner.set(key, value, ttlSeconds);
  }

  async get(key: string): Promise<string | undefined> {
    await this.#pass('get', key);
    return this.inner.get(key);
  }

  async consume(key: string): Promise<string | undefined> {
    await this.#pass('consume', key);
    return this.inner.consume(key);
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    await this.#pass('increment', key);
    this.writes.push(key);
    return this.inner.increment(key, ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    await this.#pass('delete', key);
    return this.inner.delete(key);
  }
}
