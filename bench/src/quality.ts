/**
 * Whether the host, not the code, moved the figures. On a shared VM another tenant can slow the server core for
 * seconds without any process of ours seeing it (the guest's CPU counters show nothing), and a baseline slowed more
 * than its target makes a verifier look cheaper than a signature check. Three checks, all pure functions (no timing,
 * no I/O; quality.test.ts):
 *
 * - The speed probe (probe.ts) reads raw RS256 `crypto.verify` per second on the server core before the first run,
 *   after each framework block and after the last run of every round. A round whose readings spread by more than
 *   `PROBE_TOLERANCE`, or whose lowest reading is more than `PROBE_BELOW_BEST` below the best of the whole run, is
 *   slowed: all its runs are dropped.
 * - A run during which other processes took more than `DISTURBED` of a core is disturbed, and dropped.
 * - Plausibility floor: a target that verifies every request cannot spend less server CPU per request above its
 *   baseline than one raw verify of the same algorithm, as the probe measured it in the same round. A run below its
 *   floor is implausible, and dropped.
 *
 * A bar needs `minCleanRounds(rounds)` clean rounds; with fewer it is "inconclusive, re-run", not PASS or FAIL.
 */
import { ALGS, type Alg } from './keys.js';
import { AUDGUARD, NON_VERIFYING, type ProbeSample, type TargetKind } from './protocol.js';
import type { RunRecord, Workload } from './rounds.js';

/** A round whose probe readings spread by more than this share (1 − lowest / highest) is slowed. */
export const PROBE_TOLERANCE = 0.1;
/** A round whose lowest probe reading is more than this share below the run's best reading is slowed. */
export const PROBE_BELOW_BEST = 0.2;
/** A run during which another process took more than this share of a core is disturbed. */
export const DISTURBED = 0.15;

/** Clean rounds a bar needs: half of the rounds, and never fewer than two. */
export function minCleanRounds(rounds: number): number {
  return Math.max(2, Math.ceil(rounds / 2));
}

/** The probe readings taken around and within one round, in order (a reading between rounds belongs to both). */
export interface RoundProbes {
  round: number;
  samples: ProbeSample[];
}

export interface RoundCheck {
  round: number;
  readings: number;
  /** RS256 raw verifies per second: the round's lowest and highest readings. */
  low: number;
  high: number;
  /** 1 − low / high. */
  spread: number;
  /** 1 − low / the best reading of the whole run. */
  belowBest: number;
  /** Server CPU time of one raw verify per algorithm, µs: the lowest reading of the round (the lenient floor). */
  floorUs: Record<Alg, number>;
  /** Why the round is dropped as slowed; `undefined` when it is clean. */
  slowed?: string;
}

const pct = (share: number) => `${(100 * share).toFixed(0)}%`;
const lowest = (values: readonly number[]) => {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  return finite.length > 0 ? Math.min(...finite) : Number.NaN;
};

export function checkRounds(probes: readonly RoundProbes[]): RoundCheck[] {
  const rate = (s: ProbeSample) => s.perSec.RS256;
  const all = probes.flatMap((p) => p.samples.map(rate)).filter((v) => Number.isFinite(v) && v > 0);
  const best = all.length > 0 ? Math.max(...all) : Number.NaN;
  return probes.map(({ round, samples }) => {
    const rates = samples.map(rate).filter((v) => Number.isFinite(v) && v > 0);
    const low = rates.length > 0 ? Math.min(...rates) : Number.NaN;
    const high = rates.length > 0 ? Math.max(...rates) : Number.NaN;
    const spread = 1 - low / high;
    const belowBest = 1 - low / best;
    const floorUs = Object.fromEntries(
      ALGS.map((alg) => [alg, lowest(samples.map((s) => s.cpuUs[alg]))]),
    ) as Record<Alg, number>;
    const slowed =
      rates.length < 2
        ? `${rates.length} probe reading(s), so its speed is unknown`
        : spread > PROBE_TOLERANCE
          ? `the probe moved ${pct(spread)} within the round (tolerance ${pct(PROBE_TOLERANCE)})`
          : belowBest > PROBE_BELOW_BEST
            ? `the probe ran ${pct(belowBest)} below the run's best (tolerance ${pct(PROBE_BELOW_BEST)})`
            : undefined;
    return {
      round,
      readings: rates.length,
      low,
      high,
      spread,
      belowBest,
      floorUs,
      ...(slowed === undefined ? {} : { slowed }),
    };
  });
}

