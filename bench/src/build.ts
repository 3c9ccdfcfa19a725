/**
 * Bundles the child entries (servers, JWKS server, micro-benchmark) with esbuild into plain JavaScript, so the
 * servers under test run on plain `node` as in production: no TypeScript loader in the process, no helper calls it
 * injects. audguard's packages are bundled from their sources; every other package stays an import from
 * bench/node_modules.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CHILD_ENTRIES } from './procs.js';

export const BUILD_DIR = fileURLToPath(new URL('../node_modules/.cache/audguard-bench/', import.meta.url));

export async function buildChildren(): Promise<string> {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const external = Object.keys(pkg.devDependencies)
    .filter((name) => !name.startsWith('@audguard/') && !name.startsWith('@types/'))
    .flatMap((name) => [name, `${name}/*`]);
  await build({
    entryPoints: CHILD_ENTRIES.map((entry) => fileURLToPath(new URL(`./${entry}.ts`, import.meta.url))),
    outdir: BUILD_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['@audguard/source'],
    external,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return BUILD_DIR;
}
