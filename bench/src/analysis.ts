/** From raw runs to rows (medians over rounds, ratios within a round) and to the PASS/FAIL bars. */
import { DEFAULT_COOLDOWN_MS } from './config.js';
import type { Alg } from './keys.js';
import {
  AUDGUARD,
  BASELINES,
  type Framework,
  type MicroResult,
  REFERENCE,
  type TargetKind,
} from './protocol.js';
import { DISTURBED, judge, type RunCheck } from './quality.js';
import type { RunRecord, Workload } from './rounds.js';
import type { FloodResult, OutageResult, RssResult } from './scenarios.js';

export interface Row {
  target: string;
  kind: TargetKind;
  framework: Framework;
  alg: Alg;
  workload: Workload;
  rounds: number;
  /** Rounds whose run was kept (not slowed, disturbed or implausible: quality.ts); every figure comes from those. */
  cleanRounds: number;
  /** Rounds whose run and the same round's baseline run were both kept: `ratio` comes from those. */
  pairedRounds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Throughput over the same framework's unprotected baseline, same round (median over rounds). */
  ratio: number;
  cpuUsPerReq: number;
  cpuUtil: number;
  /** Server CPU per request above the same framework's baseline (both the lowest over rounds). */
  authUsPerReq: number;
  /** `authUsPerReq` over the node:crypto reference's (for the same algorithm). */
  xReference: number;
  /** 2xx share of responses (every workload sends valid tokens). */
  okShare: number;
  jwksFetchesPerRun: number;
  /** Worst share of either core taken by other processes, median over rounds. */
  foreign: number;
}

export interface Bar {
  name: string;
  /** `undefined`: an information line, or a bar without enough clean rounds (then `inconclusive` says so). */
  pass: boolean | undefined;
  /** Set when too few clean rounds remain to judge the bar: "re-run", with how many there were. */
  inconclusive?: string;
  detail: string;
}

