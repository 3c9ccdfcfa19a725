import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readLimitedBody, readRequestBody } from './read-body.js';
import { isScopeToken } from './scope-token.js';
import { wellKnownPath, wellKnownUrl } from './well-known.js';

describe('isScopeToken (RFC 6749 §3.3)', () => {
  it('accepts printable ASCII without space, quote or backslash', () => {
    for (const scope of ['read', 'orders:read', 'https://api.example.com/x', '!#[]~']) {
      expect(isScopeToken(scope)).toBe(true);
    }
  });
  it('refuses the empty string, spaces, quotes, backslashes, non-ASCII and non-strings', () => {
    for (const scope of ['', 'a b', 'a"b', 'a\\b', 'é', '\t', 7, undefined])
      expect(isScopeToken(scope)).toBe(false);
  });
});

describe('wellKnownPath (RFC 8615 with path insertion)', () => {
  it('inserts the suffix between the host and the path, dropping a trailing slash', () => {
    expect(wellKnownPath('https://as.example.com', 'oauth-authorization-server')).toBe(
      '/.well-known/oauth-authorization-server',
    );
    expect(wellKnownPath('https://as.example.com/', 'oauth-authorization-server')).toBe(
      '/.well-known/oauth-authorization-server',
    );
    expect(wellKnownPath('https://api.example.com/mcp/', 'oauth-protected-resource')).toBe(
      '/.well-known/oauth-protected-resource/mcp',
    );
    expect(wellKnownUrl('https://as.example.com:8443/t/1', 'oauth-authorization-server')).toBe(
      'https://as.example.com:8443/.well-known/oauth-authorization-server/t/1',
    );
  });
});

const stream = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

describe('readLimitedBody', () => {
  it('reads a body up to the limit', async () => {
    expect(new TextDecoder().decode(await readLimitedBody(stream('ab', 'cd'), 4))).toBe('abcd');
    expect((await readLimitedBody(null, 4)).byteLength).toBe(0);
  });
  it('stops reading and cancels the stream past the limit', async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    await expect(readLimitedBody(endless, 4096)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(10);
  });
  it('gives up when `until` rejects', async () => {
    const never = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const deadline = Promise.reject(new Error('deadline'));
    await expect(readLimitedBody(never, 10, deadline)).rejects.toThrow('deadline');
  });
  it('refuses a request whose Content-Length announces too much, before reading', async () => {
    const request = new Request('https://x.example/', {
      method: 'POST',
      body: 'x'.repeat(10),
      headers: { 'content-length': '10' },
    });
    await expect(readRequestBody(request, 9)).rejects.toBeInstanceOf(BodyTooLargeError);
  });
});
