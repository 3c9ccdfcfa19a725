// The consumer check's own parts that can be tested without npm: what it takes from a README, and the versions.
import { describe, expect, it } from 'vitest';
import { lowest, slug } from './project.js';
import { portMapper } from './scenario.js';
import { extractSnippets, hasTopLevelAwait } from './snippets.js';

const README = [
  '# Title',
  '```ts',
  "import { a } from 'a';",
  '```',
  '## Section',
  '```sh',
  '# not a heading: inside a block',
  '```',
  '<!-- file: src/app.ts -->',
  '',
  '```ts',
  'export const app = 1;',
  '```',
  '<!-- fragment: continues the block above -->',
  '',
  '```typescript',
  'app;',
  '```',
  '```',
  'plain text',
  '```',
].join('\n');

describe('extractSnippets', () => {
  const snippets = extractSnippets(README, 'README.md');

  it('finds the ts and typescript blocks only, with their line and heading', () => {
    expect(snippets.map((s) => [s.line, s.heading])).toEqual([
      [2, 'Title'],
      [11, 'Section'],
      [16, 'Section'],
    ]);
    expect(snippets[0]?.code).toBe("import { a } from 'a';\n");
  });

  it('takes the file path from `<!-- file: src/app.ts -->` before the fence', () => {
    expect(snippets.map((s) => s.path)).toEqual([undefined, 'src/app.ts', undefined]);
  });

  it('knows a block marked as a fragment, and why', () => {
    expect(snippets.map((s) => s.fragment)).toEqual([undefined, undefined, 'continues the block above']);
  });

  it('refuses a block that is never closed', () => {
    expect(() => extractSnippets('```ts\nconst a = 1;\n', 'X.md')).toThrow('X.md:1: code block never closed');
  });
});

describe('hasTopLevelAwait', () => {
  it.each([
    ['await as.listen(4000);', true],
    ['const as = await create();', true],
    ['export const x = await f();', true],
    ['const { url } = await as.listen();', true],
    ['async function f() {\n  await g();\n}', false],
    ["it('x', async () => {\n  const t = await f();\n});", false],
  ])('%s → %s', (code, expected) => {
    expect(hasTopLevelAwait(code)).toBe(expected);
  });
});

describe('lowest', () => {
  it('is the version a ^ or >= range starts at', () => {
    expect(lowest('^4.6.7')).toBe('4.6.7');
    expect(lowest('>=20.19.0')).toBe('20.19.0');
  });

  it('refuses a range it cannot read rather than guess', () => {
    expect(() => lowest('^4 || ^5')).toThrow('expected ^x.y.z or >=x.y.z');
    expect(() => lowest('~4.6')).toThrow('expected ^x.y.z or >=x.y.z');
  });
});

describe('the README as it is run', () => {
  it("maps the README's ports 4000–4003 to free ones, and leaves other numbers alone", () => {
    const map = portMapper(new Map([[4000, 51000]]));
    expect(map("issuer: 'http://127.0.0.1:4000'; listen(4000); 40000; 3000")).toBe(
      "issuer: 'http://127.0.0.1:51000'; listen(51000); 40000; 3000",
    );
  });

  it('gives each README its own folder', () => {
    expect(slug('packages/express/README.md')).toBe('packages-express-README');
  });
});
