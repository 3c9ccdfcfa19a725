/**
 * Child processes pinned to a core, talked to over IPC, and always cleaned up: every child is killed (by its own
 * pid) when the driver exits, fails or is interrupted, and each child also exits by itself when the driver's IPC
 * channel closes or its lifetime runs out.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, ProbeSample, ProcessStats, Report } from './protocol.js';

/** The core the servers under test run on; the driver (load generator, JWKS server) gets `DRIVER_CORE`. */
export const SERVER_CORE = 1;
export const DRIVER_CORE = 0;

const live = new Set<ChildProcess>();
let pinning = true;

/**
 * Checks that `taskset` (util-linux) exists and that there are two cores, then pins this process to the driver
 * core. Throws with what to do otherwise, unless `allowUnpinned` is set (then nothing is pinned, and results say so).
 */
export function pinDriver(allowUnpinned: boolean): { pinned: boolean; note?: string } {
  let problem: string | undefined;
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
  } catch {
    problem = '`taskset` was not found: install util-linux (apt-get install util-linux).';
  }
  if (!problem && availableParallelism() < 2) {
    problem = `only ${availableParallelism()} core is available; the harness needs 2 (server / load generator).`;
  }
  if (problem) {
    if (!allowUnpinned) throw new Error(`${problem} Set BENCH_ALLOW_UNPINNED=1 to run unpinned anyway.`);
    pinning = false;
    return { pinned: false, note: problem };
  }
  // -a: every thread of this process, including libuv's pool and V8's helpers.
  execFileSync('taskset', ['-a', '-cp', String(DRIVER_CORE), String(process.pid)], { stdio: 'ignore' });
  return { pinned: true };
}

/** Where child entries come from: bundled JavaScript (see build.ts), or the TypeScript sources through tsx. */
let built: string | undefined;

/** Runs children from the bundle in `dir` from now on. */
export function useBuiltChildren(dir: string): void {
  built = dir;
}

/** The child entries (bundled by build.ts). */
export const CHILD_ENTRIES = ['server', 'jwks-server', 'micro', 'probe'] as const;

/**
 * Starts an entry of this package pinned to `core`: plain node on the bundle when there is one, else tsx on the
 * sources with the `@audguard/source` condition.
 */
export function startChild(
  name: string,
  entry: (typeof CHILD_ENTRIES)[number],
  args: string[],
  core: number,
  extraNodeArgs: readonly string[] = [],
): Child {
  const nodeArgs = built
    ? [...extraNodeArgs, join(built, `${entry}.js`), ...args]
    : [
        ...extraNodeArgs,
        '--conditions=@audguard/source',
        '--import',
        import.meta.resolve('tsx'),
        fileURLToPath(new URL(`./${entry}.ts`, import.meta.url)),
        ...args,
      ];
  const proc = pinning
    ? spawn('taskset', ['-c', String(core), process.execPath, ...nodeArgs], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
    : spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  return new Child(name, proc);
}

/** One child process and its IPC conversation. */
export class Child {
  private seq = 0;
  /** Answers to `stats` and `probe` commands, by sequence number. */
  private readonly waiting = new Map<number, (answer: Report) => void>();
  private readonly firstReport: Promise<Report>;
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    this.firstReport = new Promise((resolve, reject) => {
      proc.once('exit', (code, signal) =>
        reject(new Error(`${name} exited early (code ${code}, signal ${signal})`)),
      );
      proc.once('error', reject);
      proc.on('message', (message: Report) => {
        if (message.type === 'stats' || message.type === 'probe') this.waiting.get(message.seq)?.(message);
        else resolve(message);
      });
    });
    // A rejection nobody waits for must not crash the driver.
    this.firstReport.catch(() => {});
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Waits for the child to listen (`port`) or to say it cannot run (`unavailable`). */
  async ready(timeoutMs: number): Promise<Report> {
    return withTimeout(this.firstReport, timeoutMs, `${this.name} did not start within ${timeoutMs} ms`);
  }

  /** CPU time, memory and counters, as the child measures them itself. */
  async stats(timeoutMs = 5000): Promise<ProcessStats> {
    const answer = await this.ask((seq) => ({ type: 'stats', seq }), timeoutMs, 'stats');
    if (answer.type !== 'stats') throw new Error(`${this.name} answered stats with ${answer.type}`);
    return answer.stats;
  }

  /** One reading of the speed probe (probe.ts only), `ms` long. */
  async probe(ms: number): Promise<ProbeSample> {
    const answer = await this.ask((seq) => ({ type: 'probe', seq, ms }), ms + 10_000, 'a probe reading');
    if (answer.type !== 'probe') throw new Error(`${this.name} answered probe with ${answer.type}`);
    return answer.sample;
  }

  private async ask(command: (seq: number) => Command, timeoutMs: number, what: string): Promise<Report> {
    const seq = ++this.seq;
    const answer = new Promise<Report>((resolve) => this.waiting.set(seq, resolve));
    this.send(command(seq));
    try {
      return await withTimeout(answer, timeoutMs, `${this.name} did not report ${what}`);
    } finally {
      this.waiting.delete(seq);
    }
  }

  /** Asks the child to exit, and kills it (by pid) if it has not within a second. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.send({ type: 'exit' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 1000);
    await this.exited;
    clearTimeout(timer);
  }

  private send(command: Command): void {
    if (this.proc.connected) this.proc.send(command);
  }
}

/** Kills every child still alive. Runs on exit, on errors and on signals. */
export function killAll(): void {
  for (const proc of live) {
    try {
      proc.kill('SIGKILL');
    } catch {}
  }
  live.clear();
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The helpers every child entry uses: answer `stats`, exit on `exit`, on a lost driver, and after `lifetimeMs`. */
export function serveCommands(
  lifetimeMs: number,
  extra: () => Partial<ProcessStats> = () => ({}),
  onExit: () => void = () => {},
): void {
  const send = (report: Report) => process.send?.(report);
  process.on('message', (command: Command) => {
    if (command.type === 'stats') {
      const { user, system } = process.cpuUsage();
      const memory = process.memoryUsage();
      send({
        type: 'stats',
        seq: command.seq,
        stats: { user, system, rss: memory.rss, heapUsed: memory.heapUsed, served: 0, ...extra() },
      });
    } else if (command.type === 'exit') {
      onExit();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  setTimeout(() => process.exit(0), lifetimeMs).unref();
}

export function report(message: Report): void {
  process.send?.(message);
}
