import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { MetadataDocuments } from './clients/metadata-document.js';
import type { AuthorizationServerConfig } from './config.js';
import { authorizeEndpoint } from './endpoints/authorize.js';
import { consentEndpoint } from './endpoints/consent.js';
import { introspectEndpoint } from './endpoints/introspect.js';
import { jwksEndpoint } from './endpoints/jwks.js';
import { metadataEndpoint, metadataPath } from './endpoints/metadata.js';
import { registerEndpoint } from './endpoints/register.js';
import { revokeEndpoint } from './endpoints/revoke.js';
import { tokenEndpoint } from './endpoints/token.js';
import { ConfigurationError, OAuthError } from './errors.js';
import { jsonResponse, oauthErrorResponse } from './http/responses.js';
import { KeyRing } from './keys.js';
import { Records } from './records.js';
import type { ServerContext } from './server-context.js';
import { checkIssuer, resolveSettings } from './settings.js';

/** A running HTTP listener returned by {@link AuthorizationServer.listen}. */
export interface ListeningServer {
  /** The real address, e.g. `http://127.0.0.1:54321` (no trailing slash). */
  readonly url: string;
  /** Stops accepting connections and resolves once the listener is closed. */
  close(): Promise<void>;
}

/** The authorization server returned by {@link createAuthorizationServer}. */
export interface AuthorizationServer {
  /**
   * The issuer identifier. When the configuration leaves it out it is set by the first {@link listen}; reading it
   * before then throws a {@link ConfigurationError}.
   */
  readonly issuer: string;
  /** The web-standard handler: routes a `Request` to the endpoints. Never rejects. */
  fetch(request: Request): Promise<Response>;
  /**
   * Serves {@link fetch} over HTTP (Node, via `@hono/node-server`).
   * @param port - default is 0: an ephemeral port
   * @param host - default is `127.0.0.1`
   */
  listen(port?: number, host?: string): Promise<ListeningServer>;
  /**
   * Generates a new signing key that signs every token from now on. The previous public key stays in the JWKS until
   * the tokens it signed have expired (one access-token lifetime), then is dropped. With a shared `keyStore`, every
   * instance signs with the new key from its next request on; of instances rotating at the same moment one key wins
   * and all adopt it.
   */
  rotateKeys(): Promise<void>;
}

function methodNotAllowed(allow: 'GET' | 'POST'): () => Response {
  return () =>
    jsonResponse({ error: 'invalid_request', error_description: `Use ${allow}.` }, 405, { Allow: allow });
}

/** What `listen()` passes along with each request: the Node request, for the connection's address. */
type Bindings = { incoming?: IncomingMessage };

function createApp(ctx: ServerContext, configuredIssuer: string | undefined): Hono<{ Bindings: Bindings }> {
  const base = configuredIssuer === undefined ? '' : new URL(configuredIssuer).pathname.replace(/\/$/, '');
  const app = new Hono<{ Bindings: Bindings }>();
  app.use('*', async (_c, next) => {
    if (ctx.issuer === undefined)
      throw new OAuthError('temporarily_unavailable', 'The server is not listening yet.');
    await next();
  });
  app.get(metadataPath(configuredIssuer), () => metadataEndpoint(ctx));
  app.get(`${base}/jwks`, () => jwksEndpoint(ctx));
  app.get(`${base}/authorize`, (c) => authorizeEndpoint(ctx, c.req.raw));
  app.post(`${base}/authorize/consent`, (c) => consentEndpoint(ctx, c.req.raw));
  app.post(`${base}/token`, (c) => tokenEndpoint(ctx, c.req.raw));
  app.post(`${base}/revoke`, (c) => revokeEndpoint(ctx, c.req.raw));
  // Like /register, only when someone may use it: a resource lists introspectionClients.
  if (ctx.settings.introspectors.size > 0) {
    app.post(`${base}/introspect`, (c) => introspectEndpoint(ctx, c.req.raw));
  }
  if (ctx.settings.registration !== undefined) {
    app.post(`${base}/register`, (c) =>
      registerEndpoint(ctx, c.req.raw, c.env?.incoming?.socket.remoteAddress ?? undefined),
    );
  }
  const posts = [`${base}/token`, `${base}/revoke`, `${base}/authorize/consent`];
  if (ctx.settings.registration !== undefined) posts.push(`${base}/register`);
  if (ctx.settings.introspectors.size > 0) posts.push(`${base}/introspect`);
  for (const path of posts) {
    app.all(path, methodNotAllowed('POST'));
  }
  app.all(`${base}/authorize`, methodNotAllowed('GET'));
  app.notFound(() => oauthErrorResponse(new OAuthError('invalid_request', 'Not found.', 404)));
  // One place turns errors into responses: protocol errors as RFC 6749 JSON (a storage outage among them: 503
  // temporarily_unavailable with Retry-After, see storage-guard.ts), anything else as a generic 500 that reveals
  // nothing.
  app.onError((error) =>
    oauthErrorResponse(
      error instanceof OAuthError
        ? error
        : new OAuthError('server_error', 'The server had an internal error.'),
    ),
  );
  return app;
}

