import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

// Tests run against the TypeScript sources, not dist/, so `pnpm test` needs no build step. Each package's entry and
// subpath exports (`@audguard/core/protocol`, ...) resolve to the source file of the same name.
export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@audguard\/(core|express|hono|koa|authorization-server|testing|redis|mcp)$/,
        replacement: `${packages}$1/src/index.ts`,
      },
      {
        find: /^@audguard\/(core|express|hono|koa|authorization-server|testing|redis|mcp)\/([a-z-]+)$/,
        replacement: `${packages}$1/src/$2.ts`,
      },
    ],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      // The bench's decision logic (pure functions; it needs none of the bench's own dependencies).
      'bench/src/**/*.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    typecheck: { enabled: true, include: ['**/*.test-d.ts'], tsconfig: './tsconfig.typecheck.json' },
  },
});