/** Warm path: audguard's throughput over its framework's unprotected baseline. */
export const WARM_BAR = 0.9;
/** Cold path: audguard's authentication CPU over the node:crypto reference's. */
export const COLD_BAR = 1.2;
/** Memory: peak RSS above the idle server's while the distinct tokens go through. */
export const RSS_BUDGET_BYTES = 256 * 2 ** 20;
/** Memory: once the cache is full (after a fifth of the tokens), RSS may still rise by at most this much. */
export const RSS_PLATEAU_BYTES = 64 * 2 ** 20;

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Rows from the runs and their verdicts (quality.ts `checkRuns`): figures from the kept runs only. */
export function summarize(checks: readonly RunCheck[]): Row[] {
  const groups = new Map<string, RunCheck[]>();
  for (const c of checks) {
    const key = `${c.record.target}|${c.record.alg}|${c.record.workload}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const kept = (c: RunCheck | undefined) => c !== undefined && c.drop === undefined;
  const rows: Row[] = [];
  for (const group of groups.values()) {
    const runs = group.map((c) => c.record);
    const first = runs[0] as RunRecord;
    const used = group.filter(kept).map((c) => c.record);
    const baselineOf = (r: RunRecord) =>
      checks.find(
        ({ record: b }) =>
          b.round === r.round && b.alg === r.alg && b.workload === 'baseline' && b.framework === r.framework,
      );
    const pairs = group.flatMap((c) => {
      const base = baselineOf(c.record);
      return kept(c) && kept(base) ? [{ r: c.record, base: (base as RunCheck).record }] : [];
    });
    const requests = runs.reduce((n, r) => n + r.requests, 0);
    rows.push({
      target: first.target,
      kind: first.kind,
      framework: first.framework,
      alg: first.alg,
      workload: first.workload,
      rounds: runs.length,
      cleanRounds: used.length,
      pairedRounds: pairs.length,
      rps: median(used.map((r) => r.rps)),
      p50: median(used.map((r) => r.p50)),
      p99: median(used.map((r) => r.p99)),
      ratio: median(pairs.map((p) => p.r.rps / p.base.rps)),
      cpuUsPerReq: lowest(used.map((r) => r.cpuUsPerReq)),
      cpuUtil: median(used.map((r) => r.cpuUtil)),
      authUsPerReq: Number.NaN,
      xReference: Number.NaN,
      okShare: requests > 0 ? runs.reduce((n, r) => n + r.ok, 0) / requests : 0,
      jwksFetchesPerRun: median(runs.map((r) => r.jwksFetches)),
      foreign: median(runs.map((r) => Math.max(r.foreignServerCore, r.foreignDriverCore))),
    });
  }
  for (const row of rows) {
    if (BASELINES.includes(row.kind)) continue;
    const base = rows.find(
      (r) => r.workload === 'baseline' && r.alg === row.alg && r.framework === row.framework,
    );
    if (base) row.authUsPerReq = row.cpuUsPerReq - base.cpuUsPerReq;
  }
  for (const row of rows) {
    const reference = rows.find((r) => r.kind === REFERENCE && r.alg === row.alg && r.workload === 'cold');
    if (reference && !BASELINES.includes(row.kind))
      row.xReference = row.authUsPerReq / reference.authUsPerReq;
  }
  return rows.sort(rowOrder);
}

/**
 * CPU per request: the lowest of the rounds. On a shared VM noise only ever adds (a slow second, a host neighbour,
 * V8 regrowing its heap after an idle spell inflate a run 1.5–2×), so the lowest run is the best estimate of the
 * intrinsic cost; differences of lows stay fair because every configuration gets the same number of tries.
 */
function lowest(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length > 0 ? Math.min(...finite) : Number.NaN;
}

const KIND_ORDER = new Map<TargetKind, number>(
  [...BASELINES, ...AUDGUARD, REFERENCE].map((kind, i) => [kind, i] as [TargetKind, number]),
);
const WORKLOAD_ORDER: Workload[] = ['baseline', 'warm-1', 'warm-1000', 'cold', 'cold-overflow'];

function rowOrder(a: Row, b: Row): number {
  return (
    a.alg.localeCompare(b.alg) * -1 || // RS256 first
    WORKLOAD_ORDER.indexOf(a.workload) - WORKLOAD_ORDER.indexOf(b.workload) ||
    (KIND_ORDER.get(a.kind) ?? 99) - (KIND_ORDER.get(b.kind) ?? 99) ||
    a.target.localeCompare(b.target)
  );
}

export interface Findings {
  rows: Row[];
  micro: MicroResult[];
  flood: FloodResult[];
  outage: OutageResult[];
  rss: RssResult[];
}

export function computeBars(findings: Findings): Bar[] {
  const bars: Bar[] = [];
  const { rows } = findings;
  // A row whose runs were all dropped has no figure: '–', not NaN.
  const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '–×');
  const us = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n.toFixed(1) : '–');
  for (const row of rows.filter((r) => AUDGUARD.includes(r.kind) && r.workload.startsWith('warm'))) {
    bars.push({
      name: `warm  ${row.target} ${row.alg} ${row.workload}`,
      ...judge(row.ratio >= WARM_BAR, row.pairedRounds, row.rounds),
      detail: `${x(row.ratio)} the unprotected ${row.framework} baseline (bar ≥ ${WARM_BAR.toFixed(2)}×)`,
    });
  }
  const baselineOf = (row: Row) =>
    rows.find((r) => r.workload === 'baseline' && r.alg === row.alg && r.framework === row.framework);
  for (const row of rows.filter((r) => AUDGUARD.includes(r.kind) && r.workload.startsWith('cold'))) {
    const reference = rows.find((r) => r.kind === REFERENCE && r.alg === row.alg && r.workload === 'cold');
    // The figure rests on four rows: this one, the reference, and each one's baseline.
    const behind = [row, baselineOf(row), reference, reference && baselineOf(reference)];
    const clean = Math.min(...behind.map((r) => r?.cleanRounds ?? 0));
    bars.push({
      name: `cold  ${row.target} ${row.alg} ${row.workload}`,
      ...judge(row.xReference <= COLD_BAR, clean, row.rounds),
      detail:
        `auth costs ${us(row.authUsPerReq)} µs/req of server CPU above the ${row.framework} baseline = ` +
        `${x(row.xReference)} the node:crypto reference's ${us(reference?.authUsPerReq)} µs (bar ≤ ${COLD_BAR}×)`,
    });
  }
  // The same comparison without HTTP (micro-benchmarks): much less noisy, so it says whether a miss above comes from
  // the verifier or from the request path around it.
  for (const alg of ['RS256', 'ES256']) {
    const ours = findings.micro.find(
      (m) => m.alg === alg && m.name.startsWith('audguard core verify, cache off'),
    );
    const floor = findings.micro.find((m) => m.alg === alg && m.name.startsWith('node:crypto reference'));
    if (!ours || !floor) continue;
    bars.push({
      name: `cold  core verify ${alg} (no HTTP)`,
      pass: undefined,
      detail: `audguard core verify, cache off: ${ours.usPerOp.toFixed(1)} µs = ${x(ours.usPerOp / floor.usPerOp)} the reference verifier's ${floor.usPerOp.toFixed(1)} µs`,
    });
  }
  for (const flood of findings.flood.filter((f) => AUDGUARD.includes(f.kind))) {
    const allowed = Math.max(1, Math.ceil(flood.durationMs / DEFAULT_COOLDOWN_MS));
    bars.push({
      name: `flood ${flood.target}`,
      pass: flood.fetches <= allowed,
      detail: `${flood.fetches} JWKS fetch(es) for ${flood.requests} unknown kids in ${flood.durationMs} ms (bar ≤ ${allowed}: one per ${DEFAULT_COOLDOWN_MS / 1000} s cooldown)`,
    });
  }
  for (const outage of findings.outage.filter((o) => AUDGUARD.includes(o.kind))) {
    bars.push({
      name: `outage ${outage.target}`,
      pass: outage.requests > 0 && outage.servedShare === 1,
      detail: `${(100 * outage.servedShare).toFixed(2)}% of ${outage.requests} valid requests served with the JWKS server down (bar 100%)`,
    });
  }
  for (const rss of findings.rss.filter((r) => AUDGUARD.includes(r.kind))) {
    const growth = rss.peakRss - rss.idleRss;
    const late = rss.peakRss - rss.rssAtFifth;
    bars.push({
      name: `rss   ${rss.target}`,
      pass: rss.ok === rss.tokens && growth <= RSS_BUDGET_BYTES && late <= RSS_PLATEAU_BYTES,
      detail:
        `peak RSS ${mib(rss.peakRss)} MiB (idle ${mib(rss.idleRss)}, +${mib(growth)} MiB; ${mib(rss.rssAtFifth)} MiB after ` +
        `${rss.tokens / 5} tokens, ${mib(rss.finalRss)} at the end) over ${rss.tokens} distinct tokens, default cache ` +
        `(bar: ≤ +${mib(RSS_BUDGET_BYTES)} MiB over idle, ≤ +${mib(RSS_PLATEAU_BYTES)} MiB after the first fifth)`,
    });
  }
  return bars;
}

/** How disturbed the load runs were by other processes on the machine. */
export function interference(records: readonly RunRecord[]): {
  median: number;
  max: number;
  disturbed: number;
} {
  const shares = records.map((r) => Math.max(r.foreignServerCore, r.foreignDriverCore));
  return {
    median: median(shares),
    max: Math.max(0, ...shares.filter(Number.isFinite)),
    disturbed: shares.filter((s) => s > DISTURBED).length,
  };
}

export const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
