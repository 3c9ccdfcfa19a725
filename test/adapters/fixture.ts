/**
 * What every adapter's test app is built from: one issuer's keys, the tokens the case table sends, and the
 * verifiers the routes use. Each test file makes its own (fresh keys), so files never share state.
 */
import { createServer } from 'node:net';
import {
  type AccessToken,
  createVerifier,
  isAuthError,
  type JsonWebKey,
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadataUrl,
  type Verifier,
  type VerifierOptions,
} from '@audguard/core';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

export const ISSUER = 'https://as.example.com';
/** The API under test (RFC 8707 resource identifier). */
export const AUDIENCE = 'https://orders.example.com';
export const OTHER_AUDIENCE = 'https://billing.example.com';
/** A resource with a path, so its metadata document sits at a path-inserted well-known URL (RFC 9728 §3.1). */
export const MCP_RESOURCE = 'https://api.example.com/mcp';
export const MCP_METADATA_PATH = '/.well-known/oauth-protected-resource/mcp';
export const MCP_METADATA_URL = protectedResourceMetadataUrl(MCP_RESOURCE);

/** The claims our test issuer adds; the adapters' claim generics are checked against it. */
export interface TestClaims {
  tenant: string;
}

export type TokenName =
  | 'readOnly'
  | 'readWrite'
  | 'profileOnly'
  | 'wrongAudience'
  | 'expired'
  | 'badSignature'
  | 'wrongIssuer'
  | 'shared'
  | 'mcp'
  | 'mcpProfileOnly'
  | 'admin';

export type Tokens = Readonly<Record<TokenName, string>>;

export interface Fixture {
  tokens: Tokens;
  /** `audience: AUDIENCE`, static keys, zero configuration otherwise (realm defaults to "api"). */
  main: Verifier<TestClaims>;
  /** Like `main`, with form-body tokens enabled (RFC 6750 §2.2). */
  form: Verifier<TestClaims>;
  /** Verifier *options* (guard builds the verifier): the exclusive audience policy. */
  exclusive: VerifierOptions;
  /** For `MCP_RESOURCE`, with `resourceMetadata` so every challenge names the metadata document. */
  mcp: Verifier<TestClaims>;
  /** Like `main`, with a scope hierarchy: `orders:admin` implies `orders:write`, which implies `orders:read`. */
  implied: Verifier<TestClaims>;
  /** Its issuer's `jwksUri` is a closed loopback port: keys can never be had. */
  down: Verifier<TestClaims>;
  /** A verifier that fails with a plain `Error('boom')`: adapters must pass it on, never turn it into a 401. */
  broken: Verifier<TestClaims>;
  /** The RFC 9728 document served for `MCP_RESOURCE`. */
  metadata: ProtectedResourceMetadataOptions;
}

export async function createFixture(): Promise<Fixture> {
  const signer = await generateKeyPair('ES256');
  const attacker = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(signer.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' } as JsonWebKey;
  const now = Math.floor(Date.now() / 1000);

  const mint = (claims: JWTPayload, key: CryptoKey = signer.privateKey) =>
    new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', client_id: 'web-app', tenant: 'acme', ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })
      .setIssuedAt(claims.iat ?? now)
      .setExpirationTime(claims.exp ?? now + 600)
      .setJti(crypto.randomUUID())
      .sign(key);

  const tokens: Tokens = {
    readOnly: await mint({ scope: 'orders:read' }),
    readWrite: await mint({ scope: 'orders:read orders:write' }),
    profileOnly: await mint({ scope: 'profile' }),
    wrongAudience: await mint({ aud: OTHER_AUDIENCE, scope: 'orders:read' }),
    expired: await mint({ scope: 'orders:read', iat: now - 7200, exp: now - 3600 }),
    badSignature: await mint({ scope: 'orders:read' }, attacker.privateKey),
    wrongIssuer: await mint({ iss: 'https://evil.example.com', scope: 'orders:read' }),
    shared: await mint({ aud: [AUDIENCE, OTHER_AUDIENCE], scope: 'orders:read' }),
    mcp: await mint({ aud: MCP_RESOURCE, scope: 'orders:read' }),
    mcpProfileOnly: await mint({ aud: MCP_RESOURCE, scope: 'profile' }),
    admin: await mint({ scope: 'orders:admin' }),
  };

  const base = { issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [jwk] } } satisfies VerifierOptions;
  const main = createVerifier<TestClaims>(base);
  return {
    tokens,
    main,
    form: createVerifier<TestClaims>({ ...base, bearerMethods: { body: true } }),
    exclusive: { ...base, audiencePolicy: 'exclusive' },
    mcp: createVerifier<TestClaims>({ ...base, audience: MCP_RESOURCE, resourceMetadata: MCP_METADATA_URL }),
    implied: createVerifier<TestClaims>({
      ...base,
      impliedScopes: { 'orders:admin': ['orders:write'], 'orders:write': ['orders:read'] },
    }),
    down: createVerifier<TestClaims>({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: `http://127.0.0.1:${await closedPort()}/jwks`,
      jwksOptions: { timeoutMs: 2000 },
    }),
    broken: brokenVerifier(main),
    metadata: {
      resource: MCP_RESOURCE,
      authorizationServers: [ISSUER],
      scopesSupported: ['orders:read', 'orders:write'],
    },
  };
}

/**
 * A verifier whose every authentication fails with a plain `Error` (not an `AuthError`), to prove the adapters hand
 * such errors on untouched. It carries the verifier brand, as one from `createVerifier` does.
 */
function brokenVerifier(main: Verifier<TestClaims>): Verifier<TestClaims> {
  const boom = () => Promise.reject(new Error('boom'));
  return Object.assign(Object.create(main) as Verifier<TestClaims>, {
    authenticate: boom,
    [Symbol.for('audguard.verifier')]: { authenticateNow: boom },
  });
}

/**
 * What buggy (or hostile) application code might put where the guard puts the token: an object shaped like a
 * verified token, granting everything, that no verifier produced.
 */
export const LOOKALIKE_TOKEN = Object.freeze({
  token: 'forged',
  issuer: ISSUER,
  subject: 'admin',
  clientId: 'web-app',
  audience: [AUDIENCE],
  scopes: new Set(['orders:read', 'orders:write', 'orders:admin']),
  claims: { tenant: 'acme' },
}) as unknown as AccessToken<TestClaims>;

/** What every test route answers: the parts of the token a handler would use (or that there was none). */
export function echo(auth: AccessToken | undefined) {
  if (auth === undefined) return { anonymous: true };
  return {
    subject: auth.subject,
    clientId: auth.clientId,
    tenant: auth.claims.tenant,
    scopes: [...auth.scopes].sort(),
    audience: auth.audience,
  };
}

/** The header every app's own error renderer adds, so the table can tell who rendered a response. */
export const RENDERED_BY_APP = 'x-rendered-by';

/**
 * What each test app's own error handling (Express error middleware, Hono `onError`, a Koa try/catch) renders:
 * its own body for `AuthError`s it was handed, and a 500 for anything else.
 */
export function appRendering(error: unknown): { status: number; body: Record<string, unknown> } {
  if (isAuthError(error)) return { status: error.status, body: { handledBy: 'app', reason: error.reason } };
  return {
    status: 500,
    body: { handledBy: 'app', error: error instanceof Error ? error.message : String(error) },
  };
}

/** A loopback port nothing listens on (connections are refused at once). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
