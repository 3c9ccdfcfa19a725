// Shared by the package's tests (outside src/, so never built or published).
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import type { AuthorizationServerConfig, ClientConfig } from '../src/config.js';
import { type AuthorizationServer, createAuthorizationServer } from '../src/server.js';

export const ISSUER = 'https://as.example.com';
export const CALLBACK = 'https://app.example.com/callback';

/** The seed's resources (Duende "Resource Isolation") and a few clients. */
export function seedConfig(
  overrides: Partial<AuthorizationServerConfig> = {},
): AuthorizationServerConfig & { clients: readonly ClientConfig[] } {
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
        name: 'Single-page app',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [CALLBACK, 'https://app.example.com/other'],
        scopes: ['read', 'write'],
      },
      {
        clientId: 'invoice_worker',
        clientSecret: 'worker-secret',
        grantTypes: ['client_credentials'],
        scopes: ['read'],
        resources: ['urn:invoices'],
      },
    ],
    users: [{ username: 'alice', password: 'wonderland', subject: 'user-alice' }],
    autoApprove: 'user-alice',
    ...overrides,
  } as AuthorizationServerConfig & { clients: readonly ClientConfig[] };
}

export function create(overrides: Partial<AuthorizationServerConfig> = {}): Promise<AuthorizationServer> {
  return createAuthorizationServer(seedConfig(overrides));
}

export function basic(id: string, secret: string): string {
  return `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`;
}

type FormInit = Record<string, string | readonly string[] | undefined>;

export function formBody(params: FormInit): URLSearchParams {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const v of typeof value === 'string' ? [value] : value) body.append(name, v);
  }
  return body;
}

/** The fields tests read from JSON answers (token, error and metadata responses). */
export interface JsonBody {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  error: string;
  error_description: string;
  [name: string]: unknown;
}

export interface Answer {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or `{}` when the body is not JSON. */
  body: JsonBody;
  text: string;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = {};
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: tests read `text`
  }
  return { status: response.status, headers: response.headers, body: body as JsonBody, text };
}

/** POSTs a form to `path` (below the issuer). `auth` adds client_secret_basic. */
export async function post(
  as: AuthorizationServer,
  path: string,
  params: FormInit,
  auth?: [string, string],
): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (auth !== undefined) headers.Authorization = basic(...auth);
  return answer(
    await as.fetch(new Request(`${as.issuer}${path}`, { method: 'POST', headers, body: formBody(params) })),
  );
}

export function token(as: AuthorizationServer, params: FormInit, auth?: [string, string]): Promise<Answer> {
  return post(as, '/token', params, auth);
}

export async function get(as: AuthorizationServer, url: string): Promise<Answer> {
  return answer(await as.fetch(new Request(url)));
}

/** Verifies an access token against the served JWKS, as a resource server would. */
export async function verify(
  as: AuthorizationServer,
  jwt: string,
  currentDate?: Date,
): Promise<{ payload: JWTPayload; header: Record<string, unknown> }> {
  const jwks = (await (await as.fetch(new Request(`${as.issuer}/jwks`))).json()) as JSONWebKeySet;
  const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks), {
    issuer: as.issuer,
    typ: 'at+jwt',
    ...(currentDate === undefined ? {} : { currentDate }),
  });
  return { payload, header: protectedHeader };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(as: AuthorizationServer, params: FormInit): string {
  return `${as.issuer}/authorize?${formBody(params).toString()}`;
}

/** Runs /authorize (auto-approved) and returns the code and PKCE verifier. */
export async function authorize(
  as: AuthorizationServer,
  params: FormInit & { client_id?: string } = {},
): Promise<{ code: string; verifier: string; location: URL }> {
  const { verifier, challenge } = pkce();
  const response = await as.fetch(
    new Request(
      authorizeUrl(as, {
        response_type: 'code',
        client_id: 'client',
        redirect_uri: CALLBACK,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 'xyz',
        ...params,
      }),
    ),
  );
  const location = new URL(response.headers.get('location') ?? 'about:blank');
  const code = location.searchParams.get('code');
  if (response.status !== 302 || code === null) {
    throw new Error(`authorization failed: ${response.status} ${location.search}`);
  }
  return { code, verifier, location };
}

/** Authorizes and redeems the code (confidential `client`). */
export async function codeTokens(
  as: AuthorizationServer,
  authorizeParams: FormInit = {},
  tokenParams: FormInit = {},
): Promise<Answer> {
  const { code, verifier } = await authorize(as, authorizeParams);
  return token(
    as,
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
      ...tokenParams,
    },
    ['client', 'secret'],
  );
}

/** A login and consent page opened by a browser: its hidden fields and the cookie it set. */
export interface LoginPage {
  fields: Record<string, string>;
  cookie: string;
}

/** Opens the login and consent page (the server must have autoApprove off). */
export async function openLoginPage(as: AuthorizationServer): Promise<LoginPage> {
  const { challenge } = pkce();
  const res = await as.fetch(
    new Request(
      authorizeUrl(as, {
        response_type: 'code',
        client_id: 'client',
        redirect_uri: CALLBACK,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    ),
  );
  const html = await res.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  return {
    fields: { interaction: field('interaction'), csrf_token: field('csrf_token') },
    cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '',
  };
}

/** Posts a login page's form, with its cookie, as the browser that opened it. */
export async function postLoginForm(
  as: AuthorizationServer,
  page: LoginPage,
  fields: FormInit,
): Promise<Answer> {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: page.cookie };
  const body = formBody({ ...page.fields, ...fields });
  return answer(
    await as.fetch(new Request(`${as.issuer}/authorize/consent`, { method: 'POST', headers, body })),
  );
}
