/**
 * Request parameters with the RFC 6749 rules applied: a parameter sent without a value counts as omitted (§3.1),
 * and parameters other than the repeatable ones must not be repeated (§3.1, §3.2). @internal
 */
export class Params {
  readonly #values = new Map<string, string[]>();
  /** Names that were sent more than once although they may appear once only. */
  readonly duplicated: readonly string[];

  constructor(search: URLSearchParams, repeatable: readonly string[] = []) {
    const duplicated = new Set<string>();
    for (const [name, value] of search) {
      const values = this.#values.get(name);
      if (values === undefined) {
        this.#values.set(name, value === '' ? [] : [value]);
        continue;
      }
      if (!repeatable.includes(name)) duplicated.add(name);
      if (value !== '') values.push(value);
    }
    this.duplicated = [...duplicated];
  }

  /** The value of `name`, or `undefined` when absent or empty. */
  get(name: string): string | undefined {
    return this.#values.get(name)?.[0];
  }

  /** Every non-empty value of `name`, in request order. */
  getAll(name: string): readonly string[] {
    return this.#values.get(name) ?? [];
  }
}
