import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

it('the README’s "Prove it in your tests" example is the example that runs in CI', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split('## Prove it in your tests')[1] ?? '';
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  const file = new URL('../../../examples/testing-kit/test/orders-express.test.ts', import.meta.url);
  expect(example).toBe(readFileSync(file, 'utf8'));
  expect(example?.split('\n').length).toBeLessThanOrEqual(20);
});
