/**
 * Refuses option names nobody reads. TypeScript catches a typo only in an inline literal; an options object built
 * elsewhere (`clockTolerence`, `jwks_uri`, `audiencepolicy: 'exclusive'`) would otherwise be dropped silently —
 * for the last one, a security downgrade. Returns the message for the first unknown name, naming the closest known
 * one, or `undefined` when every name is known.
 *
 * @example
 * ```ts
 * unknownOption({ jwks_uri: '…' }, ['issuer', 'jwksUri'], 'createVerifier()')
 * // → 'createVerifier(): unknown option "jwks_uri"; did you mean "jwksUri"?'
 * ```
 */
export function unknownOption(options: object, known: readonly string[], where: string): string | undefined {
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const closest = closestName(name, known);
    const hint =
      closest === undefined ? `known options are ${known.join(', ')}` : `did you mean "${closest}"?`;
    return `${where}: unknown option ${JSON.stringify(name)}; ${hint}`;
  }
  return undefined;
}

/** The known name nearest to `name` (ignoring case, `_` and `-`), if it is near enough to be a typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const plain = (value: string) => value.toLowerCase().replace(/[_-]/g, '');
  const target = plain(name);
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(target, plain(candidate));
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  // Up to a third of the name may differ: `clockTolerence` → `clockTolerance`, not `cache` for `foo`.
  return best !== undefined && best.distance <= Math.max(1, Math.floor(target.length / 3))
    ? best.name
    : undefined;
}

/** Levenshtein distance, with transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = value;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}
