/** The key prefix option: a string (empty allowed), else a TypeError naming the function. @internal */
export function checkPrefix(prefix: unknown, fallback: string, what: string): string {
  if (prefix === undefined) return fallback;
  if (typeof prefix !== 'string')
    throw new TypeError(`${what}: prefix must be a string, e.g. 'myapp:audguard:'`);
  return prefix;
}
