import { describe, expect, it } from 'vitest';
import { addressKind, guardedLookup, type LookupFunction, RefusedAddressError } from './addresses.js';

describe('addressKind: which addresses a metadata fetch may reach (RFC 6890)', () => {
  it.each([
    ['93.184.215.14', 'public'],
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'special'],
    ['172.16.0.1', 'special'],
    ['172.31.255.255', 'special'],
    ['192.168.0.1', 'special'],
    ['169.254.169.254', 'special'],
    ['100.64.0.1', 'special'],
    ['0.0.0.0', 'special'],
    ['192.0.0.8', 'special'],
    ['192.0.2.1', 'special'],
    ['198.18.0.1', 'special'],
    ['198.51.100.1', 'special'],
    ['203.0.113.1', 'special'],
    ['224.0.0.1', 'special'],
    ['255.255.255.255', 'special'],
    ['::', 'special'],
    ['::ffff:10.0.0.1', 'special'],
    ['::ffff:8.8.8.8', 'special'],
    ['64:ff9b::a00:1', 'special'],
    ['2001:db8::1', 'special'],
    ['2001::1', 'special'],
    ['2002:a00:1::', 'special'],
    ['fc00::1', 'special'],
    ['fd12:3456::1', 'special'],
    ['fe80::1', 'special'],
    ['ff02::1', 'special'],
    ['not an address', 'special'],
  ])('%s is %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });
  it('172.32.0.1 (just outside 172.16.0.0/12) is public', () => {
    expect(addressKind('172.32.0.1')).toBe('public');
  });
});

/** A resolver answering fixed addresses, as DNS would (no socket involved). */
function answering(...addresses: string[]): LookupFunction {
  return (_host, _options, callback) =>
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
}

function lookupOnce(lookup: LookupFunction, all: boolean) {
  return new Promise<{ error: unknown; address: unknown; family: unknown }>((resolve) =>
    lookup('docs.example.com', { all }, (error, address, family) => resolve({ error, address, family })),
  );
}

describe('guardedLookup: every resolved address is checked before a socket may use one', () => {
  it.each([
    ['10.0.0.5'],
    ['127.0.0.1'],
    ['93.184.215.14', '10.0.0.5'],
    ['93.184.215.14', '::1'],
    ['fd00::1'],
  ])('refuses a name resolving to %s (any refused address refuses the name)', async (...addresses) => {
    const { error } = await lookupOnce(guardedLookup(false, answering(...addresses)), true);
    expect(error).toBeInstanceOf(RefusedAddressError);
  });

  it('gives public addresses through, in the shape asked for (all, or the first)', async () => {
    const lookup = guardedLookup(false, answering('93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'));
    expect((await lookupOnce(lookup, true)).address).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ]);
    expect(await lookupOnce(lookup, false)).toEqual({ error: null, address: '93.184.215.14', family: 4 });
  });

  it('gives loopback through only with allowLoopback, and private addresses never', async () => {
    expect((await lookupOnce(guardedLookup(true, answering('127.0.0.1')), false)).address).toBe('127.0.0.1');
    expect((await lookupOnce(guardedLookup(true, answering('10.0.0.1')), false)).error).toBeInstanceOf(
      RefusedAddressError,
    );
  });

  it('passes a resolver error through, and refuses an empty answer', async () => {
    const failing: LookupFunction = (_h, _o, callback) =>
      callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), '');
    expect((await lookupOnce(guardedLookup(false, failing), true)).error).toMatchObject({
      code: 'ENOTFOUND',
    });
    expect((await lookupOnce(guardedLookup(false, answering()), true)).error).toBeInstanceOf(
      RefusedAddressError,
    );
  });
});
