/**
 * The load matrix: every (target, algorithm, workload) cell run once per round, the rounds interleaved (odd rounds
 * backwards) because loopback throughput drifts by ±20% over seconds; ratios are taken within a round. The speed
 * probe reads the server core's speed between the framework blocks of every round (quality.ts judges the readings).
 */
import type { Context, JwksServer, Target, Tokens } from './harness.js';
import { ALGS, type Alg } from './keys.js';
import { runLoad } from './load.js';
import { foreignShare, sampleCores } from './machine.js';
import { type Child, DRIVER_CORE, SERVER_CORE, sleep } from './procs.js';
import {
  AUDGUARD,
  BASELINES,
  FRAMEWORK_OF,
  type Framework,
  type ProbeSample,
  REFERENCE,
  type TargetKind,
} from './protocol.js';
import type { RoundProbes } from './quality.js';

export type Workload = 'baseline' | 'warm-1' | 'warm-1000' | 'cold' | 'cold-overflow';

export const WORKLOAD_LABEL: Record<Workload, string> = {
  baseline: 'unprotected, 1,000 tokens',
  'warm-1': 'warm: 1 token repeated',
  'warm-1000': 'warm: 1,000 tokens rotated',
  cold: 'cold: 1,000 tokens, no token cache',
  'cold-overflow': 'cold: distinct tokens > cache size',
};

export interface Cell {
  target: Target;
  alg: Alg;
  workload: Workload;
  tokens: readonly string[];
  /** One framework and algorithm: its baseline and everything compared with it. The probe reads between blocks. */
  block: number;
  /**
   * Where the next run starts in `tokens`: every run continues the rotation, so a list longer than the cache never
   * restarts at tokens the warm-up has just cached.
   */
  cursor: number;
}

export interface RunRecord {
  round: number;
  target: string;
  kind: TargetKind;
  framework: Framework;
  alg: Alg;
  workload: Workload;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  durationS: number;
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU time (user + system) per request, microseconds. */
  cpuUsPerReq: number;
  /** Of which in the kernel (the loopback TCP stack, mostly). */
  systemUsPerReq: number;
  /** Server CPU time over wall time: near 1 means the server core was saturated (and not the load generator). */
  cpuUtil: number;
  /** Requests the route handler answered (authenticated). */
  served: number;
  jwksFetches: number;
  /** Share of the server core / driver core taken by other processes during the run (another workload). */
  foreignServerCore: number;
  foreignDriverCore: number;
}

export interface LoadTargets {
  baselines: Target[];
  /** audguard with its default cache. */
  audguard: Target[];
  /** audguard with `cache: false`. */
  audguardNoCache: Target[];
  /** Peers and the node:crypto reference. */
  others: Target[];
}

export function buildCells(ctx: Context, targets: LoadTargets, tokens: Tokens): Cell[] {
  const cells: Cell[] = [];
  let block = -1;
  for (const alg of ALGS) {
    const rotated = tokens.rotated[alg];
    const one = rotated.slice(0, 1);
    const cell = (target: Target, workload: Workload, list: readonly string[]) =>
      cells.push({ target, alg, workload, tokens: list, block, cursor: 0 });
    // One block per framework, its baseline first (last in backward rounds): every run sits next to the baseline
    // it is compared with, and the node:crypto reference next to the Express baseline.
    for (const base of targets.baselines) {
      block++;
      const framework = FRAMEWORK_OF[base.kind];
      const same = (t: Target) => FRAMEWORK_OF[t.kind] === framework;
      const others = targets.others.filter(same);
      cell(base, 'baseline', rotated);
      for (const t of others.filter((o) => o.kind === REFERENCE)) cell(t, 'cold', rotated);
      for (const t of targets.audguardNoCache.filter(same)) cell(t, 'cold', rotated);
      for (const t of targets.audguard.filter(same)) {
        cell(t, 'warm-1', one);
        cell(t, 'warm-1000', rotated);
        if (tokens.overflow[alg].length > 0) cell(t, 'cold-overflow', tokens.overflow[alg]);
      }
      for (const t of others.filter((o) => o.kind !== REFERENCE)) {
        cell(t, 'cold', rotated);
        if (ctx.mode.peersOnWarm) {
          cell(t, 'warm-1', one);
          cell(t, 'warm-1000', rotated);
        }
      }
    }
  }
  return cells;
}

