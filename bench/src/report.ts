/** results.md (tables and bars), results.json (everything), printed tables. */
import { type Bar, type Findings, mib, type Row } from './analysis.js';
import { OUTAGE_MAX_AGE_MS } from './config.js';
import { ALGS } from './keys.js';
import { BASELINES, REFERENCE } from './protocol.js';
import {
  DISTURBED,
  type Drops,
  minCleanRounds,
  PROBE_BELOW_BEST,
  PROBE_TOLERANCE,
  type RoundCheck,
  verdictLabel,
} from './quality.js';
import { WORKLOAD_LABEL } from './rounds.js';

export interface RunInfo {
  mode: string;
  date: string;
  node: string;
  cpu: string;
  pinned: boolean;
  pinNote?: string;
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number;
  elapsedS: number;
  skipped: string[];
  /** Other processes' share of the cores during the load runs. */
  interference: { median: number; max: number; disturbed: number; runs: number };
  /** The speed probe's verdict on each round, and the runs dropped (quality.ts). */
  roundChecks: RoundCheck[];
  drops: Drops;
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');

/** The load table for one algorithm, as markdown. */
export function loadTable(rows: readonly Row[], alg: string): string {
  const lines = [
    '| Target | Workload | rounds kept | req/s | p50 ms | p99 ms | × own baseline | server CPU µs/req | auth CPU µs/req | × reference | server core busy | JWKS fetches/run |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows.filter((row) => row.alg === alg)) {
    const baseline = BASELINES.includes(r.kind);
    const okNote = r.okShare < 1 ? ` (${fmt(100 * r.okShare, 1)}% 2xx!)` : '';
    lines.push(
      `| ${r.target}${r.kind === REFERENCE ? ' (reference)' : ''} | ${WORKLOAD_LABEL[r.workload]}${okNote} | ${r.cleanRounds}/${r.rounds} | ${int(r.rps)} | ` +
        `${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${baseline ? '1.00' : fmt(r.ratio, 2)} | ${fmt(r.cpuUsPerReq, 1)} | ` +
        `${baseline ? '–' : fmt(r.authUsPerReq, 1)} | ${baseline ? '–' : fmt(r.xReference, 2)} | ` +
        `${fmt(100 * r.cpuUtil)}% | ${fmt(r.jwksFetchesPerRun)} |`,
    );
  }
  return lines.join('\n');
}

export function barLines(bars: readonly Bar[]): string[] {
  const width = Math.max(...bars.map((b) => b.name.length), 10);
  const labelWidth = Math.max(...bars.map((b) => verdictLabel(b).length));
  return bars.map(
    (b) =>
      `${verdictLabel(b).padEnd(labelWidth)}  ${b.name.padEnd(width)}  ${b.detail}` +
      (b.inconclusive === undefined ? '' : ` [${b.inconclusive}]`),
  );
}

export function markdown(info: RunInfo, findings: Findings, bars: readonly Bar[]): string {
  const out: string[] = [];
  out.push('# audguard benchmarks', '');
  out.push(
    `${info.mode} mode, ${info.date}; Node ${info.node}; ${info.cpu}. ` +
      `${info.pinned ? 'Server on core 1 (`taskset -c 1`), load generator and JWKS server on core 0.' : `**Not pinned**: ${info.pinNote}`} ` +
      `${info.rounds} interleaved rounds of ${info.durationS} s runs (after ${info.warmupS} s of warm-up each), ` +
      `${info.connections} connections, loopback only. Took ${fmt(info.elapsedS)} s.`,
    '',
  );
  if (info.skipped.length > 0) out.push(`Left out: ${info.skipped.join('; ')}.`, '');
  out.push(interferenceNote(info), '');
  out.push(...qualityNote(info).map((line) => `${line}  `), '');
  out.push('## Bars', '', '```', ...barLines(bars), '```', '');
  out.push(
    '## Load',
    '',
    'Every request carries a valid bearer token; 100 connections keep the server core saturated. req/s and ' +
      'latencies: median over rounds. "× own baseline": throughput over the same framework unprotected in the same ' +
      'round, median over rounds. "server CPU": `process.cpuUsage()` of the server process over the run, per ' +
      'request, the lowest of the rounds (noise on a shared VM only adds). "auth CPU": that above the same ' +
      'framework\'s baseline. "× reference": auth CPU over the minimal node:crypto verifier\'s (on Express). ' +
      '"server core busy": server CPU time over wall time (well under 100%: the load generator was the limit). ' +
      '"rounds kept": runs not dropped as slowed, disturbed or implausible (see Rounds below); every figure comes ' +
      'from those. Peers have no verified-token cache, so every request is a full verification ("cold") for them.',
    '',
  );
  for (const alg of ALGS) out.push(`### ${alg}`, '', loadTable(findings.rows, alg), '');
  out.push('![chart](chart.svg)', '');
  out.push(...roundsSection(info));

  out.push(
    '## Micro-benchmarks (server core, no HTTP)',
    '',
    '| Case | Alg | ops/s | µs/op |',
    '| --- | --- | ---: | ---: |',
  );
  for (const m of findings.micro)
    out.push(`| ${m.name} | ${m.alg} | ${int(m.opsPerSec)} | ${fmt(m.usPerOp, 2)} |`);
  out.push('');

  out.push(
    '## JWKS: a flood of 200 unknown `kid`s',
    '',
    'Fetches counted at the JWKS server while 200 requests, each with a different unpublished `kid`, go through.',
    '',
    '| Target | Requests | Statuses | Duration ms | JWKS fetches |',
    '| --- | ---: | --- | ---: | ---: |',
  );
  for (const f of findings.flood) {
    out.push(`| ${f.target} | ${f.requests} | ${statuses(f.statusCodes)} | ${f.durationMs} | ${f.fetches} |`);
  }
  out.push('');

  out.push(
    '## JWKS outage',
    '',
    `Key-set max age ${OUTAGE_MAX_AGE_MS} ms for every target that has one (audguard's \`jwksOptions.maxAgeMs\`, ` +
      "the peers' `cacheMaxAge`); audguard's token cache off. After warm-up the JWKS server is stopped; after twice " +
      'the max age, valid tokens (RS256 and ES256) are sent. audguard keeps serving the last good keys for ' +
      '`staleIfErrorMs` (default 1 h) past their age.',
    '',
    '| Target | Requests | Served (2xx) | Statuses |',
    '| --- | ---: | ---: | --- |',
  );
  for (const o of findings.outage) {
    out.push(
      `| ${o.target} | ${o.requests + o.errors} | ${fmt(100 * o.servedShare, 2)}% | ${statuses(o.statusCodes)}${o.errors ? `, ${o.errors} errors` : ''} |`,
    );
  }
  out.push('');

  out.push(
    '## Memory',
    '',
    '| Target | Distinct tokens | Served | Idle RSS MiB | RSS after 1/5 MiB | Peak RSS MiB | Final RSS MiB | Peak heap MiB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of findings.rss) {
    out.push(
      `| ${r.target} | ${int(r.tokens)} | ${int(r.ok)} | ${mib(r.idleRss)} | ${mib(r.rssAtFifth)} | ${mib(r.peakRss)} | ${mib(r.finalRss)} | ${mib(r.peakHeapUsed)} |`,
    );
  }
  out.push('');
  return out.join('\n');
}

/** How much other processes disturbed the runs; a busy machine makes every figure here less trustworthy. */
export function interferenceNote(info: RunInfo): string {
  const { median, max, disturbed, runs } = info.interference;
  return (
    `Other processes on the machine took a median ${fmt(100 * median)}% (max ${fmt(100 * max)}%) of the busier core ` +
    `during the load runs; ${disturbed} of ${runs} runs were disturbed (> ${100 * DISTURBED}%).` +
    (disturbed > runs / 4 ? ' **The machine was busy: treat these figures as rough.**' : '')
  );
}

/** How many rounds and runs were dropped, and why (console and results.md). */
export function qualityNote(info: RunInfo): string[] {
  const { drops } = info;
  const lines = [
    `Speed probe (raw RS256 crypto.verify on the server core, between the framework blocks of each round): ` +
      `${drops.slowedRounds.length} of ${drops.rounds} rounds dropped as slowed` +
      (drops.slowedRounds.length > 0
        ? ` (${drops.slowedRounds.map((r) => `round ${r.round + 1}: ${r.slowed}`).join('; ')})`
        : '') +
      '.',
    `Runs dropped: ${drops.slowed} of ${drops.runs} in slowed rounds, ${drops.disturbed} disturbed by other ` +
      `processes, ${drops.implausible.length} implausible (cheaper than one raw verify)` +
      (drops.implausible.length > 0
        ? `: ${drops.implausible
            .map(
              (c) =>
                `${c.record.target} ${c.record.alg} ${c.record.workload} round ${c.record.round + 1}, ${c.why}`,
            )
            .join('; ')}`
        : '') +
      '.',
  ];
  const need = minCleanRounds(info.rounds);
  lines.push(
    `A bar needs ${need} clean rounds of ${info.rounds}; with fewer it reads "inconclusive, re-run" ` +
      '(re-run on a quieter machine).',
  );
  return lines;
}

function roundsSection(info: RunInfo): string[] {
  const k = (n: number) => int(n);
  const out = [
    '## Rounds: speed probe and plausibility floors',
    '',
    `The probe times raw \`crypto.verify\` (the micro-benchmark's floor) on the server core before the first run, ` +
      'after each framework block and after the last run of every round. A round is slowed, and all its runs ' +
      `dropped, when its RS256 readings spread by more than ${100 * PROBE_TOLERANCE}% or its lowest reading is ` +
      `more than ${100 * PROBE_BELOW_BEST}% below the best of the run. Floor: a target that verifies every ` +
      "request must spend at least one raw verify's server CPU (the round's lowest reading) per request above its " +
      `baseline; a run below is implausible and dropped. Runs with other processes above ${100 * DISTURBED}% of a ` +
      'core are dropped as disturbed.',
    '',
    '| Round | Readings | RS256 verifies/s (low–high) | Moved | Below best | Floor RS256 µs | Floor ES256 µs | Verdict |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of info.roundChecks) {
    out.push(
      `| ${r.round + 1} | ${r.readings} | ${k(r.low)}–${k(r.high)} | ${fmt(100 * r.spread)}% | ` +
        `${fmt(100 * r.belowBest)}% | ${fmt(r.floorUs.RS256, 1)} | ${fmt(r.floorUs.ES256, 1)} | ` +
        `${r.slowed === undefined ? 'clean' : `slowed: ${r.slowed}`} |`,
    );
  }
  out.push('');
  return out;
}

function statuses(codes: Record<string, number>): string {
  return (
    Object.entries(codes)
      .map(([code, n]) => `${code}×${n}`)
      .join(', ') || '–'
  );
}
