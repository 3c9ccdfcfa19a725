import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocumentHost, startDocumentHost, TEST_CA } from '../../test/document-host.js';
import { type LookupFunction, RefusedAddressError } from './addresses.js';
import { cacheSeconds } from './document-fetch.js';
import { safeFetch } from './safe-fetch.js';

let host: DocumentHost;
beforeAll(async () => {
  host = await startDocumentHost();
  host.serve('/doc.json', { body: { ok: true } });
  host.serve('/moved', { status: 302, headers: { location: '/doc.json' } });
});
afterAll(() => host.close());

/** A resolver that answers `address` for every name (DNS pointing a name wherever it likes). */
const pointing =
  (address: string): LookupFunction =>
  (_host, options, callback) =>
    options.all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4);

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'fetched',
    (error: unknown) => error,
  );
}

describe('safeFetch: the built-in fetch connects only to allowed addresses', () => {
  it('fetches over https from loopback when allowed, trusting the given CA', async () => {
    const res = await safeFetch({ allowLoopback: true, ca: [TEST_CA] })(host.url('/doc.json'));
    expect([res.status, await res.json()]).toEqual([200, { ok: true }]);
  });

  it('refuses a name that resolves to loopback without opening a connection', async () => {
    const before = host.connections;
    const error = await refusal(safeFetch({ allowLoopback: false, ca: [TEST_CA] })(host.url('/doc.json')));
    expect(error).toBeInstanceOf(RefusedAddressError);
    expect(host.connections).toBe(before);
  });

  it('refuses a public-looking name that DNS points at loopback (rebinding) without opening a connection', async () => {
    const before = host.connections;
    const fetch = safeFetch({ allowLoopback: false, ca: [TEST_CA], resolve: pointing('127.0.0.1') });
    const error = await refusal(fetch(`https://docs.example.com:${new URL(host.origin).port}/doc.json`));
    expect(error).toBeInstanceOf(RefusedAddressError);
    expect(host.connections).toBe(before);
  });

  it('connects to the address the checked lookup answered, and only that (the socket uses the guard)', async () => {
    const fetch = safeFetch({ allowLoopback: true, ca: [TEST_CA], resolve: pointing('127.0.0.1') });
    // The certificate names localhost, so the TLS check (on the name) must pass through to the checked address.
    const res = await fetch(`${host.origin}/doc.json`);
    expect(res.status).toBe(200);
  });

  it('does not follow a redirect: the 302 comes back, the target is never asked for', async () => {
    const requested = host.requests.length;
    const res = await safeFetch({ allowLoopback: true, ca: [TEST_CA] })(host.url('/moved'));
    expect(res.status).toBe(302);
    expect(host.requests.slice(requested)).toEqual(['/moved']);
  });

  it('refuses plain http and a certificate it does not trust', async () => {
    expect(await refusal(safeFetch({ allowLoopback: true, ca: [] })(host.url('/doc.json')))).toMatchObject({
      code: expect.stringMatching(/CERT|SELF_SIGNED|UNABLE/),
    });
    expect(await refusal(safeFetch({ allowLoopback: true, ca: [] })('http://localhost/'))).toBeInstanceOf(
      TypeError,
    );
  });
});

describe('cacheSeconds: Cache-Control within bounds (RFC 9111, draft §5.2)', () => {
  it.each<[string | null, string | null, number]>([
    ['max-age=600', null, 600],
    ['public, max-age=600', '100', 500],
    ['max-age="600"', null, 600],
    ['max-age=10', null, 60],
    ['max-age=99999999', null, 86_400],
    ['no-store', null, 60],
    ['no-cache, max-age=600', null, 60],
    ['max-age=abc', null, 60],
    [null, null, 60],
  ])('Cache-Control %s, Age %s → %i s', (header, age, seconds) => {
    expect(cacheSeconds(header, age, 60, 86_400)).toBe(seconds);
  });
});
