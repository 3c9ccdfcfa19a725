// audguard's authorization server with no client configured — only the self-service ways in (Client ID Metadata
// Documents, dynamic registration) — and the example MCP server trusting it, each on its own loopback port. The
// authorization server's front records every request it gets (registration bodies included), so a test can count
// what the SDK really sent. (examples/mcp-server's startMcpStack always configures a pre-registered client and takes
// no authorization-server options; this is the same wiring with the self-service options instead.)
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthorizationServerConfig, createAuthorizationServer } from '@audguard/authorization-server';
import { getRequestListener } from '@hono/node-server';
import { type Gate, mcpApp, SCOPES } from '../../examples/mcp-server/src/app.js';

export interface AsRequest {
  method: string;
  path: string;
  /** The JSON body of a registration request, as sent. */
  json?: Record<string, unknown>;
  status: number;
}

export interface SelfServiceStack {
  issuer: string;
  /** The MCP server's canonical URI: where it is served and its tokens' `aud`. */
  resource: string;
  /** Every request the authorization server answered, in order. */
  requests: AsRequest[];
  /** How many requests were `method path`. */
  count(method: string, path: string): number;
  close(): Promise<void>;
}

type SelfService = Pick<AuthorizationServerConfig, 'clientIdMetadataDocuments' | 'clientRegistration'>;

export async function startSelfServiceStack(options: SelfService, gate: Gate = 'audguard') {
  const asServer = await listen();
  const mcpServer = await listen();
  const issuer = urlOf(asServer);
  const resource = `${urlOf(mcpServer)}/mcp`;
  const authorizationServer = await createAuthorizationServer({
    issuer,
    resources: [{ id: resource, name: 'MCP notes', scopes: [...SCOPES], requireResourceIndicator: true }],
    users: [{ username: 'alice', password: 'alice-password', subject: 'alice' }],
    autoApprove: 'alice',
    ...options,
  });
  const requests: AsRequest[] = [];
  asServer.on(
    'request',
    getRequestListener(async (request) => {
      const { pathname } = new URL(request.url);
      const json =
        request.method === 'POST' && pathname === '/register'
          ? ((await request
              .clone()
              .json()
              .catch(() => undefined)) as Record<string, unknown> | undefined)
          : undefined;
      const response = await authorizationServer.fetch(request);
      requests.push({
        method: request.method,
        path: pathname,
        ...(json === undefined ? {} : { json }),
        status: response.status,
      });
      return response;
    }),
  );
  mcpServer.on('request', getRequestListener(mcpApp({ issuer, resource, gate }).fetch));
  const stack: SelfServiceStack = {
    issuer,
    resource,
    requests,
    count: (method, path) => requests.filter((r) => r.method === method && r.path === path).length,
    close: () => Promise.all([close(asServer), close(mcpServer)]).then(() => {}),
  };
  return stack;
}

async function listen(): Promise<Server> {
  const server = createServer();
  server.keepAliveTimeout = 1000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
