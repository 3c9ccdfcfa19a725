/**
 * The test certificates behind `x5c` (test/providers/keys.ts) must be valid DER whatever the key's hash: the serial
 * once came straight from a hash, and a hash beginning with 0x00 made a non-minimal INTEGER that OpenSSL refused.
 * Here the edge cases are driven directly, so none of them waits for a one-in-256 key.
 */
import { generateKeyPair, type KeyObject, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateSerial, derInteger, selfSignedCertificate } from './keys.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('derInteger: the shortest positive two’s complement form (X.690 §8.3.2)', () => {
  it.each([
    ['00 12 ..: the leading zero goes', '0012345678', '020412345678'],
    ['00 00 12: every leading zero goes', '000012', '020112'],
    ['80 ..: a zero comes in front, or it would be negative', '80010203', '02050080010203'],
    ['00 92 ..: the zero that keeps it positive stays', '0092', '02020092'],
    ['00 00 80: one zero stays, the rest go', '000080', '02020080'],
    ['7f: as it is', '7f', '02017f'],
    ['all zero: a single 00', '0000', '020100'],
  ])('%s', (_label, input, expected) => {
    expect(hex(derInteger(Buffer.from(input, 'hex')))).toBe(expected);
  });
});

describe('certificateSerial: positive (RFC 5280 §4.1.2.2)', () => {
  it('keeps a non-zero seed as it is', () => {
    expect(hex(certificateSerial(Buffer.from('0012345678abcdef', 'hex')))).toBe('0012345678abcdef');
  });
  it('turns an all-zero seed into a non-zero serial', () => {
    expect(hex(certificateSerial(new Uint8Array(8)))).toBe('0000000000000001');
    expect(hex(certificateSerial(new Uint8Array(0)))).toBe('01');
  });
});

describe('selfSignedCertificate: OpenSSL parses it and reads back the serial, for every edge case', () => {
  let keys: { privateKey: KeyObject; publicKey: KeyObject };
  beforeAll(async () => {
    keys = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  });

  it.each([
    ['0012345678abcdef', '12345678ABCDEF'],
    ['0000000000000012', '12'],
    ['0092345678abcdef', '92345678ABCDEF'],
    ['8012345678abcdef', '8012345678ABCDEF'],
    ['ff12345678abcdef', 'FF12345678ABCDEF'],
    ['0000000000000000', '01'],
    ['1234567890abcdef', '1234567890ABCDEF'],
  ])('seed %s → serial %s', (seed, serialNumber) => {
    const der = selfSignedCertificate(
      keys.privateKey,
      keys.publicKey,
      'edge case',
      certificateSerial(Buffer.from(seed, 'hex')),
    );
    const certificate = new X509Certificate(der);
    expect(certificate.serialNumber).toBe(serialNumber);
    expect(certificate.verify(keys.publicKey)).toBe(true);
  });
});
