/**
 * A Node built-in module, reached through `process.getBuiltinModule` (Node 20.16+, Bun, Deno) and never a static
 * import, so the core still loads where there is none (Workers, browsers): there it is `undefined`, and the caller
 * takes its web-standard path.
 */
export function builtinModule<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}
