// Finds the TypeScript blocks of a README, as a reader sees them, so the consumer check can compile each one.

export interface Snippet {
  /** The README it comes from, relative to the repository root. */
  readme: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The heading (any level) the block appears under, `''` before the first one. */
  heading: string;
  code: string;
  /**
   * Where the block is saved, from `<!-- file: src/orders-express.ts -->` before its fence (so another block can
   * import it; GitHub does not show the comment, so the prose names the file too); else `undefined`.
   */
  path: string | undefined;
  /**
   * From `<!-- fragment: why -->` before the fence: a block that is not a whole module and is not compiled. Kept
   * rare: the default is that every block compiles as written.
   */
  fragment: string | undefined;
}

const FENCE = /^```(\S*)/;
const TS = new Set(['ts', 'typescript', 'mts', 'cts']);
const FILE = /^<!--\s*file:\s*((?:[\w.-]+\/)*[\w.-]+\.ts)\s*-->$/;
const FRAGMENT = /^<!--\s*fragment:?\s*(.*?)\s*-->$/;

export function extractSnippets(markdown: string, readme: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = FENCE.exec(line);
    if (!fence) {
      if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] ?? '').startsWith('```'); i++) body.push(lines[i] ?? '');
    if (i === lines.length) throw new Error(`${readme}:${start + 1}: code block never closed`);
    if (!TS.has(fence[1] ?? '')) continue;
    // The line before the fence (blank lines aside) may say where the block goes, or that it is a fragment.
    const before = (lines.slice(0, start).findLast((l) => l.trim() !== '') ?? '').trim();
    const fragment = FRAGMENT.exec(before);
    snippets.push({
      readme,
      line: start + 1,
      heading,
      code: `${body.join('\n')}\n`,
      path: FILE.exec(before)?.[1],
      fragment: fragment ? fragment[1] || 'no reason given' : undefined,
    });
  }
  return snippets;
}

/** Whether the block awaits at the top level, which a CommonJS module cannot: such a block is saved as `.mts`. */
export function hasTopLevelAwait(code: string): boolean {
  return /^(?:await\b|(?:export\s+)?(?:const|let|var)\b[^\n]*=\s*await\b)/m.test(code);
}
