/** The JWKS scenarios (a flood of unknown `kid`s, an outage) and the memory test. */
import { OUTAGE_MAX_AGE_MS } from './config.js';
import {
  type Context,
  type JwksServer,
  startJwksServer,
  startTarget,
  startTargets,
  type Target,
  type Tokens,
} from './harness.js';
import { runLoad } from './load.js';
import { sleep } from './procs.js';
import type { ProcessStats, TargetKind } from './protocol.js';

export interface FloodResult {
  target: string;
  kind: TargetKind;
  requests: number;
  statusCodes: Record<string, number>;
  durationMs: number;
  /** JWKS fetches the flood caused, counted at the JWKS server. */
  fetches: number;
}

/** 200 requests, each with a `kid` the issuer never published, against every target that fetches keys. */
export async function runFlood(ctx: Context, jwks: JwksServer, targets: readonly Target[], tokens: Tokens) {
  const results: FloodResult[] = [];
  for (const target of targets) {
    const before = await jwks.fetches(target.jwksName);
    const started = Date.now();
    const load = await runLoad({
      port: target.port,
      tokens: tokens.unknownKids,
      connections: ctx.mode.connections,
      amount: tokens.unknownKids.length,
      durationS: 60,
      timeoutS: 60,
    });
    const durationMs = Date.now() - started;
    await sleep(300); // let a refetch still in flight land before counting
    const fetches = (await jwks.fetches(target.jwksName)) - before;
    results.push({
      target: target.name,
      kind: target.kind,
      requests: load.requests,
      statusCodes: load.statusCodes,
      durationMs,
      fetches,
    });
    ctx.log(
      `  flood ${target.name}: ${fetches} JWKS fetch(es) for ${load.requests} unknown kids in ${durationMs} ms`,
    );
  }
  return results;
}

export interface OutageResult {
  target: string;
  kind: TargetKind;
  requests: number;
  ok: number;
  servedShare: number;
  statusCodes: Record<string, number>;
  errors: number;
}

/**
 * Warm every target, stop the JWKS server, wait past the key sets' max age (so every refresh fails), then send
 * valid tokens (both algorithms) and count what is still served. audguard runs with its cache off, so every request
 * goes through the key set.
 */
export async function runOutage(ctx: Context, tokens: Tokens): Promise<OutageResult[]> {
  const jwks = await startJwksServer(ctx, 'jwks-server (outage)');
  const audguard: TargetKind[] = ['audguard-express', 'audguard-hono', 'audguard-koa'];
  const peers: TargetKind[] = [
    'express-oauth2-jwt-bearer',
    'express-jwt+jwks-rsa',
    'hono-jwk',
    'koa-jwt+jwks-rsa',
    'express+jose',
  ];
  const targets: Target[] = [];
  try {
    targets.push(
      ...(await startTargets(
        ctx,
        jwks,
        [...audguard, ...peers].map((kind) => [
          kind,
          {
            jwksMaxAgeMs: OUTAGE_MAX_AGE_MS,
            ...(audguard.includes(kind) ? { cache: false as const, label: `${kind} (cache off)` } : {}),
          },
        ]),
      )),
    );
    const mixed = tokens.rotated.RS256.flatMap((t, i) => [t, tokens.rotated.ES256[i] as string]);
    const base = { tokens: mixed, connections: ctx.mode.connections };
    for (const target of targets) {
      await runLoad({ ...base, port: target.port, durationS: ctx.mode.warmupS, timeoutS: 30 });
    }
    await jwks.child.stop();
    await sleep(2 * OUTAGE_MAX_AGE_MS);
    const results: OutageResult[] = [];
    for (const target of targets) {
      const load = await runLoad({ ...base, port: target.port, durationS: ctx.mode.outageS, timeoutS: 60 });
      const total = load.requests + load.errors;
      results.push({
        target: target.name,
        kind: target.kind,
        requests: load.requests,
        ok: load.ok,
        servedShare: total > 0 ? load.ok / total : 0,
        statusCodes: load.statusCodes,
        errors: load.errors,
      });
      ctx.log(`  outage ${target.name}: ${((100 * load.ok) / Math.max(1, total)).toFixed(2)}% served`);
    }
    return results;
  } finally {
    await Promise.all(targets.map((t) => t.child.stop()));
    await jwks.child.stop();
  }
}

export interface RssResult {
  target: string;
  kind: TargetKind;
  tokens: number;
  requests: number;
  ok: number;
  durationS: number;
  idleRss: number;
  peakRss: number;
  finalRss: number;
  peakHeapUsed: number;
  /** RSS when a fifth of the tokens had gone through (the cache full long before), to see whether growth stops. */
  rssAtFifth: number;
  samples: { ms: number; served: number; rss: number; heapUsed: number }[];
}

/** Sends `tokens` (all distinct) through a fresh server, sampling its RSS every 100 ms. */
export async function runRss(
  ctx: Context,
  jwks: JwksServer,
  kind: TargetKind,
  tokens: readonly string[],
): Promise<RssResult | undefined> {
  const target = await startTarget(ctx, jwks, kind, { label: `${kind} (memory)` });
  if (!target) return undefined;
  try {
    await runLoad({
      port: target.port,
      tokens: tokens.slice(0, 1),
      connections: 10,
      durationS: 0.5,
      timeoutS: 30,
    });
    const idle = await target.child.stats();
    const samples: RssResult['samples'] = [];
    const started = Date.now();
    const record = (s: ProcessStats) =>
      samples.push({
        ms: Date.now() - started,
        served: s.served - idle.served,
        rss: s.rss,
        heapUsed: s.heapUsed,
      });
    let sampling = true;
    const sampler = (async () => {
      while (sampling && Date.now() - started < 600_000) {
        record(await target.child.stats());
        await sleep(100);
      }
    })();
    const load = await runLoad({
      port: target.port,
      tokens,
      connections: ctx.mode.connections,
      amount: tokens.length,
      durationS: 600,
      timeoutS: 600,
    });
    sampling = false;
    await sampler;
    const final = await target.child.stats();
    record(final);
    const fifth = samples.find((s) => s.served >= tokens.length / 5) ?? final;
    const result: RssResult = {
      target: target.name,
      kind,
      tokens: tokens.length,
      requests: load.requests,
      ok: load.ok,
      durationS: load.durationS,
      idleRss: idle.rss,
      peakRss: Math.max(...samples.map((s) => s.rss)),
      finalRss: final.rss,
      peakHeapUsed: Math.max(...samples.map((s) => s.heapUsed)),
      rssAtFifth: fifth.rss,
      samples,
    };
    ctx.log(
      `  memory ${target.name}: ${load.ok}/${tokens.length} served, RSS idle ${mb(idle.rss)} → peak ${mb(result.peakRss)} MB`,
    );
    return result;
  } finally {
    await target.child.stop();
  }
}

export const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
