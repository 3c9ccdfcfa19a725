// Packs the workspace's packages and makes fresh npm projects from the tarballs, as a user's would be.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './proc.js';
import { extractSnippets, hasTopLevelAwait, type Snippet } from './snippets.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type Kind = 'esm' | 'cjs';
export type VersionSet = 'lowest' | 'latest';

interface Manifest {
  name: string;
  version: string;
  exports: Record<string, unknown>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface Packed {
  /** Package name → absolute path of its tarball. */
  tarballs: Map<string, string>;
  /** Every peer range of every package (one range per peer: the packages must agree). */
  peers: Map<string, string>;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** pnpm as the README's commands run it: the one running this script, else the registry's through npx. */
function pnpm(args: string[]): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath?.includes('pnpm')) return [process.execPath, [execPath, ...args]];
  return ['npx', ['-y', 'pnpm@10', ...args]];
}

async function must(
  label: string,
  result: Promise<{ code: number | null; output: string }>,
): Promise<string> {
  const { code, output } = await result;
  if (code !== 0) throw new Error(`${label} failed (exit ${code}):\n${output}`);
  return output;
}

export function packageDirs(): string[] {
  return readdirSync(join(ROOT, 'packages'))
    .map((name) => join(ROOT, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')));
}

/** A clean build (no stale file in dist/ may ship), then `pnpm pack` per package: `workspace:*` → real versions. */
export async function pack(into: string): Promise<Packed> {
  for (const dir of packageDirs()) {
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    rmSync(join(dir, 'tsconfig.tsbuildinfo'), { force: true }); // else tsc -b thinks dist/ is up to date
  }
  const [command, args] = pnpm(['run', 'build']);
  await must('build', run(command, args, { cwd: ROOT, timeoutMs: 300_000, env: process.env }));
  mkdirSync(into, { recursive: true });
  const tarballs = new Map<string, string>();
  const peers = new Map<string, string>();
  for (const dir of packageDirs()) {
    const manifest = readJson<Manifest>(join(dir, 'package.json'));
    const [c, a] = pnpm(['pack', '--pack-destination', into]);
    await must(`pnpm pack ${manifest.name}`, run(c, a, { cwd: dir, timeoutMs: 120_000, env: process.env }));
    const file = join(into, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
    if (!existsSync(file)) throw new Error(`pnpm pack left no ${file}`);
    tarballs.set(manifest.name, file);
    for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {})) {
      // Our own packages are peers of each other (the Redis package of the AS and the core): the tarballs are them.
      if (peer.startsWith('@audguard/')) continue;
      const seen = peers.get(peer);
      if (seen !== undefined && seen !== range)
        throw new Error(`${peer}: peer ranges differ (${seen}, ${range})`);
      peers.set(peer, range);
    }
  }
  return { tarballs, peers };
}

/** The lowest version a `^x.y.z` or `>=x.y.z` range admits: the only forms our peer ranges use. */
export function lowest(range: string): string {
  const match = /^(?:\^|>=)(\d+\.\d+\.\d+)$/.exec(range.trim());
  if (!match?.[1]) throw new Error(`peer range ${JSON.stringify(range)}: expected ^x.y.z or >=x.y.z`);
  return match[1];
}

/**
 * Tools a user adds beside the peers. Their ranges come from the workspace's own, so the check moves with it.
 * Two have a lowest version of their own, which the README states: `@koa/router` is not a peer (the Koa adapter
 * does not import it) but the Koa snippets use it, and 15.0.0 is its first release with types; TypeScript 5.8 is
 * the first that lets a CommonJS file (`module: nodenext`) import an ES module, which it then compiles to require().
 */
const TOOLS = [
  'typescript',
  '@types/node',
  '@hono/node-server',
  '@koa/router',
  'vitest',
  'supertest',
  '@types/supertest',
];
const LOWEST_TOOLS: Record<string, string> = { '@koa/router': '15.0.0', typescript: '5.8.2' };

export function versions(packed: Packed, set: VersionSet): Record<string, string> {
  const workspace = readJson<Manifest>(join(ROOT, 'package.json')).devDependencies ?? {};
  const out: Record<string, string> = {};
  for (const tool of TOOLS) {
    const range = workspace[tool];
    if (range === undefined) throw new Error(`the workspace has no devDependency ${tool}`);
    out[tool] = range;
  }
  if (set === 'lowest') Object.assign(out, LOWEST_TOOLS);
  for (const [peer, range] of packed.peers) out[peer] = set === 'lowest' ? lowest(range) : range;
  return out;
}

const COMPILER_OPTIONS = {
  target: 'ES2022',
  // No DOM: a Node project's globals (Request, Response, fetch) come from @types/node alone.
  lib: ['ES2023'],
  types: ['node'],
  module: 'nodenext',
  moduleResolution: 'nodenext',
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  isolatedModules: true,
  // As `tsc --init` writes it. Our own .d.ts files are compiled without it too: see `declarations.json`.
  skipLibCheck: true,
  rootDir: 'snippets',
  outDir: 'out',
};

export interface Project {
  dir: string;
  kind: Kind;
  set: VersionSet;
  /** Every compiled snippet, with where it was saved (relative to `snippets/`). */
  files: { snippet: Snippet; file: string }[];
}

/** README path → folder name: `packages/express/README.md` → `packages-express-README`. */
export function slug(readme: string): string {
  return readme.replace(/\.md$/, '').replaceAll('/', '-');
}

export function readmes(): string[] {
  const found = ['README.md'];
  for (const area of ['packages', 'examples']) {
    for (const name of readdirSync(join(ROOT, area)).sort()) {
      if (existsSync(join(ROOT, area, name, 'README.md'))) found.push(`${area}/${name}/README.md`);
    }
  }
  return found;
}

/**
 * Writes a project (package.json, tsconfig.json, every README snippet with its ports mapped), then installs it
 * with plain npm. In the CommonJS project a block that awaits at the top level is saved as `.mts`, as its user
 * would have to.
 */
export async function createProject(
  dir: string,
  kind: Kind,
  set: VersionSet,
  packed: Packed,
  portMap: (code: string) => string,
): Promise<Project> {
  mkdirSync(dir, { recursive: true });
  const own = Object.fromEntries([...packed.tarballs].map(([name, file]) => [name, `file:${file}`]));
  const tools = versions(packed, set);
  const { typescript, vitest, supertest, ...rest } = tools;
  const dev: Record<string, string> = {};
  const deps: Record<string, string> = { ...own };
  for (const [name, range] of Object.entries(rest)) (name.startsWith('@types/') ? dev : deps)[name] = range;
  Object.assign(dev, { typescript, vitest, supertest });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify(
      {
        name: `audguard-consumer-${kind}-${set}`,
        private: true,
        ...(kind === 'esm' ? { type: 'module' } : {}),
        dependencies: deps,
        devDependencies: dev,
        // Our packages depend on each other by version: the tarballs answer for them, never a registry.
        overrides: own,
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    `${JSON.stringify(
      {
        compilerOptions: {
          ...COMPILER_OPTIONS,
          // A CommonJS project writes `import` in .ts and lets tsc turn it into require(): no verbatimModuleSyntax.
          ...(kind === 'esm' ? { verbatimModuleSyntax: true } : {}),
        },
        include: ['snippets'],
      },
      null,
      2,
    )}\n`,
  );
  // Every .d.ts we ship, compiled in the same settings without skipLibCheck: what a project that checks its
  // libraries sees. Only errors in our files count (a framework's own types are its business).
  writeFileSync(
    join(dir, 'declarations.json'),
    `${JSON.stringify(
      {
        extends: './tsconfig.json',
        compilerOptions: { skipLibCheck: false, noEmit: true },
        include: ['node_modules/@audguard/*/dist/**/*.d.ts'],
        exclude: [],
      },
      null,
      2,
    )}\n`,
  );

  const files: Project['files'] = [];
  for (const readme of readmes()) {
    for (const snippet of extractSnippets(readFileSync(join(ROOT, readme), 'utf8'), readme)) {
      if (snippet.fragment !== undefined) continue;
      let file = join(slug(readme), snippet.path ?? `block-${snippet.line}.ts`);
      if (kind === 'cjs' && hasTopLevelAwait(snippet.code)) file = file.replace(/\.ts$/, '.mts');
      const target = join(dir, 'snippets', file);
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, portMap(snippet.code));
      files.push({ snippet, file });
    }
  }

  await must(
    `npm install (${kind}, ${set})`,
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeoutMs: 600_000 }),
  );
  return { dir, kind, set, files };
}

