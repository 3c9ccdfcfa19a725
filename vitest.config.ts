import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources, not dist/, so `pnpm test` needs no build step.
export default defineConfig({
  resolve: {
    alias: {
      '@audguard/core': src('core'),
      '@audguard/express': src('express'),
      '@audguard/hono': src('hono'),
      '@audguard/koa': src('koa'),
      '@audguard/authorization-server': src('authorization-server'),
      '@audguard/testing': src('testing'),
    },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    typecheck: { enabled: true, include: ['**/*.test-d.ts'], tsconfig: './tsconfig.typecheck.json' },
  },
});