/**
 * Creates a reference OAuth 2.0 authorization server: RFC 8707 resource indicators with resource isolation, RFC
 * 9068 JWT access tokens (or reference tokens, per resource), RFC 8414 metadata, PKCE-only code flow, rotating
 * refresh tokens, RFC 7009 revocation, RFC 7662 introspection (with RFC 9701 signed answers).
 *
 * The configuration is checked here; a mistake throws a {@link ConfigurationError} naming the field.
 * @example
 * ```ts
 * const as = await createAuthorizationServer({
 *   issuer: 'https://as.example.com',
 *   resources: [{ id: 'urn:invoices', scopes: ['read', 'write'] }],
 *   clients: [{ clientId: 'worker', clientSecret: 's3cret', grantTypes: ['client_credentials'], scopes: ['read'] }],
 * });
 * const response = await as.fetch(new Request('https://as.example.com/.well-known/oauth-authorization-server'));
 * ```
 */
export async function createAuthorizationServer(
  config: AuthorizationServerConfig,
): Promise<AuthorizationServer> {
  const configuredIssuer = config?.issuer === undefined ? undefined : checkIssuer(config.issuer);
  const settings = resolveSettings(config);
  // Paid once, here: every password is hashed (or its given hash read) before the server answers.
  await Promise.all([...settings.users.values()].map((user) => user.passwordHash));
  const records = new Records(settings.store, settings.now);
  const ctx: ServerContext = {
    settings,
    keys: await KeyRing.create(
      settings.signingAlgorithm,
      settings.accessTokenLifetime,
      settings.now,
      settings.keyStore,
    ),
    records,
    documents:
      settings.metadataDocuments === undefined
        ? undefined
        : new MetadataDocuments(settings.metadataDocuments, records, settings.resources),
    issuer: configuredIssuer,
  };
  const app = createApp(ctx, configuredIssuer);

  return {
    get issuer(): string {
      if (ctx.issuer === undefined) {
        throw new ConfigurationError('issuer', 'not known yet: configure issuer, or call listen() first');
      }
      return ctx.issuer;
    },
    async fetch(request) {
      return app.fetch(request);
    },
    async listen(port = 0, host = '127.0.0.1') {
      const { createAdaptorServer } = await import('@hono/node-server');
      const server = createAdaptorServer({
        fetch: (request: Request, env: object) => app.fetch(request, env as Bindings),
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${hostname}:${address.port}`;
      ctx.issuer ??= url;
      return {
        url,
        close: () =>
          new Promise<void>((resolve, reject) => {
            server.close((error) => (error ? reject(error) : resolve()));
          }),
      };
    },
    rotateKeys: () => ctx.keys.rotate(),
  };
}
