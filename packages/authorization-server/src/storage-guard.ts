import { StorageUnavailableError } from './errors.js';

/** A failure the storage marks as temporary (`temporary: true`, see the `Store` TSDoc), and its `retryAfter`. */
function temporary(error: unknown): { retryAfter: number } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { temporary, retryAfter } = error as { temporary?: unknown; retryAfter?: unknown };
  if (temporary !== true) return undefined;
  return { retryAfter: typeof retryAfter === 'number' && retryAfter >= 1 ? Math.ceil(retryAfter) : 1 };
}

/**
 * `target` with each of `methods` made loud and safe: a rejection the storage marks as temporary becomes a
 * {@link StorageUnavailableError}, which the server answers with 503 `temporarily_unavailable` and `Retry-After`;
 * any other rejection passes unchanged (a bug: 500 `server_error`). The guarded object has those methods only.
 * @internal
 */
export function guardStorage<T extends object, M extends keyof T & string>(
  storage: 'store' | 'keyStore',
  target: T,
  methods: readonly M[],
): Pick<T, M> {
  const guarded = {} as Record<string, unknown>;
  for (const method of methods) {
    const call = target[method] as (...args: unknown[]) => Promise<unknown>;
    guarded[method] = async (...args: unknown[]) => {
      try {
        return await call.apply(target, args);
      } catch (error) {
        const unavailable = temporary(error);
        if (unavailable === undefined) throw error;
        throw new StorageUnavailableError(storage, method, error, unavailable.retryAfter);
      }
    };
  }
  return guarded as Pick<T, M>;
}
