import { defineConfig } from 'vitest/config';

// bench's own tests (its decision logic: quality.test.ts), run by bench's `test` script. Without this file Vitest
// would pick up the root's config, whose include does not cover bench.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'] },
});
