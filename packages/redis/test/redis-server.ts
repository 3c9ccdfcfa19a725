// A real redis-server for the tests: one child process per test file, on a free loopback port, with a temporary
// directory and no persistence of its own (`--save '' --appendonly no`). Only that process is ever stopped.
// No test runner in here, so scripts can use it too; `describe-redis.ts` has the suites' gate.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
/** Whether `redis-server` can be run here. */
export const redisServerInstalled = found.status === 0;
/** Why not, when it cannot. */
export const redisServerMissing = redisServerInstalled
  ? undefined
  : `redis-server is not installed (${found.error?.message ?? (found.stderr?.trim() || 'not found')})`;

/** A redis-server child process. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Saves the data set to the temporary directory and stops (`SHUTDOWN SAVE`); {@link start} loads it again. */
  stop(): Promise<void>;
  /** Starts again on the same port and directory (after {@link stop}). */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
  /** Stops the process for good and removes its directory. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function resp(args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

/** Sends one command (PING, SHUTDOWN) on a fresh connection; resolves with the first line back, or at close. */
function send(port: number, args: string[], timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis-server on ${port} did not answer ${args[0]}`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(resp(args)));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (data.endsWith('\r\n')) {
        clearTimeout(timer);
        socket.end();
        resolve(data);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

async function ready(port: number, child: ChildProcess): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    try {
      if ((await send(port, ['PING'], 500)).startsWith('+PONG')) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server on ${port} did not start`);
}

/** Starts a redis-server on a free loopback port with a fresh temporary directory. */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'audguard-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  const kill = () => child?.kill('SIGKILL');
  process.once('exit', kill);

  const launch = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const started = spawn('redis-server', [...args, '--dir', dir, '--loglevel', 'warning'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child = started;
    await ready(port, started);
  };
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      kill(); // the port was taken meanwhile: try another
      if (attempt === 4) throw error;
    }
  }

  const exited = async () => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null)
      await once(child, 'exit');
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      child?.kill('SIGCONT');
      await send(port, ['SHUTDOWN', 'SAVE']).catch(() => '');
      await exited();
    },
    start: launch,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    async close() {
      process.off('exit', kill);
      child?.kill('SIGCONT');
      child?.kill('SIGTERM');
      await exited();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
