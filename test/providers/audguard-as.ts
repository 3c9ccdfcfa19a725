/**
 * audguard's own authorization server, run for real (`createAuthorizationServer` listening on loopback; tokens from
 * its `/token` endpoint; the verifier finds its keys by RFC 8414 discovery) — and, on it, the seed's "Example 2:
 * Multi-Tenant SaaS Platform": one resource per tenant, `https://api.saas.com/data/tenant/{tenantId}`, so the
 * audience an API expects depends on the request's path.
 *
 * Shapes from:
 * - packages/authorization-server/README.md (RFC 9068 `at+jwt` tokens with `iss sub aud exp iat jti client_id scope`;
 *   resource isolation: without `resource`, `aud` lists every resource owning a requested scope)
 * - ../shared/seeds/000_31f93eb7b416257a.txt, "Example 2: Multi-Tenant SaaS Platform" (resource
 *   `{baseResource}/tenant/{tenantId}`, scopes `data.read` `data.write`, the audience validated per tenant)
 */

import { type AuthorizationServer, createAuthorizationServer } from '@audguard/authorization-server';
import type { AuthenticateRequest, VerifierOptions } from '@audguard/core';
import { accepted, forbidden, one, type Provider, refused } from './table.js';

// recipe:audguard-as
const options = {
  issuer: 'https://as.example.com', // keys found by RFC 8414 discovery
  audience: 'https://orders.example.com',
  audiencePolicy: 'exclusive',
  tokenType: 'strict',
} satisfies VerifierOptions;
// recipe:end

// recipe:saas
/** The tenant a request is for: the `{tenantId}` of `/data/tenant/{tenantId}/...`, or `undefined`. */
function tenantOf(request: AuthenticateRequest): string | undefined {
  // Express rewrites `url` below a mount path; `originalUrl` keeps the path the client sent.
  const target =
    'originalUrl' in request && typeof request.originalUrl === 'string' ? request.originalUrl : request.url;
  return /^(?:https?:\/\/[^/]+)?\/data\/tenant\/([a-z0-9-]{1,63})(?:[/?]|$)/.exec(target ?? '')?.[1];
}

const saas = {
  issuer: 'https://login.saas.com',
  // One resource per tenant (RFC 8707): the audience a request needs is the tenant's resource in its path.
  audience: (request) => {
    const tenant = tenantOf(request);
    return tenant === undefined ? undefined : `https://api.saas.com/data/tenant/${tenant}`; // none: refused
  },
  audiencePolicy: 'exclusive',
} satisfies VerifierOptions;
// recipe:end

const ORDERS = options.audience;
const INVOICES = 'https://invoices.example.com';
const ACME = 'https://api.saas.com/data/tenant/acme';
const GLOBEX = 'https://api.saas.com/data/tenant/globex';
/** What `verify()` is given where `authenticate()` finds no tenant: an audience no token is minted for. */
const NO_TENANT = 'urn:saas:no-tenant';

