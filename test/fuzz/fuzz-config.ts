/**
 * Run settings of the fuzz suite, from the environment:
 *
 * - `FUZZ_SEED`   base seed (default {@link DEFAULT_SEED}); each property derives its own from it and its name.
 * - `FUZZ_RUNS`   differential cases in total, split over the algorithms (default 10 000; 100 000 for a long run).
 *                 The other properties scale with it.
 * - `FUZZ_PATH`   replay one counterexample: the `path` fast-check printed (use with `-t '<property name>'`).
 * - `FUZZ_STRICT` `1` turns off the tolerance for the findings (undocumented divergences), so each one fails.
 *
 * A failure prints the base seed, the property seed and path, and the command that replays it.
 */
import fc from 'fast-check';

export const DEFAULT_SEED = 20_250_617;

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be an integer ≥ ${min}; got ${JSON.stringify(raw)}`);
  }
  return value;
}

export const FUZZ_SEED = intFromEnv('FUZZ_SEED', DEFAULT_SEED, Number.MIN_SAFE_INTEGER);
export const FUZZ_RUNS = intFromEnv('FUZZ_RUNS', 10_000, 1);
export const FUZZ_PATH = process.env.FUZZ_PATH || undefined;
export const STRICT = process.env.FUZZ_STRICT === '1';

/** Generous per-test timeout: ~25 ms a case on a loaded 2-core machine, plus shrinking. */
export const timeoutFor = (runs: number): number => 60_000 + runs * 25;

/** A stable 32-bit seed per property, so properties do not all draw the same stream. */
export function propertySeed(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of name) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash ^ FUZZ_SEED) | 0;
}

/** Runs `property` with the suite's seed; a failure names the seed and the command that replays it. */
export async function runProperty<Ts>(
  name: string,
  property: fc.IAsyncPropertyWithHooks<Ts>,
  numRuns: number,
): Promise<void> {
  const seed = propertySeed(name);
  try {
    await fc.assert(property, { seed, numRuns, ...(FUZZ_PATH === undefined ? {} : { path: FUZZ_PATH }) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const path = /path: "([^"]*)"/.exec(message)?.[1] ?? '<path above>';
    throw new Error(
      `Fuzz property "${name}" failed with FUZZ_SEED=${FUZZ_SEED} (property seed ${seed}).\n` +
        `Replay: FUZZ_SEED=${FUZZ_SEED} FUZZ_PATH=${path} pnpm exec vitest run test/fuzz -t '${name}'\n\n${message}`,
      { cause: error },
    );
  }
}

const counters = new Map<string, number>();

/** Counts an event (an adjustment or a tolerated finding firing), for the end-of-run summary. */
export function tally(event: string, by = 1): void {
  counters.set(event, (counters.get(event) ?? 0) + by);
}

export function count(event: string): number {
  return counters.get(event) ?? 0;
}

export function summary(): string {
  const lines = [...counters]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `  ${String(v).padStart(7)}  ${k}`);
  return `fuzz summary (FUZZ_SEED=${FUZZ_SEED}, FUZZ_RUNS=${FUZZ_RUNS}${STRICT ? ', FUZZ_STRICT' : ''}):\n${lines.join('\n')}`;
}
