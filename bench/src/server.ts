/**
 * One server under test, run by the driver pinned to its own core. argv[2]: a JSON `TargetSpec`.
 * Reports `ready` with its port (or `unavailable`), then answers `stats` with its own CPU time and memory.
 */
import { report, serveCommands } from './procs.js';
import type { TargetSpec } from './protocol.js';
import { buildTarget, TargetUnavailable } from './targets.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as TargetSpec;
let served = 0;

try {
  const server = await buildTarget(spec, () => {
    served++;
  });
  serveCommands(
    spec.lifetimeMs,
    () => ({ served }),
    () => server.close(),
  );
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    report({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
  });
} catch (error) {
  if (!(error instanceof TargetUnavailable)) throw error;
  report({ type: 'unavailable', reason: error.message });
  process.disconnect?.();
}
