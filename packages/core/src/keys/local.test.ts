import { describe, expect, it } from 'vitest';
import { signingKey } from '../../test/jwks-server.js';
import { LocalKeySet } from './local.js';
import { SecretKeySet } from './secret.js';

describe('LocalKeySet', () => {
  it('selects by kid and by what the key may do, and imports each key once per algorithm', async () => {
    const [a, b] = await Promise.all([signingKey('ES256', 'a'), signingKey('ES256', 'b')]);
    const set = new LocalKeySet([a.jwk, b.jwk, { ...b.jwk, kid: 'enc', use: 'enc' }], 'node');
    expect(set.select({ alg: 'ES256', kid: 'b' })).toEqual([b.jwk]);
    expect(set.select({ alg: 'ES256', kid: undefined })).toHaveLength(2);
    expect(set.select({ alg: 'ES256', kid: 'enc' })).toEqual([]);
    expect(set.hasKid('enc')).toBe(true);
    expect(set.select({ alg: 'RS256', kid: 'a' })).toEqual([]);

    expect(set.keysNow({ alg: 'ES256', kid: 'a' })).toBeUndefined(); // not imported yet
    const [key] = await set.keys({ alg: 'ES256', kid: 'a' });
    expect(set.keysNow({ alg: 'ES256', kid: 'a' })).toEqual([key]); // now synchronous, the same object
    await expect(set.keys({ alg: 'ES256', kid: 'enc' })).rejects.toMatchObject({ reason: 'unknown_key' });
  });

  it('trusts a key for as long as an identical key is published, not when it is republished for encryption', async () => {
    const a = await signingKey('ES256', 'a');
    const [key] = await new LocalKeySet([a.jwk], 'node').keys({ alg: 'ES256', kid: 'a' });
    expect(new LocalKeySet([{ ...a.jwk }], 'node').stillTrusts(key as never)).toBe(true);
    expect(new LocalKeySet([{ ...a.jwk, use: 'enc' }], 'node').stillTrusts(key as never)).toBe(false);
    expect(new LocalKeySet([], 'node').stillTrusts(key as never)).toBe(false);
  });
});

describe('SecretKeySet', () => {
  it('is synchronous after the first import of each algorithm (the same fast path as public keys)', async () => {
    const set = new SecretKeySet(new TextEncoder().encode('s'.repeat(32)), 'node');
    expect(set.keysNow({ alg: 'HS256', kid: undefined })).toBeUndefined();
    const [key] = await set.keys({ alg: 'HS256', kid: 'ignored' });
    expect(set.keysNow({ alg: 'HS256', kid: undefined })).toEqual([key]);
    expect(set.keysNow({ alg: 'HS384', kid: undefined })).toBeUndefined();
  });
});