/**
 * tsc over every snippet (emitting the JavaScript that is run next), then over our declarations; the errors are
 * keyed by file: a snippet's path below `snippets/`, or the declaration file's path.
 */
export async function compile(project: Project): Promise<Map<string, string[]>> {
  const tsc = join(project.dir, 'node_modules/.bin/tsc');
  const errors = new Map<string, string[]>();
  for (const [config, ours] of [
    ['tsconfig.json', () => true],
    ['declarations.json', (file: string) => file.startsWith('node_modules/@audguard/')],
  ] as const) {
    const { code, output } = await run(tsc, ['-p', config], { cwd: project.dir, timeoutMs: 300_000 });
    let counted = false;
    for (const line of output.split('\n')) {
      const file = /^(.+?)\(\d+,\d+\): error/.exec(line)?.[1];
      if (file === undefined || !ours(file)) continue;
      const key = file.replace(/^snippets\//, '');
      errors.set(key, [...(errors.get(key) ?? []), line]);
      counted = true;
    }
    if (code !== 0 && !counted && config === 'tsconfig.json') errors.set(`(${config})`, [output]);
  }
  return errors;
}

/** Where tsc put a snippet's JavaScript. */
export function compiled(project: Project, file: string): string {
  return join(project.dir, 'out', file.replace(/\.mts$/, '.mjs').replace(/\.ts$/, '.js'));
}
