/**
 * A/B comparison of a few targets on one workload, many short interleaved rounds: server CPU per request and
 * throughput, medians. For checking a change without the whole matrix.
 *
 *   pnpm --dir bench run compare express audguard-express [--cache-off] [--alg=ES256]
 *     [--tokens=1|1000] [--rounds=8] [--seconds=1]
 */
import { median } from './analysis.js';
import { buildChildren } from './build.js';
import { selectMode } from './config.js';
import { createContext, signWorkloadTokens, startJwksServer, startTarget, type Target } from './harness.js';
import type { Alg } from './keys.js';
import { runLoad } from './load.js';
import { killAll, pinDriver, useBuiltChildren } from './procs.js';
import { AUDGUARD, TARGET_KINDS, type TargetKind } from './protocol.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const kinds = args.filter((a) => !a.startsWith('--')) as TargetKind[];
for (const kind of kinds) {
  if (!TARGET_KINDS.includes(kind))
    throw new Error(`unknown target ${kind}; one of ${TARGET_KINDS.join(', ')}`);
}
if (kinds.length === 0) throw new Error('name the targets to compare, e.g. express audguard-express');
const alg = flag('alg', 'RS256') as Alg;
const rounds = Number(flag('rounds', '8'));
const seconds = Number(flag('seconds', '1'));
const tokenCount = Number(flag('tokens', '1000'));
const cacheOff = args.includes('--cache-off');

pinDriver(process.env.BENCH_ALLOW_UNPINNED === '1');
const ctx = createContext(
  { ...selectMode([], {}), deadlineS: rounds * kinds.length * (seconds + 2) + 120 },
  () => {},
);
useBuiltChildren(await buildChildren());
const tokens = signWorkloadTokens(ctx).rotated[alg].slice(0, tokenCount);
const jwks = await startJwksServer(ctx, 'jwks-server');
const targets: { target: Target; cpu: number[]; sys: number[]; rps: number[] }[] = [];
for (const kind of kinds) {
  const options = cacheOff && AUDGUARD.includes(kind) ? { cache: false as const } : {};
  const target = await startTarget(ctx, jwks, kind, options);
  if (target) targets.push({ target, cpu: [], sys: [], rps: [] });
}
for (let round = 0; round < rounds; round++) {
  for (const entry of round % 2 === 0 ? targets : [...targets].reverse()) {
    const load = { port: entry.target.port, tokens, connections: 100, timeoutS: seconds + 30 };
    await runLoad({ ...load, durationS: 0.3 });
    const before = await entry.target.child.stats();
    const result = await runLoad({ ...load, durationS: seconds });
    const after = await entry.target.child.stats();
    entry.cpu.push((after.user + after.system - before.user - before.system) / result.requests);
    entry.sys.push((after.system - before.system) / result.requests);
    entry.rps.push(result.rps);
  }
}
console.log(`${alg}, ${tokens.length} token(s)${cacheOff ? ', audguard cache off' : ''}, ${rounds} rounds:`);
for (const { target, cpu, sys, rps } of targets) {
  console.log(
    `${target.name.padEnd(28)} CPU ${median(cpu).toFixed(1).padStart(6)} µs/req, kernel ${median(sys).toFixed(1)}  ` +
      `(${cpu.map((c, i) => `${c.toFixed(0)}/${(sys[i] ?? 0).toFixed(0)}`).join(' ')})  ${Math.round(median(rps))} req/s`,
  );
}
killAll();
process.exit(0);