/** Peers and the reference have no verified-token cache; audguard verifies every request on the cold workloads. */
export function verifiesEveryRequest(kind: TargetKind, workload: Workload): boolean {
  if (NON_VERIFYING.includes(kind)) return false;
  return !AUDGUARD.includes(kind) || workload.startsWith('cold');
}

export type DropReason = 'slowed' | 'disturbed' | 'implausible';

export interface RunCheck {
  record: RunRecord;
  /** `undefined`: the run is kept. */
  drop?: DropReason;
  why?: string;
}

/**
 * Each run's verdict, in `records`' order. A verifying run's authentication cost is its server CPU per request minus
 * its baseline's in the same round, or, when that baseline run was dropped, the lowest kept baseline's (the figure
 * its row will be compared with); with no kept baseline at all there is nothing to compare, and no floor applies.
 */
export function checkRuns(records: readonly RunRecord[], rounds: readonly RoundCheck[]): RunCheck[] {
  const roundOf = new Map(rounds.map((r) => [r.round, r]));
  const first: RunCheck[] = records.map((record) => {
    const round = roundOf.get(record.round);
    if (!round || round.slowed !== undefined) {
      return { record, drop: 'slowed', why: round?.slowed ?? 'no probe readings for the round' };
    }
    const foreign = Math.max(record.foreignServerCore, record.foreignDriverCore);
    if (foreign > DISTURBED) {
      return {
        record,
        drop: 'disturbed',
        why: `other processes took ${pct(foreign)} of a core (> ${pct(DISTURBED)})`,
      };
    }
    return { record };
  });
  const keptBaselines = first.filter((c) => c.drop === undefined && c.record.workload === 'baseline');
  const baselineCpu = (r: RunRecord): number | undefined => {
    const same = keptBaselines.filter((c) => c.record.alg === r.alg && c.record.framework === r.framework);
    const inRound = same.find((c) => c.record.round === r.round);
    if (inRound) return inRound.record.cpuUsPerReq;
    const low = lowest(same.map((c) => c.record.cpuUsPerReq));
    return Number.isFinite(low) ? low : undefined;
  };
  return first.map((check) => {
    const r = check.record;
    if (check.drop !== undefined || !verifiesEveryRequest(r.kind, r.workload)) return check;
    const base = baselineCpu(r);
    const floor = roundOf.get(r.round)?.floorUs[r.alg];
    if (base === undefined || floor === undefined || !Number.isFinite(floor)) return check;
    const auth = r.cpuUsPerReq - base;
    if (!(auth < floor)) return check;
    return {
      record: r,
      drop: 'implausible',
      why:
        `auth ${auth.toFixed(1)} µs/req of server CPU above its baseline, below one raw ${r.alg} verify ` +
        `(${floor.toFixed(1)} µs) in the same round`,
    };
  });
}

/** A bar's verdict from its figure's pass/fail and the clean rounds behind it. */
export function judge(
  pass: boolean,
  cleanRounds: number,
  rounds: number,
): { pass: boolean | undefined; inconclusive?: string } {
  const need = minCleanRounds(rounds);
  if (cleanRounds >= need) return { pass };
  return { pass: undefined, inconclusive: `${cleanRounds} of ${rounds} rounds clean, ${need} needed` };
}

/** What the report prints in front of a bar. */
export function verdictLabel(bar: { pass: boolean | undefined; inconclusive?: string }): string {
  if (bar.inconclusive !== undefined) return 'inconclusive, re-run';
  return bar.pass === undefined ? 'INFO' : bar.pass ? 'PASS' : 'FAIL';
}

export interface Drops {
  rounds: number;
  slowedRounds: RoundCheck[];
  runs: number;
  /** Runs dropped, by reason (a slowed round's runs count as slowed). */
  slowed: number;
  disturbed: number;
  implausible: RunCheck[];
}

export function countDrops(rounds: readonly RoundCheck[], checks: readonly RunCheck[]): Drops {
  return {
    rounds: rounds.length,
    slowedRounds: rounds.filter((r) => r.slowed !== undefined),
    runs: checks.length,
    slowed: checks.filter((c) => c.drop === 'slowed').length,
    disturbed: checks.filter((c) => c.drop === 'disturbed').length,
    implausible: checks.filter((c) => c.drop === 'implausible'),
  };
}
