/** The two modes: short (the default, ≤ 3 minutes) and full (`--full` or BENCH_MODE=full); the scenarios' constants. */

/** audguard's and jose's default `cooldownMs` / `cooldownDuration`. */
export const DEFAULT_COOLDOWN_MS = 30_000;
/** The key-set max age every target gets in the JWKS outage scenario. */
export const OUTAGE_MAX_AGE_MS = 300;

export interface Mode {
  name: 'short' | 'full';
  /** Rounds of the interleaved load runs; odd rounds run the list backwards (ABBA), so linear drift cancels. */
  rounds: number;
  /** Seconds measured per run, after `warmupS` seconds that are thrown away. */
  durationS: number;
  warmupS: number;
  /**
   * Seconds of load each server gets once before the first round: JIT and V8's heap sizing take over a second to
   * settle (an Express server verifying ES256 needs ~2× the CPU per request in its first second).
   */
  serverWarmupS: number;
  /**
   * Concurrent connections. Enough to keep the server core busy: with few, on a VM both sides spend much of the time
   * idle, waiting to be woken by the other.
   */
  connections: number;
  /** Milliseconds per micro-benchmark case. */
  microMs: number;
  /**
   * Milliseconds per reading of the speed probe (raw `crypto.verify` on the server core, shared between RS256 and
   * ES256), taken before the first run, at each framework block's end and after the last run of every round.
   */
  probeMs: number;
  /** Peers and the reference also run the warm workloads (they have no verified-token cache, so it changes little). */
  peersOnWarm: boolean;
  /** The cold workload that overflows audguard's default cache: this many distinct tokens (0: skipped). */
  overflowTokens: number;
  /** Seconds of load per target during the JWKS outage. */
  outageS: number;
  /** Distinct tokens sent through for the memory test. */
  rssTokens: number;
  /** Also run the memory test on express+jose, for comparison. */
  rssPeers: boolean;
  /** Everything is stopped after this long, whatever happens. */
  deadlineS: number;
}

const SHORT: Mode = {
  name: 'short',
  rounds: 4,
  durationS: 0.35,
  warmupS: 0.1,
  serverWarmupS: 2,
  connections: 100,
  microMs: 500,
  probeMs: 200,
  peersOnWarm: false,
  overflowTokens: 0,
  outageS: 1,
  rssTokens: 100_000,
  rssPeers: false,
  deadlineS: 300,
};

const FULL: Mode = {
  name: 'full',
  rounds: 5,
  durationS: 3,
  warmupS: 1,
  serverWarmupS: 3,
  connections: 100,
  microMs: 2000,
  probeMs: 500,
  peersOnWarm: true,
  overflowTokens: 20_000,
  outageS: 5,
  rssTokens: 100_000,
  rssPeers: true,
  deadlineS: 3600,
};

export function selectMode(argv: readonly string[], env: NodeJS.ProcessEnv): Mode {
  const full = argv.includes('--full') || env.BENCH_MODE === 'full';
  const mode = { ...(full ? FULL : SHORT) };
  // For trying the harness itself quickly: BENCH_ROUNDS=1 BENCH_DURATION_S=0.3.
  const rounds = Number(env.BENCH_ROUNDS);
  const duration = Number(env.BENCH_DURATION_S);
  if (Number.isInteger(rounds) && rounds > 0) mode.rounds = rounds;
  if (Number.isFinite(duration) && duration > 0) mode.durationS = duration;
  return mode;
}
