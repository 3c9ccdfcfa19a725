import { describe, expect, it } from 'vitest';
import { seedConfig } from '../test/helpers.js';
import { hashPassword, parsePasswordHash, verifyPassword } from './passwords.js';
import { resolveSettings } from './settings.js';

describe('passwords: scrypt, constant-time comparison', () => {
  it('verifies the password hashed, and nothing else', async () => {
    const parsed = parsePasswordHash(await hashPassword('wonderland', { cost: 10 }));
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(await verifyPassword('wonderland', parsed)).toBe(true);
    for (const wrong of ['Wonderland', 'wonderland ', '', 'wonderlan']) {
      expect(await verifyPassword(wrong, parsed)).toBe(false);
    }
  });

  it('compares Unicode passwords in NFC, so a composed and a decomposed é are the same password', async () => {
    const parsed = parsePasswordHash(await hashPassword('caf\u00e9', { cost: 10 }));
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(await verifyPassword('cafe\u0301', parsed)).toBe(true);
  });

  it('an unknown user is hashed against a decoy and never verifies', async () => {
    expect(await verifyPassword('anything', undefined)).toBe(false);
    expect(await verifyPassword('', undefined)).toBe(false);
  });

  it('keeps only the hash of a configured password, computed at configuration time', async () => {
    const settings = resolveSettings(seedConfig());
    const alice = settings.users.get('alice');
    expect(Object.values(alice ?? {})).not.toContain('wonderland');
    const hash = await alice?.passwordHash;
    expect(hash?.hash.toString('utf8')).not.toContain('wonderland');
    expect(hash && (await verifyPassword('wonderland', hash))).toBe(true);
  });

  it.each([
    ['no prefix', 'ln=14,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    [
      'p over 16',
      '$scrypt$ln=10,r=8,p=17$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    ['ln 0', '$scrypt$ln=0,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a short hash', '$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA'],
    [
      'base64url characters',
      '$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAA-_$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
  ])('refuses a malformed hash: %s', (_name, value) => {
    expect(typeof parsePasswordHash(value)).toBe('string');
  });

  it('hashPassword refuses an empty password and a cost out of range', async () => {
    await expect(hashPassword('')).rejects.toThrow(TypeError);
    await expect(hashPassword('x', { cost: 19 })).rejects.toThrow(/cost/);
    await expect(hashPassword('x', { cost: 1.5 })).rejects.toThrow(/cost/);
    await expect(hashPassword('x', { cots: 10 } as never)).rejects.toThrow(
      'hashPassword(): unknown option "cots"; did you mean "cost"?',
    );
  });
});
