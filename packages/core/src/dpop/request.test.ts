import { describe, expect, it } from 'vitest';
import { dpopProofs, requestMethod, requestPath } from './request.js';

describe('what DPoP reads of a request', () => {
  it('finds every DPoP field: on the web, in rawHeaders, in headers', () => {
    expect(dpopProofs(new Request('https://x/', { headers: { dpop: 'a.b.c' } }))).toEqual(['a.b.c']);
    const two = new Headers();
    two.append('DPoP', 'a.b.c');
    two.append('dpop', 'd.e.f');
    expect(dpopProofs(new Request('https://x/', { headers: two }))).toEqual(['a.b.c', 'd.e.f']);
    expect(dpopProofs({ headers: {}, rawHeaders: ['DPOP', 'a.b.c', 'Host', 'x', 'dpop', 'd.e.f'] })).toEqual([
      'a.b.c',
      'd.e.f',
    ]);
    expect(dpopProofs({ headers: { dpop: ['a.b.c', 'd.e.f'] } })).toEqual(['a.b.c', 'd.e.f']);
    expect(dpopProofs({ headers: {} })).toEqual([]);
    expect(dpopProofs({ headers: { dpop: '' } })).toEqual(['']);
  });

  it('takes the path, never the host, and prefers originalUrl', () => {
    expect(requestPath(new Request('https://evil.example/orders/1?x=2'))).toBe('/orders/1');
    expect(requestPath(new Request('https://evil.example'))).toBe('/');
    expect(requestPath({ headers: {}, url: '/orders?x' })).toBe('/orders');
    expect(requestPath({ headers: {}, url: '/orders', originalUrl: '/api/orders' })).toBe('/api/orders');
    expect(requestPath({ headers: {} })).toBeUndefined();
    expect(requestMethod({ headers: {} })).toBe('GET');
    expect(requestMethod(new Request('https://x/', { method: 'PATCH' }))).toBe('PATCH');
  });
});
