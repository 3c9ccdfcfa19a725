import { describe, expect, it } from 'vitest';
import { MemoryReplayCache } from './replay-cache.js';

describe('MemoryReplayCache', () => {
  it('answers true once per key, false for a replay, true again after the ttl', async () => {
    let now = 1_000_000;
    const cache = new MemoryReplayCache({ now: () => now });
    expect(await cache.add('jti-1', 2)).toBe(true);
    expect(await cache.add('jti-1', 2)).toBe(false);
    expect(await cache.add('jti-2', 2)).toBe(true);
    now += 2001;
    expect(await cache.add('jti-1', 2)).toBe(true);
  });
  it('of 20 concurrent adds of one key exactly one wins', async () => {
    const cache = new MemoryReplayCache();
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.add('same', 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
  it('stays bounded', async () => {
    const cache = new MemoryReplayCache({ max: 10 });
    for (let i = 0; i < 100; i++) await cache.add(`k${i}`, 60);
    expect(await cache.add('k99', 60)).toBe(false);
    expect(await cache.add('k0', 60)).toBe(true); // evicted: the bound held
  });
});