export async function runRounds(
  ctx: Context,
  jwks: JwksServer,
  probe: Child,
  cells: readonly Cell[],
): Promise<{ records: RunRecord[]; probes: RoundProbes[] }> {
  const records: RunRecord[] = [];
  const probes: RoundProbes[] = [];
  const { mode } = ctx;
  // Once per server, every token it will see: the JIT settles and caches fill before anything is measured.
  const servers = new Map<Target, Set<readonly string[]>>();
  for (const cell of cells)
    servers.set(cell.target, (servers.get(cell.target) ?? new Set()).add(cell.tokens));
  for (const [target, lists] of servers) {
    await runLoad({
      port: target.port,
      tokens: [...lists].flat(),
      connections: mode.connections,
      durationS: mode.serverWarmupS,
      timeoutS: mode.serverWarmupS + 15,
    });
  }
  // A short pause first, so the last server's after-work (closing sockets, a GC) does not fall into the reading.
  const read = async () => {
    await sleep(50);
    return probe.probe(mode.probeMs);
  };
  // The reading after a round is also the one before the next.
  let last = await read();
  for (let round = 0; round < mode.rounds; round++) {
    const order = round % 2 === 0 ? cells : [...cells].reverse();
    const started = Date.now();
    const samples: ProbeSample[] = [last];
    for (const [i, cell] of order.entries()) {
      records.push(await runCell(ctx, jwks, cell, round));
      if (order[i + 1]?.block !== cell.block) {
        last = await read();
        samples.push(last);
      }
    }
    probes.push({ round, samples });
    const rates = samples.map((s) => s.perSec.RS256);
    const [low, high] = [Math.min(...rates), Math.max(...rates)];
    ctx.log(
      `  round ${round + 1}/${mode.rounds}: ${order.length} runs in ${((Date.now() - started) / 1000).toFixed(0)} s; ` +
        `probe ${kilo(low)}–${kilo(high)} RS256 verifies/s (moved ${(100 * (1 - low / high)).toFixed(0)}%)`,
    );
  }
  return { records, probes };
}

const kilo = (n: number) => `${(n / 1000).toFixed(1)}k`;

async function runCell(ctx: Context, jwks: JwksServer, cell: Cell, round: number): Promise<RunRecord> {
  const { mode } = ctx;
  const { target } = cell;
  const base = { port: target.port, tokens: cell.tokens, connections: mode.connections };
  const warm = await runLoad({
    ...base,
    offset: cell.cursor,
    durationS: mode.warmupS,
    timeoutS: mode.warmupS + 15,
  });
  const jwksBefore = await jwks.child.stats();
  const before = await target.child.stats();
  const driverBefore = process.cpuUsage();
  const coresBefore = sampleCores();
  const load = await runLoad({
    ...base,
    offset: warm.nextOffset,
    durationS: mode.durationS,
    timeoutS: mode.durationS + 15,
  });
  cell.cursor = load.nextOffset;
  const coresAfter = sampleCores();
  const driver = process.cpuUsage(driverBefore);
  const after = await target.child.stats();
  const jwksAfter = await jwks.child.stats();
  const cpuUs = after.user + after.system - (before.user + before.system);
  const jwksCpuUs = jwksAfter.user + jwksAfter.system - (jwksBefore.user + jwksBefore.system);
  const path = `/jwks/${target.jwksName}.json`;
  return {
    round,
    target: target.name,
    kind: target.kind,
    framework: FRAMEWORK_OF[target.kind],
    alg: cell.alg,
    workload: cell.workload,
    requests: load.requests,
    ok: load.ok,
    non2xx: load.non2xx,
    errors: load.errors,
    durationS: load.durationS,
    rps: load.rps,
    p50: load.p50,
    p99: load.p99,
    cpuUsPerReq: load.requests > 0 ? cpuUs / load.requests : Number.NaN,
    systemUsPerReq: load.requests > 0 ? (after.system - before.system) / load.requests : Number.NaN,
    cpuUtil: load.durationS > 0 ? cpuUs / (load.durationS * 1e6) : Number.NaN,
    served: after.served - before.served,
    jwksFetches: (jwksAfter.fetches?.[path] ?? 0) - (jwksBefore.fetches?.[path] ?? 0),
    foreignServerCore: foreignShare(coresBefore, coresAfter, SERVER_CORE, cpuUs),
    foreignDriverCore: foreignShare(
      coresBefore,
      coresAfter,
      DRIVER_CORE,
      driver.user + driver.system + jwksCpuUs,
    ),
  };
}

export const isBaseline = (kind: TargetKind) => BASELINES.includes(kind);
export const isAudguard = (kind: TargetKind) => AUDGUARD.includes(kind);