/** A client-credentials token from the server's real `/token` endpoint. */
async function tokenFrom(
  server: AuthorizationServer,
  base: string,
  client: [string, string],
  params: Record<string, string>,
): Promise<string> {
  const response = await server.fetch(
    new Request(`${base}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(client.join(':')).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...params }),
    }),
  );
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || body.access_token === undefined) {
    throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

/** Starts the server on loopback, its issuer's URLs forwarded there; `skewMs` moves its clock. */
async function startServer(
  loopback: Parameters<Provider['setup']>[0],
  config: Omit<Parameters<typeof createAuthorizationServer>[0], 'now'>,
  clock: { skewMs: number },
) {
  const server = await createAuthorizationServer({ ...config, now: () => Date.now() + clock.skewMs });
  const listening = await server.listen(0);
  loopback.forward(config.issuer as string, listening.url);
  return { server, listening };
}

const JOB: [string, string] = ['reporting-job', 'reporting-job-secret'];

export const audguardAs: Provider = {
  name: '@audguard/authorization-server',
  page: 'audguard-authorization-server.md',
  docs: [
    'packages/authorization-server/README.md',
    'https://www.rfc-editor.org/rfc/rfc9068',
    'https://www.rfc-editor.org/rfc/rfc8707',
  ],
  routes: [
    { path: '/orders', scopes: ['orders:read'] },
    { path: '/orders/new', scopes: ['orders:write'] },
  ],
  cases: [
    one(
      'a token requested with resource = this API passes',
      '/orders',
      'forOrders',
      accepted({
        subject: 'reporting-job',
        clientId: 'reporting-job',
        scopes: ['orders:read'],
        audience: [ORDERS],
      }),
    ),
    one(
      'a token requested without resource (aud = both APIs owning orders:read) is refused',
      '/orders',
      'noResource',
      refused('audience_not_exclusive'),
    ),
    one("the invoices API's token is refused", '/orders', 'forInvoices', refused('audience_mismatch')),
    one('a token without the route’s scope gets 403', '/orders/new', 'forOrders', forbidden('orders:write')),
    one('an expired token is refused', '/orders', 'expired', refused('expired')),
    one(
      "another authorization server's token is refused",
      '/orders',
      'otherServer',
      refused('unknown_issuer'),
    ),
    one(
      'a server claiming this issuer with keys of its own is refused',
      '/orders',
      'impostor',
      refused('unknown_key'),
    ),
  ],

  async setup(loopback) {
    const clock = { skewMs: 0 };
    const config = {
      resources: [
        { id: ORDERS, scopes: ['orders:read', 'orders:write'] },
        { id: INVOICES, scopes: ['invoices:read', 'orders:read'] },
      ],
      clients: [
        {
          clientId: JOB[0],
          clientSecret: JOB[1],
          grantTypes: ['client_credentials' as const],
          scopes: ['orders:read', 'invoices:read'],
        },
      ],
    };
    const { server, listening } = await startServer(loopback, { issuer: options.issuer, ...config }, clock);
    const mint = (params: Record<string, string>) => tokenFrom(server, listening.url, JOB, params);
    const forOrders = await mint({ scope: 'orders:read', resource: ORDERS });
    clock.skewMs = -2 * 3_600_000;
    const expired = await mint({ scope: 'orders:read', resource: ORDERS });
    clock.skewMs = 0;
    // Not listening, not forwarded: their tokens are minted through their fetch handlers.
    const other = await createAuthorizationServer({ issuer: 'https://other-as.example.com', ...config });
    const impostor = await createAuthorizationServer({ issuer: options.issuer, ...config });
    return {
      options: loopback.wire(options),
      tokens: {
        forOrders,
        noResource: await mint({ scope: 'orders:read' }),
        forInvoices: await mint({ scope: 'orders:read', resource: INVOICES }),
        expired,
        otherServer: await tokenFrom(other, 'https://other-as.example.com', JOB, {
          scope: 'orders:read',
          resource: ORDERS,
        }),
        impostor: await tokenFrom(impostor, options.issuer, JOB, { scope: 'orders:read', resource: ORDERS }),
      },
      close: () => listening.close(),
    };
  },
};

const records = (tenant: string) => `/data/tenant/${tenant}/records`;

export const saasPlatform: Provider = {
  name: 'Multi-tenant SaaS (seed, Example 2)',
  page: 'multi-tenant-saas.md',
  docs: ['../shared/seeds/000_31f93eb7b416257a.txt', 'https://www.rfc-editor.org/rfc/rfc8707'],
  routes: [{ path: '/data/tenant/:tenant/records', scopes: ['data.read'] }],
  mount: '/data/tenant/:tenant',
  cases: [
    one(
      "tenant acme's token passes at acme's path",
      records('acme'),
      'acme',
      accepted({ subject: 'saas-worker', clientId: 'saas-worker', scopes: ['data.read'], audience: [ACME] }),
      ACME,
    ),
    {
      name: "acme's token, once verified and cached at acme, is refused at globex — and still passes at acme",
      steps: [
        {
          path: records('acme'),
          token: 'acme',
          audience: ACME,
          expect: accepted({
            subject: 'saas-worker',
            clientId: 'saas-worker',
            scopes: ['data.read'],
            audience: [ACME],
          }),
        },
        { path: records('globex'), token: 'acme', audience: GLOBEX, expect: refused('audience_mismatch') },
        {
          path: records('acme'),
          token: 'acme',
          audience: ACME,
          expect: accepted({
            subject: 'saas-worker',
            clientId: 'saas-worker',
            scopes: ['data.read'],
            audience: [ACME],
          }),
        },
      ],
    },
    one(
      "globex's token is refused at acme's path",
      records('acme'),
      'globex',
      refused('audience_mismatch'),
      ACME,
    ),
    one(
      'a tenant id smuggled in an encoded path segment is no tenant',
      '/data/tenant/acme%2F..%2Fglobex/records',
      'globex',
      refused('audience_mismatch'),
      NO_TENANT,
    ),
    one(
      'tenant ids are compared exactly (ACME is not acme)',
      records('ACME'),
      'acme',
      refused('audience_mismatch'),
      NO_TENANT,
    ),
    one(
      "a tenant's token without data.read gets 403",
      records('acme'),
      'acmeWriteOnly',
      forbidden('data.read'),
      ACME,
    ),
    one('an expired tenant token is refused', records('acme'), 'expired', refused('expired'), ACME),
  ],

  async setup(loopback) {
    const clock = { skewMs: 0 };
    const worker: [string, string] = ['saas-worker', 'saas-worker-secret'];
    const { server, listening } = await startServer(
      loopback,
      {
        issuer: saas.issuer,
        resources: ['acme', 'globex'].map((tenant) => ({
          id: `https://api.saas.com/data/tenant/${tenant}`,
          scopes: ['data.read', 'data.write'],
          requireResourceIndicator: true,
        })),
        clients: [
          {
            clientId: worker[0],
            clientSecret: worker[1],
            grantTypes: ['client_credentials'],
            scopes: ['data.read', 'data.write'],
          },
        ],
      },
      clock,
    );
    const mint = (resource: string, scope = 'data.read') =>
      tokenFrom(server, listening.url, worker, { scope, resource });
    const acme = await mint(ACME);
    clock.skewMs = -2 * 3_600_000;
    const expired = await mint(ACME);
    clock.skewMs = 0;
    return {
      options: loopback.wire(saas),
      tokens: { acme, globex: await mint(GLOBEX), acmeWriteOnly: await mint(ACME, 'data.write'), expired },
      close: () => listening.close(),
    };
  },
};
