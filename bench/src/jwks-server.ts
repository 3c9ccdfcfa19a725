/**
 * The authorization server's JWKS endpoint, in its own process on the driver's core. Every path under `/jwks/`
 * serves the same key set and is counted apart, so each target's fetches can be told from the others'.
 *
 * argv[2]: JSON `{ jwks, lifetimeMs }`.
 */
import { createServer } from 'node:http';
import { report, serveCommands } from './procs.js';

const { jwks, lifetimeMs } = JSON.parse(process.argv[2] ?? '{}') as { jwks: unknown; lifetimeMs: number };
const body = JSON.stringify(jwks);
const fetches: Record<string, number> = {};

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0] as string;
  if (req.method !== 'GET' || !path.startsWith('/jwks/')) {
    res.writeHead(404).end();
    return;
  }
  fetches[path] = (fetches[path] ?? 0) + 1;
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' }).end(body);
});

serveCommands(
  lifetimeMs,
  () => ({ fetches: { ...fetches } }),
  () => server.close(),
);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  report({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
