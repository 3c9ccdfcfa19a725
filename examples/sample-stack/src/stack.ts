// Starts the whole sample stack: the reference authorization server and four APIs, each guarding its own resource
// (three verify JWTs locally; the ledger API gets opaque reference tokens and introspects them).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AuthorizationServer,
  type AuthorizationServerConfig,
  createAuthorizationServer,
} from '@audguard/authorization-server';
import { getRequestListener } from '@hono/node-server';
import { inventoryApi } from './apis/inventory.js';
import { invoicesApi } from './apis/invoices.js';
import { LEDGER_INTROSPECTION_CLIENT, LEDGER_SCOPES, ledgerApi } from './apis/ledger.js';
import { ordersApi } from './apis/orders.js';
import { shipmentsApi } from './apis/shipments.js';
import { type RedisState, redisState, type StackRedisOptions } from './redis.js';
import { roundRobin } from './round-robin.js';

export type Service = 'as' | 'orders' | 'invoices' | 'inventory' | 'shipments' | 'ledger';
/** The APIs of bearer JWT access tokens (the replay matrix runs over them). */
export type Api = Exclude<Service, 'as' | 'shipments' | 'ledger'>;
export const APIS: readonly Api[] = ['orders', 'invoices', 'inventory'];
/** The API that requires DPoP-bound tokens (RFC 9449). */
export const DPOP_API = 'shipments' as const;
/** Every service, in port order. */
export const SERVICES: readonly Service[] = ['as', ...APIS, DPOP_API, 'ledger'];

/** Clients registered at the authorization server. */
export const CLIENTS = {
  /** A backend job: client_credentials, may read every API. */
  service: { clientId: 'reporting-job', clientSecret: 'reporting-job-secret' },
  /** A browser app: public client, authorization code + PKCE, refresh tokens. */
  webApp: { clientId: 'web-app', redirectUri: 'http://127.0.0.1:3000/callback' },
} as const;

export interface StackOptions {
  /** Ports for the authorization server and the five APIs; 0 picks free ones. Default 4000–4005. */
  ports?: Partial<Record<Service, number>>;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Access-token lifetime at the authorization server, in seconds. Default 300. */
  accessTokenLifetime?: number;
  /**
   * Run two authorization-server instances on this Redis, behind the one issuer URL (a round-robin front on the AS
   * port). Default: one instance, state and keys in memory.
   */
  redis?: StackRedisOptions;
}

export interface Stack {
  /** Base URL of each service. Each API's URL is also its resource identifier. */
  urls: Record<Service, string>;
  /** The first (or only) authorization-server instance. */
  authorizationServer: AuthorizationServer;
  /** Every instance behind the issuer URL: one, or two on Redis. */
  authorizationServers: readonly AuthorizationServer[];
  /** The Redis state of the two-instance mode. */
  redis: RedisState | undefined;
  close(): Promise<void>;
}

export const DEFAULT_PORTS: Record<Service, number> = {
  as: 4000,
  orders: 4001,
  invoices: 4002,
  inventory: 4003,
  shipments: 4004,
  ledger: 4005,
};

const SCOPES: Record<Api, string[]> = {
  orders: ['orders:read', 'orders:write', 'audit:read'],
  invoices: ['invoices:read', 'audit:read'],
  inventory: ['inventory:read'],
};

