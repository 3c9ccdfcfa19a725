import { describe, expect, it } from 'vitest';
import { htuMatches, normalizeHttpUri, targetPath } from './htu.js';

describe('normalizeHttpUri (RFC 3986 §6.2.2, §6.2.3)', () => {
  it.each([
    ['HTTPS://API.Example.COM/orders', 'https://api.example.com/orders'],
    ['https://api.example.com:443/orders', 'https://api.example.com/orders'],
    ['http://api.example.com:80/orders', 'http://api.example.com/orders'],
    ['https://api.example.com:8443/orders', 'https://api.example.com:8443/orders'],
    ['https://api.example.com', 'https://api.example.com/'],
    ['https://api.example.com/a/./b/../c', 'https://api.example.com/a/c'],
    ['https://api.example.com/a/%2e%2E/c', 'https://api.example.com/c'],
    ['https://api.example.com/%7euser/%6Frders', 'https://api.example.com/~user/orders'],
    ['https://api.example.com/a%2fb%3a', 'https://api.example.com/a%2Fb%3A'],
    ['https://api.example.com/orders?x=1#frag', 'https://api.example.com/orders'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeHttpUri(input)).toBe(expected);
  });

  it.each([
    'ftp://api.example.com/orders',
    'https://user:pass@api.example.com/orders',
    '/orders',
    'not a url',
  ])('refuses %s', (input) => {
    expect(normalizeHttpUri(input)).toBeUndefined();
  });
});

describe('targetPath', () => {
  it('reads origin-form and absolute-form targets, dropping the query', () => {
    expect(targetPath('/orders?x=1')).toBe('/orders');
    expect(targetPath('/orders#x')).toBe('/orders');
    expect(targetPath('http://proxy.example/orders?x')).toBe('/orders');
    expect(targetPath('*')).toBeUndefined();
  });
});

describe('htuMatches', () => {
  it('compares origin + path, never another host, even one smuggled into the path', () => {
    expect(htuMatches('https://api.example.com/orders', 'https://api.example.com', '/orders')).toBe(true);
    expect(htuMatches('https://evil.example/x', 'https://api.example.com', '//evil.example/x')).toBe(false);
    expect(
      htuMatches('https://api.example.com//evil.example/x', 'https://api.example.com', '//evil.example/x'),
    ).toBe(true);
  });
});
