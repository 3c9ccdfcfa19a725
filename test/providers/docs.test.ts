/**
 * The recipes pages print exactly the configuration the provider table tests: every `// recipe:<name>` block of
 * test/providers/*.ts appears, character for character, in the TypeScript block after `<!-- recipe:<name> -->` on
 * its page; every page cites the documentation its test cites; README.md links every page.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from './index.js';

const here = new URL('./', import.meta.url);
const docs = new URL('../../docs/recipes/', import.meta.url);
const read = (url: URL) => readFileSync(url, 'utf8').replace(/\r\n/g, '\n');

/** `name → code` for every recipe block of the test sources. */
function recipeBlocks(): Map<string, { code: string; file: string }> {
  const blocks = new Map<string, { code: string; file: string }>();
  for (const file of readdirSync(here).filter((f) => f.endsWith('.ts'))) {
    for (const match of read(new URL(file, here)).matchAll(
      /^\/\/ recipe:([a-z0-9-]+)\n([\s\S]*?)\n\/\/ recipe:end$/gm,
    )) {
      blocks.set(match[1] as string, { code: match[2] as string, file });
    }
  }
  return blocks;
}

/** The TypeScript block that follows `<!-- recipe:name -->` on a page. */
function printed(page: string, name: string): string | undefined {
  const match = new RegExp(`<!-- recipe:${name} -->\\n+\`\`\`ts\\n([\\s\\S]*?)\\n\`\`\``).exec(page);
  return match?.[1];
}

const pages = readdirSync(docs).filter((f) => f.endsWith('.md') && f !== 'README.md');

describe('docs/recipes', () => {
  const blocks = recipeBlocks();

  it('has a recipe block for every page and a page for every provider', () => {
    expect(blocks.size).toBeGreaterThanOrEqual(PROVIDERS.length);
    expect(new Set(PROVIDERS.map((p) => p.page))).toEqual(new Set(pages));
  });

  for (const [name, { code, file }] of blocks) {
    it(`prints recipe "${name}" (test/providers/${file}) exactly`, () => {
      const owners = pages.filter((p) => read(new URL(p, docs)).includes(`<!-- recipe:${name} -->`));
      expect(owners, `pages marking recipe:${name}`).toHaveLength(1);
      const block = printed(read(new URL(owners[0] as string, docs)), name);
      expect(block, `a ts block after <!-- recipe:${name} -->`).toBeDefined();
      expect(block).toContain(code);
    });
  }

  for (const provider of PROVIDERS) {
    it(`${provider.page} cites what the ${provider.name} test cites`, () => {
      const page = read(new URL(provider.page, docs));
      for (const source of provider.docs) expect(page).toContain(source.replace(/^\.\.\/shared\//, ''));
    });
  }

  it('README.md links every page from its Recipes section', () => {
    const readme = read(new URL('../../README.md', import.meta.url));
    const section = /\n## Recipes\n([\s\S]*?)(\n## |$)/.exec(readme)?.[1] ?? '';
    for (const page of ['README.md', ...pages]) expect(section).toContain(`(docs/recipes/${page})`);
  });
});
