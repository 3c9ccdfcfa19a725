// Starts audguard's authorization server and one or more MCP servers that trust it, each its own resource.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthorizationServer, createAuthorizationServer } from '@audguard/authorization-server';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { type Gate, mcpApp, SCOPES } from './app.js';

/** The public client pre-registered at the authorization server for MCP clients. */
export const CLIENT_ID = 'mcp-client';

/**
 * Redirect URIs pre-registered for {@link CLIENT_ID}: the MCP Inspector's (quick and guided flow) and `mcp-remote`'s
 * on its default port (the bridge for clients that speak stdio only). The authorization server compares them exactly.
 */
export const DEFAULT_REDIRECT_URIS = [
  'http://localhost:6274/oauth/callback',
  'http://localhost:6274/oauth/callback/debug',
  'http://localhost:3334/oauth/callback',
];

/** Default ports: the authorization server on 4100, the MCP server(s) from 4101 on. */
export const DEFAULT_PORTS = { as: 4100, mcp: 4101 };

export interface McpStackOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Ports; 0 picks free ones. Default {@link DEFAULT_PORTS}; MCP server n listens on `mcp + n` unless `mcp` is 0. */
  ports?: Partial<typeof DEFAULT_PORTS>;
  /** How many MCP servers (each its own resource, same scopes, same authorization server). Default 1. */
  mcpServers?: number;
  /** Which bearer gate the MCP servers use. Default `'audguard'`. */
  gate?: Gate;
  /** Redirect URIs of the pre-registered client. Default {@link DEFAULT_REDIRECT_URIS}. */
  redirectUris?: readonly string[];
  /** Sees every request to the authorization server before it is answered (tests count token requests). */
  onAuthorizationServerRequest?: (request: Request) => void;
}

export interface McpStack {
  /** The authorization server's issuer identifier (its URL). */
  issuer: string;
  /** Each MCP server's canonical URI (`http://127.0.0.1:4101/mcp`): where it is served and its tokens' `aud`. */
  resources: readonly string[];
  authorizationServer: AuthorizationServer;
  close(): Promise<void>;
}

/** Binds every port first (so each side knows the other's URL), then attaches the handlers. */
export async function startMcpStack(options: McpStackOptions = {}): Promise<McpStack> {
  const host = options.host ?? '127.0.0.1';
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const count = options.mcpServers ?? 1;
  const servers: Server[] = [];
  try {
    servers.push(await bind('authorization server', ports.as, host));
    for (let i = 0; i < count; i++) {
      servers.push(await bind(`MCP server ${i + 1}`, ports.mcp === 0 ? 0 : ports.mcp + i, host));
    }
  } catch (error) {
    await Promise.all(servers.map(close));
    throw error;
  }
  const [asServer, ...mcpServers] = servers as [Server, ...Server[]];
  const issuer = urlOf(asServer, host);
  const resources = mcpServers.map((server) => `${urlOf(server, host)}/mcp`);

  const authorizationServer = await createAuthorizationServer({
    issuer,
    resources: resources.map((id, i) => ({
      id,
      name: `MCP notes ${i + 1}`,
      scopes: [...SCOPES],
      // One token per MCP server: a client that names no resource gets no token, never one valid at every server.
      requireResourceIndicator: true,
    })),
    clients: [
      {
        clientId: CLIENT_ID,
        name: 'MCP client',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: options.redirectUris ?? DEFAULT_REDIRECT_URIS,
        scopes: [...SCOPES],
      },
    ],
    users: [{ username: 'alice', password: 'alice-password', subject: 'alice' }],
    autoApprove: 'alice', // a demo: no login page in the way
  });
  // Browser-based MCP clients (the MCP Inspector) run OAuth from the page: metadata and /token are cross-origin
  // fetches, so the authorization server is served with CORS (the reference server sends no CORS headers itself).
  const observe = options.onAuthorizationServerRequest;
  const front = new Hono()
    .use(async (c, next) => {
      observe?.(c.req.raw);
      await next();
    })
    .use(cors())
    .all('*', (c) => authorizationServer.fetch(c.req.raw));
  asServer.on('request', getRequestListener(front.fetch));
  mcpServers.forEach((server, i) => {
    const app = mcpApp({ issuer, resource: resources[i] as string, gate: options.gate ?? 'audguard' });
    server.on('request', getRequestListener(app.fetch));
  });
  return {
    issuer,
    resources,
    authorizationServer,
    close: () => Promise.all(servers.map(close)).then(() => {}),
  };
}

function urlOf(server: Server, host: string): string {
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

async function bind(name: string, port: number, host: string): Promise<Server> {
  const server = createServer();
  server.keepAliveTimeout = 1000;
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `Port ${port} on ${host} is already in use, so the ${name} cannot start. ` +
          'Pick other ports with AUDGUARD_PORT_BASE=5000 (the authorization server on 5000, the MCP server on 5001).',
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

/** Ports from AUDGUARD_PORT_BASE (the authorization server on base, the MCP server on base+1), else the defaults. */
export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): typeof DEFAULT_PORTS {
  const base = env.AUDGUARD_PORT_BASE;
  if (base === undefined) return DEFAULT_PORTS;
  const n = Number(base);
  if (!Number.isInteger(n) || n < 1 || n > 65534) {
    throw new Error(`AUDGUARD_PORT_BASE must be a port number (1–65534); got ${JSON.stringify(base)}.`);
  }
  return { as: n, mcp: n + 1 };
}
