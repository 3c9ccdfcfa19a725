/**
 * Profiles one server under load with `--cpu-prof` and prints where its CPU time goes (self time per function).
 *
 *   pnpm --dir bench run profile [kind] [--cache-off] [--alg=ES256] [--seconds=5]
 *
 * kind defaults to audguard-express; the workload is 1,000 rotated tokens. The profile is kept in
 * bench/results/profiles/ (git-ignored, *.cpuprofile).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { selectMode } from './config.js';
import { createContext, signWorkloadTokens, startJwksServer, startTarget } from './harness.js';
import type { Alg } from './keys.js';
import { runLoad } from './load.js';
import { killAll, pinDriver } from './procs.js';
import { TARGET_KINDS, type TargetKind } from './protocol.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const kind = (args.find((a) => !a.startsWith('--')) ?? 'audguard-express') as TargetKind;
if (!TARGET_KINDS.includes(kind))
  throw new Error(`unknown target ${kind}; one of ${TARGET_KINDS.join(', ')}`);
const alg = (flag('alg') ?? 'RS256') as Alg;
const seconds = Number(flag('seconds') ?? 5);
const cacheOff = args.includes('--cache-off');

pinDriver(process.env.BENCH_ALLOW_UNPINNED === '1');
const ctx = createContext({ ...selectMode([], {}), deadlineS: seconds + 120 }, console.log);
const tokens = signWorkloadTokens(ctx);
const dir = fileURLToPath(new URL(`../results/profiles/${kind}-${Date.now()}/`, import.meta.url));
mkdirSync(dir, { recursive: true });
const jwks = await startJwksServer(ctx, 'jwks-server');
const target = await startTarget(ctx, jwks, kind, {
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  ...(cacheOff ? { cache: false as const } : {}),
});
if (!target) throw new Error(`${kind} is not available`);
const load = { port: target.port, tokens: tokens.rotated[alg], connections: 100, timeoutS: seconds + 30 };
await runLoad({ ...load, durationS: 1 });
const before = await target.child.stats();
const result = await runLoad({ ...load, durationS: seconds });
const after = await target.child.stats();
const cpuPerRequest = (after.user + after.system - before.user - before.system) / result.requests;
console.log(
  `${kind}${cacheOff ? ' (cache off)' : ''} ${alg}: ${Math.round(result.rps)} req/s, ` +
    `server CPU ${cpuPerRequest.toFixed(1)} µs/req`,
);
await target.child.stop();
await jwks.child.stop();

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${dir}`);
const profile = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Profile;
const self = new Map<number, number>();
for (const [i, id] of profile.samples.entries())
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
// Inclusive time: a node's own samples plus its subtree's.
const inclusive = new Map<number, number>();
const subtree = (id: number): number => {
  const cached = inclusive.get(id);
  if (cached !== undefined) return cached;
  const node = byId.get(id);
  const sum = (self.get(id) ?? 0) + (node?.children ?? []).reduce((n, child) => n + subtree(child), 0);
  inclusive.set(id, sum);
  return sum;
};
const label = (node: ProfileNode) => {
  const { functionName, url } = node.callFrame;
  const where = url
    .replace(/^file:\/\/.*?\/(node_modules|packages|bench)\//, '$1/')
    .replace(/^.*\/node_modules\//, '');
  return `${functionName || '(anonymous)'} ${where}`.trim();
};
const selfBy = new Map<string, number>();
const inclusiveBy = new Map<string, number>();
for (const node of profile.nodes) {
  const key = label(node);
  selfBy.set(key, (selfBy.get(key) ?? 0) + (self.get(node.id) ?? 0));
  // Outermost frames of a function only, so recursion is not counted twice.
  const parentHasSame = profile.nodes.some((p) => p.children?.includes(node.id) && label(p) === key);
  if (!parentHasSame) inclusiveBy.set(key, (inclusiveBy.get(key) ?? 0) + subtree(node.id));
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
console.log(`\nself time, top 25 of ${(total / 1000).toFixed(0)} ms sampled (${dir}${file}):`);
for (const [name, us] of [...selfBy].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(`${pct(us)}  ${name}`);
const ours = (name: string) => name.includes('packages/');
console.log('\naudguard code (packages/*): self / inclusive time');
for (const [name, us] of [...selfBy]
  .filter(([n]) => ours(n))
  .sort((a, b) => b[1] - a[1])
  .slice(0, 20)) {
  console.log(`${pct(us)} / ${pct(inclusiveBy.get(name) ?? 0)}  ${name}`);
}
killAll();
process.exit(0);
