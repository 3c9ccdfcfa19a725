import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeStoreContract } from '../test/store-contract.js';
import { MemoryStore } from './store.js';

describeStoreContract('MemoryStore', () => {
  let now = Date.now();
  const store = new MemoryStore({ now: () => now, sweepIntervalSeconds: 0 });
  return {
    store,
    advance: async (seconds) => {
      now += seconds * 1000;
    },
    close: () => store.close(),
  };
});

describe('MemoryStore', () => {
  let now = 1_000_000;
  const stores: MemoryStore[] = [];
  const make = (sweepIntervalSeconds = 0) => {
    const store = new MemoryStore({ now: () => now, sweepIntervalSeconds });
    stores.push(store);
    return store;
  };
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });

  it('returns what was set until its ttl has passed, to the millisecond, and drops it when read after', async () => {
    const store = make();
    await store.set('k', 'v', 10);
    expect(await store.get('k')).toBe('v');
    now += 9_999;
    expect(await store.get('k')).toBe('v');
    now += 1;
    expect(await store.get('k')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('sweep removes expired entries that nobody reads, so the map does not grow forever', async () => {
    const store = make();
    for (let i = 0; i < 100; i++) await store.set(`k${i}`, 'v', 5);
    await store.set('long', 'v', 500);
    expect(store.size).toBe(101);
    now += 5_000;
    store.sweep();
    expect(store.size).toBe(1);
  });

  it('a non-positive ttl stores nothing', async () => {
    const store = make();
    await store.set('k', 'v', 0);
    expect(await store.get('k')).toBeUndefined();
  });

  it('refuses a negative sweep interval with a message that says what to fix', () => {
    expect(() => new MemoryStore({ sweepIntervalSeconds: -1 })).toThrow(/sweepIntervalSeconds/);
  });

  it('runs a periodic sweep', async () => {
    vi.useFakeTimers();
    try {
      const store = make(1);
      await store.set('k', 'v', 0.001);
      now += 10;
      vi.advanceTimersByTime(1_000);
      expect(store.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
