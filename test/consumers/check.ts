// The consumer check (`pnpm run test:consumers`, run by .ci/run after the tests): what a user of the published
// packages gets. It packs every package, installs the tarballs with plain npm into fresh projects outside the
// workspace — ES modules and CommonJS, each with the lowest and the latest version of every peer range — compiles
// every TypeScript block of every README there under strict TypeScript, runs the root README's authorization
// server and quickstarts against each other, require()s every package from CommonJS, and runs the README tests.
//
//   --set lowest|latest   one version set only          --kind esm|cjs   one module kind only
//   --keep                keep the temp folder (it is kept anyway when something fails)
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePorts, run } from './proc.js';
import {
  compile,
  createProject,
  type Kind,
  type Packed,
  type Project,
  pack,
  type VersionSet,
} from './project.js';
import { type Outcome, portMapper, runReadme } from './scenario.js';

const { values } = parseArgs({
  options: { set: { type: 'string' }, kind: { type: 'string' }, keep: { type: 'boolean', default: false } },
});
const sets = (values.set ? [values.set] : ['lowest', 'latest']) as VersionSet[];
const kinds = (values.kind ? [values.kind] : ['esm', 'cjs']) as Kind[];

let passed = 0;
let failed = 0;
function report({ label, ok, detail }: Outcome): void {
  if (ok) passed++;
  else failed++;
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${label}`);
  if (!ok && detail) console.log(detail.replace(/^/gm, '         '));
}

async function step(label: string, body: () => Promise<string | undefined>): Promise<boolean> {
  try {
    const detail = await body();
    report({ label: detail ? `${label}: ${detail}` : label, ok: true, detail: '' });
    return true;
  } catch (error) {
    report({ label, ok: false, detail: error instanceof Error ? error.message : String(error) });
    return false;
  }
}

function reportCompile(project: Project, errors: Map<string, string[]>): void {
  for (const { snippet, file } of project.files) {
    const found = errors.get(file);
    errors.delete(file);
    report({
      label: `compiles: ${snippet.readme}:${snippet.line} (${snippet.heading})${file.endsWith('.mts') ? ' as .mts' : ''}`,
      ok: found === undefined,
      detail: found?.join('\n') ?? '',
    });
  }
  // Errors outside the snippets: in our .d.ts files under the consumer's settings without skipLibCheck.
  for (const [file, lines] of errors) {
    report({ label: `compiles: ${file}`, ok: false, detail: lines.join('\n') });
  }
  if (errors.size === 0) {
    report({ label: 'compiles: every shipped .d.ts, without skipLibCheck', ok: true, detail: '' });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const temp = mkdtempSync(join(tmpdir(), 'audguard-consumers-'));
  console.log(`consumer check in ${temp}`);
  let packed: Packed | undefined;
  await step('build and pnpm pack every package', async () => {
    packed = await pack(join(temp, 'tarballs'));
    return [...packed.tarballs.keys()].join(', ');
  });
  if (!packed) return finish(temp, started);

  for (const set of sets) {
    for (const kind of kinds) {
      console.log(`\n${kind === 'esm' ? 'ES module' : 'CommonJS'} project, ${set} peer versions`);
      await consumer(temp, kind, set, packed);
    }
  }
  finish(temp, started);
}

async function consumer(temp: string, kind: Kind, set: VersionSet, packed: Packed): Promise<void> {
  const [as = 0, orders = 0, invoices = 0, inventory = 0, handler = 0] = await freePorts(5);
  const ports = new Map([
    [4000, as],
    [4001, orders],
    [4002, invoices],
    [4003, inventory],
  ]);
  const dir = join(temp, `${kind}-${set}`);
  let project: Project | undefined;
  await step('npm install of the tarballs', async () => {
    project = await createProject(dir, kind, set, packed, portMapper(ports));
    const installed = [...packed.peers.keys(), '@koa/router', '@hono/node-server', 'typescript'].map(
      (name) => `${name}@${installedVersion(dir, name)}`,
    );
    return `${installed.join(', ')}; ${project.files.length} README snippets`;
  });
  if (!project) return;
  reportCompile(project, await compile(project));

  if (kind === 'cjs') {
    copyFileSync(new URL('./require.cjs', import.meta.url), join(dir, 'require.cjs'));
    const { code, output } = await run(process.execPath, ['require.cjs'], { cwd: dir, timeoutMs: 120_000 });
    const lines = output.trim().split('\n');
    for (const line of lines.filter((l) => l.startsWith('ok '))) {
      report({ label: `CommonJS: ${line.slice(3)}`, ok: true, detail: '' });
    }
    if (code !== 0) report({ label: 'CommonJS: require.cjs', ok: false, detail: output });
  }

  try {
    for (const outcome of await runReadme(project, ports, handler)) report(outcome);
  } catch (error) {
    report({
      label: 'README.md run',
      ok: false,
      detail: error instanceof Error ? error.message : String(error),
    });
  }

  // The README tests run in ESM only: their top-level await makes them .mts in a CommonJS project anyway.
  if (kind === 'esm') {
    await step('vitest runs the README tests', async () => {
      const vitest = join(dir, 'node_modules/.bin/vitest');
      const { code, output } = await run(vitest, ['run', '--dir', 'snippets'], {
        cwd: dir,
        timeoutMs: 180_000,
      });
      if (code !== 0) throw new Error(output);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: vitest colours its summary
      return /Tests\s+(.*)/.exec(output.replace(/\x1b\[\d+m/g, ''))?.[1]?.trim();
    });
  }
}

function installedVersion(dir: string, name: string): string {
  const file = join(dir, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

function finish(temp: string, started: number): void {
  const seconds = Math.round((Date.now() - started) / 1000);
  if (failed === 0 && !values.keep) rmSync(temp, { recursive: true, force: true });
  else console.log(`\nkept ${temp}`);
  console.log(`\nconsumers: ${passed} passed, ${failed} failed (${seconds} s)`);
  if (failed > 0) process.exitCode = 1;
}

await main();