/**
 * Binds every port first (so each service knows every URL), then attaches the handlers. A port in use fails with a
 * message naming the service and the port.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const host = options.host ?? '127.0.0.1';
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const servers = {} as Record<Service, Server>;
  const urls = {} as Record<Service, string>;
  try {
    for (const service of SERVICES) {
      servers[service] = await bind(service, ports[service], host);
      urls[service] = `http://${host}:${(servers[service].address() as AddressInfo).port}`;
    }
  } catch (error) {
    await Promise.all(Object.values(servers).map(close));
    throw error;
  }

  // The authorization server knows the five APIs as resources. `audit:read` belongs to orders and invoices; a token
  // asked for it without `resource` names both (multi-audience). Inventory, shipments and ledger require a resource
  // indicator.
  const config: AuthorizationServerConfig = {
    issuer: urls.as,
    resources: [
      { id: urls.orders, name: 'Orders API', scopes: SCOPES.orders },
      { id: urls.invoices, name: 'Invoices API', scopes: SCOPES.invoices },
      { id: urls.inventory, name: 'Inventory API', scopes: SCOPES.inventory, requireResourceIndicator: true },
      {
        id: urls.shipments,
        name: 'Shipments API',
        scopes: ['shipments:read'],
        requireResourceIndicator: true,
      },
      // Reference tokens: opaque to everyone but the authorization server, which the ledger API asks about each.
      {
        id: urls.ledger,
        name: 'Ledger API',
        scopes: [...LEDGER_SCOPES],
        requireResourceIndicator: true,
        accessTokenFormat: 'reference',
        introspectionClients: [LEDGER_INTROSPECTION_CLIENT.clientId],
      },
    ],
    clients: [
      {
        ...CLIENTS.service,
        name: 'Reporting job',
        grantTypes: ['client_credentials'],
        scopes: [
          'orders:read',
          'invoices:read',
          'inventory:read',
          'audit:read',
          'shipments:read',
          ...LEDGER_SCOPES,
        ],
      },
      {
        clientId: CLIENTS.webApp.clientId,
        name: 'Web app',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [CLIENTS.webApp.redirectUri],
        scopes: ['orders:read', 'orders:write', 'invoices:read'],
      },
      // The ledger API's own credentials, for introspection only: it asks for no tokens.
      { ...LEDGER_INTROSPECTION_CLIENT, name: 'Ledger API', grantTypes: [], scopes: [] },
    ],
    users: [{ username: 'alice', password: 'alice-password', subject: 'alice' }],
    autoApprove: 'alice', // a demo: no login page in the way
    accessTokenLifetime: options.accessTokenLifetime ?? 300,
    // DPoP at /token: a request with a proof gets a token bound to its key (the shipments API requires one).
    dpop: true,
  };
  const redis = options.redis === undefined ? undefined : redisState(options.redis);
  let instances: AuthorizationServer[];
  try {
    instances =
      redis === undefined
        ? [await createAuthorizationServer(config)]
        : await Promise.all(
            [1, 2].map(() => {
              // The instances share the DPoP replay cache too: a proof used at one is refused by the other.
              const { replayCache, ...shared } = redis.instance();
              return createAuthorizationServer({ ...config, ...shared, dpop: { replayCache } });
            }),
          );
  } catch (error) {
    await Promise.all([...Object.values(servers).map(close), redis?.close()]);
    throw error;
  }
  const [authorizationServer] = instances as [AuthorizationServer];

  const issuer = urls.as;
  const front =
    instances.length === 1
      ? (request: Request) => authorizationServer.fetch(request)
      : roundRobin(() => instances);
  servers.as.on('request', getRequestListener(front));
  servers.orders.on('request', ordersApi({ issuer, resource: urls.orders, audiencePolicy: 'any' }));
  const invoices = invoicesApi({ issuer, resource: urls.invoices, audiencePolicy: 'exclusive' });
  servers.invoices.on('request', getRequestListener(invoices.fetch));
  servers.inventory.on(
    'request',
    inventoryApi({ issuer, resource: urls.inventory, audiencePolicy: 'any' }).callback(),
  );
  servers.shipments.on('request', shipmentsApi({ issuer, resource: urls.shipments, audiencePolicy: 'any' }));
  servers.ledger.on('request', ledgerApi({ issuer, resource: urls.ledger, audiencePolicy: 'exclusive' }));

  return {
    urls,
    authorizationServer,
    authorizationServers: instances,
    redis,
    close: async () => {
      await Promise.all(Object.values(servers).map(close));
      await redis?.close();
    },
  };
}

async function bind(service: Service, port: number, host: string): Promise<Server> {
  const server = createServer();
  server.keepAliveTimeout = 1000;
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `Port ${port} on ${host} is already in use, so the ${label(service)} cannot start. ` +
          'Stop what is using it, or pick other ports with AUDGUARD_PORT_BASE=5000 (uses 5000–5005).',
      );
    }
    throw error;
  }
  return server;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export function label(service: Service): string {
  return service === 'as' ? 'authorization server' : `${service} API`;
}

/** Ports from AUDGUARD_PORT_BASE (base, base+1, … base+5), else the defaults. */
export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<Service, number> {
  const base = env.AUDGUARD_PORT_BASE;
  if (base === undefined) return DEFAULT_PORTS;
  const n = Number(base);
  if (!Number.isInteger(n) || n < 1 || n > 65530) {
    throw new Error(`AUDGUARD_PORT_BASE must be a port number (1–65530); got ${JSON.stringify(base)}.`);
  }
  return { as: n, orders: n + 1, invoices: n + 2, inventory: n + 3, shipments: n + 4, ledger: n + 5 };
}
