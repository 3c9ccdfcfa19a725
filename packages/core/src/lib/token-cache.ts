import { LRUCache } from 'lru-cache';

/** Per-value overhead assumed on V8's heap: an object, array or string header and its slot in the parent. */
const NODE_BYTES = 64;
/** What every entry costs besides its claims: the frozen token object, its Set and Dates, the cache's own record. */
const ENTRY_BYTES = 1024;

/**
 * What a cached token may cost in memory, from its text and its decoded claims. Bounded by count alone, 10,000
 * maximum-size tokens whose claims are many tiny values (`[{},{},…]` parses to 20× its text) held ~1.25 GB; counting
 * each value as {@link NODE_BYTES} keeps the estimate above the real cost for every shape measured.
 */
export function entryBytes(token: string, claims: unknown): number {
  let bytes = ENTRY_BYTES + token.length * 2;
  const pending: unknown[] = [claims];
  while (pending.length > 0) {
    const value = pending.pop();
    bytes += NODE_BYTES;
    if (typeof value === 'string') bytes += value.length * 2;
    else if (Array.isArray(value)) pending.push(...value);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        bytes += NODE_BYTES + key.length * 2;
        pending.push(inner);
      }
    }
  }
  return bytes;
}

/**
 * A bounded LRU of verified tokens (or introspection answers), by count and by estimated bytes, entries expiring
 * after `expiry.ttl` milliseconds by `expiry.now` when given; `undefined` when turned off.
 */
export function createTokenCache<V extends { readonly bytes: number }>(
  max: number,
  maxBytes: number,
  expiry?: { readonly ttl: number; readonly now: () => number },
): LRUCache<string, V> | undefined {
  if (max === 0) return undefined;
  return new LRUCache<string, V>({
    max,
    maxSize: maxBytes,
    sizeCalculation: (entry) => entry.bytes,
    // ttlResolution 0: the clock is read on every get, so an entry is never served past its time.
    ...(expiry === undefined ? {} : { ttl: expiry.ttl, ttlResolution: 0, perf: { now: expiry.now } }),
  });
}
