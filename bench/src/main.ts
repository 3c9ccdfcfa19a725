/**
 * audguard's benchmark harness. `pnpm bench` (short, ≤ 3 min) or `pnpm bench --full` / BENCH_MODE=full.
 * Writes bench/results/{results.md,chart.svg,results.json} and prints the tables and the PASS/FAIL bars.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { computeBars, type Findings, interference, summarize } from './analysis.js';
import { buildChildren } from './build.js';
import { chartSvg } from './chart.js';
import { selectMode } from './config.js';
import {
  AUDIENCE,
  type Context,
  createContext,
  get,
  ISSUER,
  signWorkloadTokens,
  startJwksServer,
  startProbe,
  startTargets,
  type Target,
  type Tokens,
} from './harness.js';
import { ALGS, signTokens } from './keys.js';
import { killAll, pinDriver, SERVER_CORE, startChild, useBuiltChildren } from './procs.js';
import { AUDGUARD, BASELINES, type MicroResult, REFERENCE, type TargetKind } from './protocol.js';
import { checkRounds, checkRuns, countDrops } from './quality.js';
import { barLines, interferenceNote, loadTable, markdown, qualityNote, type RunInfo } from './report.js';
import { buildCells, runRounds } from './rounds.js';
import { type RssResult, runFlood, runOutage, runRss } from './scenarios.js';

const PEERS: TargetKind[] = [
  'express-oauth2-jwt-bearer',
  'express-jwt+jwks-rsa',
  'hono-jwk',
  'koa-jwt+jwks-rsa',
  'express+jose',
];

const started = Date.now();
const mode = selectMode(process.argv.slice(2), process.env);
const log = (line: string) => console.log(line);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

// Everything stops by itself: a hard deadline over the whole run.
setTimeout(() => {
  console.error(`bench: the ${mode.deadlineS} s deadline passed; stopping everything.`);
  killAll();
  process.exit(2);
}, mode.deadlineS * 1000).unref();

async function main(): Promise<number> {
  const pin = pinDriver(process.env.BENCH_ALLOW_UNPINNED === '1');
  log(`audguard bench — ${mode.name} mode${pin.pinned ? '' : ` (unpinned: ${pin.note})`}`);
  const ctx = createContext(mode, log);
  if (process.env.BENCH_RUNTIME !== 'source') {
    log(`[${elapsed()}] bundling the servers (plain node, no TypeScript loader)`);
    useBuiltChildren(await buildChildren());
  }

  log(`[${elapsed()}] micro-benchmarks on core ${SERVER_CORE}`);
  const micro = await runMicro(ctx);

  log(`[${elapsed()}] signing tokens`);
  const tokens = signWorkloadTokens(ctx);
  const rssTokens = signTokens(ctx.keys.ES256, { iss: ISSUER, aud: AUDIENCE }, mode.rssTokens);

  log(`[${elapsed()}] starting the JWKS server and the servers under test`);
  const jwks = await startJwksServer(ctx, 'jwks-server');
  const [baselines, audguard, audguardNoCache, others] = await Promise.all([
    startTargets(ctx, jwks, BASELINES),
    startTargets(ctx, jwks, AUDGUARD),
    startTargets(
      ctx,
      jwks,
      AUDGUARD.map((kind) => [kind, { cache: false, label: `${kind} (cache off)` }] as const),
    ),
    startTargets(ctx, jwks, [...PEERS, REFERENCE]),
  ]);
  const all = [...baselines, ...audguard, ...audguardNoCache, ...others];
  const broken = await sanityCheck(ctx, all, tokens);
  const ok = (t: Target) => !broken.has(t);

  const cells = buildCells(
    ctx,
    {
      baselines: baselines.filter(ok),
      audguard: audguard.filter(ok),
      audguardNoCache: audguardNoCache.filter(ok),
      others: others.filter(ok),
    },
    tokens,
  );
  log(`[${elapsed()}] load: ${cells.length} runs per round × ${mode.rounds} rounds`);
  const probe = await startProbe(ctx);
  const { records, probes } = await runRounds(ctx, jwks, probe, cells);
  await probe.stop();
  const rounds = checkRounds(probes);
  const checks = checkRuns(records, rounds);

  log(`[${elapsed()}] JWKS flood: 200 unknown kids`);
  const floodTargets = [...audguard, ...others].filter((t) => ok(t) && t.kind !== REFERENCE);
  const flood = await runFlood(ctx, jwks, floodTargets, tokens);
  await Promise.all(all.map((t) => t.child.stop()));

  log(`[${elapsed()}] JWKS outage`);
  const outage = await runOutage(ctx, tokens);

  log(`[${elapsed()}] memory: ${mode.rssTokens.toLocaleString('en-US')} distinct tokens`);
  const rss: RssResult[] = [];
  for (const kind of ['audguard-express', ...(mode.rssPeers ? ['express+jose'] : [])] as TargetKind[]) {
    const result = await runRss(ctx, jwks, kind, rssTokens);
    if (result) rss.push(result);
  }
  await jwks.child.stop();

  const findings: Findings = { rows: summarize(checks), micro, flood, outage, rss };
  const bars = computeBars(findings);
  const info: RunInfo = {
    mode: mode.name,
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores)`,
    pinned: pin.pinned,
    ...(pin.note === undefined ? {} : { pinNote: pin.note }),
    rounds: mode.rounds,
    durationS: mode.durationS,
    warmupS: mode.warmupS,
    connections: mode.connections,
    elapsedS: (Date.now() - started) / 1000,
    skipped: ctx.skipped,
    interference: { ...interference(records), runs: records.length },
    roundChecks: rounds,
    drops: countDrops(rounds, checks),
  };

  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('results.md', dir), markdown(info, findings, bars));
  writeFileSync(
    new URL('chart.svg', dir),
    chartSvg(findings.rows, `audguard vs peers — ${mode.name} mode, ${info.date.slice(0, 10)}`),
  );
  writeFileSync(
    new URL('results.json', dir),
    `${JSON.stringify(
      {
        info,
        mode,
        bars,
        ...findings,
        probes,
        records: checks.map((c) => ({ ...c.record, drop: c.drop, why: c.why })),
      },
      null,
      2,
    )}\n`,
  );

  log('');
  for (const alg of ALGS) log(`${alg}\n${loadTable(findings.rows, alg)}\n`);
  for (const line of barLines(bars)) log(line);
  log(`\n${interferenceNote(info)}`);
  for (const line of qualityNote(info)) log(line);
  const judged = bars.filter((b) => b.pass !== undefined || b.inconclusive !== undefined);
  const passed = judged.filter((b) => b.pass === true).length;
  const failed = judged.filter((b) => b.pass === false).length;
  const inconclusive = judged.length - passed - failed;
  log(
    `\n${passed}/${judged.length} bars pass, ${failed} fail` +
      (inconclusive > 0
        ? `, ${inconclusive} inconclusive (too few clean rounds: re-run on a quieter machine)`
        : '') +
      `. Results in bench/results/ (took ${elapsed()}).`,
  );
  // --strict: a gate cannot pass what it could not measure.
  return (failed > 0 || inconclusive > 0) && process.argv.includes('--strict') ? 1 : 0;
}

async function runMicro(ctx: Context): Promise<MicroResult[]> {
  const child = startChild('micro', 'micro', [JSON.stringify({ msPerCase: ctx.mode.microMs })], SERVER_CORE);
  const report = await child.ready(120_000);
  await child.exited;
  if (report.type !== 'micro') throw new Error('the micro-benchmark did not report');
  for (const m of report.results) ctx.log(`  ${m.alg} ${m.name}: ${m.usPerOp.toFixed(2)} µs/op`);
  return report.results;
}

/**
 * Every target must answer 200 to a valid token of each algorithm, and (unless unprotected) refuse a token minted
 * for another API; one that does not is left out of the measurements, with a note.
 */
async function sanityCheck(ctx: Context, targets: readonly Target[], tokens: Tokens): Promise<Set<Target>> {
  const broken = new Set<Target>();
  for (const target of targets) {
    for (const alg of ALGS) {
      const valid = await get(target.port, tokens.rotated[alg][0]);
      const foreign = await get(target.port, tokens.foreign[alg]);
      const problem =
        valid !== 200
          ? `answers ${valid} to a valid ${alg} token`
          : !BASELINES.includes(target.kind) && foreign < 400
            ? `accepts an ${alg} token minted for another API`
            : undefined;
      if (problem) {
        ctx.log(`  left out ${target.name}: it ${problem}`);
        ctx.skipped.push(`${target.name}: ${problem}`);
        broken.add(target);
        break;
      }
    }
  }
  return broken;
}

main().then(
  (code) => {
    killAll();
    process.exit(code);
  },
  (error: unknown) => {
    console.error('bench failed:', error);
    killAll();
    process.exit(1);
  },
);
