import { describe, expect, it } from 'vitest';
import { DpopNonces } from './nonce.js';

const secret = new TextEncoder().encode('0123456789abcdef0123456789abcdef');

describe('DpopNonces', () => {
  it('accepts the current and the previous step only', () => {
    let now = 1_000_000;
    const nonces = new DpopNonces(secret, 'https://api.example.com', 10, () => now);
    const first = nonces.current() as string;
    expect(nonces.accepts(first)).toBe(true);
    now += 10_000;
    expect(nonces.current()).not.toBe(first);
    expect(nonces.accepts(first)).toBe(true);
    now += 10_000;
    expect(nonces.accepts(first)).toBe(false);
  });

  it('is the same on every instance with the secret, and differs by origin and secret', () => {
    const now = () => 5_000_000;
    const a = new DpopNonces(secret, 'https://api.example.com', 60, now).current();
    expect(new DpopNonces(secret, 'https://api.example.com', 60, now).current()).toBe(a);
    expect(new DpopNonces(secret, 'https://other.example.com', 60, now).current()).not.toBe(a);
    expect(new DpopNonces(new Uint8Array(32), 'https://api.example.com', 60, now).current()).not.toBe(a);
  });
});
