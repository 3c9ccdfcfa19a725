/**
 * The key-set subsystem (IssuerKeys + fetchJson) against a real HTTP server on loopback, driven through the public
 * `createVerifier`. Time moves through the verifier's `clock`; only fetch deadlines use real time (and short ones).
 */
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  causeChain,
  dynamicJson,
  forgeToken,
  gate,
  hang,
  type JwksServer,
  json,
  mintToken,
  redirect,
  type SigningKey,
  signingKey,
  stallBody,
  startJwksServer,
} from '../../test/jwks-server.js';
import { refusal } from '../../test/refusal.js';
import {
  type AuthError,
  createVerifier,
  type JsonWebKey,
  type Verifier,
  type VerifierOptions,
} from '../index.js';

const ISSUER = 'https://as.example.com';
const AUDIENCE = 'https://orders.example.com';

let k1: SigningKey;
let k2: SigningKey;
let stranger: SigningKey;
let p384: SigningKey;
let server: JwksServer;

beforeAll(async () => {
  [k1, k2, stranger, p384] = await Promise.all([
    signingKey('ES256', 'k1'),
    signingKey('ES256', 'k2'),
    signingKey('ES256', 'stranger'),
    signingKey('ES384', 'k1'),
  ]);
});

beforeEach(async () => {
  server = await startJwksServer();
});

afterEach(async () => {
  await server.close();
});

/** The verifier's clock: starts at the real time, moves only when told. */
function fakeClock() {
  const clock = {
    now: Date.now(),
    fn: () => clock.now,
    tick(ms: number) {
      clock.now += ms;
    },
  };
  return clock;
}

type Clock = ReturnType<typeof fakeClock>;

function tokenFor(key: SigningKey, clock: Clock, issuer = ISSUER, header?: Record<string, unknown>) {
  return mintToken(key, { issuer, audience: AUDIENCE, now: clock.now, ...(header ? { header } : {}) });
}

/** An ES256 token naming a `kid` nobody published (random each call); refused before any signature check. */
function unknownKidToken(clock: Clock, issuer = ISSUER): string {
  return forgeToken(
    { alg: 'ES256', kid: `unknown-${crypto.randomUUID()}` },
    { issuer, audience: AUDIENCE, now: clock.now },
    64,
  );
}

/** A `fetch` that counts its calls, including the ones that never reach the server (it is stopped). */
function countingFetch(): typeof fetch & { calls: number } {
  const counted = Object.assign(
    (input: RequestInfo | URL, init?: RequestInit) => {
      counted.calls++;
      return fetch(input, init);
    },
    { calls: 0 },
  );
  return counted;
}

/** A verifier for ISSUER with keys at `server.url(path)`. */
function remote(clock: Clock, options: Partial<VerifierOptions> = {}, path = '/jwks'): Verifier {
  return createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: server.url(path),
    clock: clock.fn,
    ...options,
  });
}

/** Polls `check` until it passes (or `ms` elapse, then throws its last error). */
async function eventually(check: () => unknown, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

function expectUnavailable(err: AuthError): void {
  expect(err).toMatchObject({ status: 503, code: 'temporarily_unavailable', reason: 'keys_unavailable' });
  expect(err.retryAfter).toBeGreaterThanOrEqual(1);
  // The client gets a fixed sentence; what went wrong (URLs, socket errors) stays in `cause`, for logs.
  expect(err.description).not.toMatch(/127\.0\.0\.1|https?:|ECONN|fetch|timed out|\/jwks|well-known/i);
  expect(err.message).toBe(err.description);
  expect(err.cause).toBeDefined();
}

describe('where keys come from', () => {
  it('discovers RFC 8414 metadata with the well-known suffix inserted before the issuer path', async () => {
    const clock = fakeClock();
    const issuer = server.url('/tenant');
    server.route(
      '/.well-known/oauth-authorization-server/tenant',
      json({ issuer, jwks_uri: server.url('/tenant/keys') }),
    );
    server.route('/tenant/keys', json({ keys: [k1.jwk] }));
    const v = createVerifier({ issuer, audience: AUDIENCE, clock: clock.fn });

    await expect(v.verify(await tokenFor(k1, clock, issuer))).resolves.toMatchObject({ issuer });
    await v.verify(await tokenFor(k1, clock, issuer));
    expect(server.hits('/.well-known/oauth-authorization-server/tenant')).toBe(1);
    expect(server.hits('/tenant/.well-known/openid-configuration')).toBe(0);
    expect(server.hits('/tenant/keys')).toBe(1);
  });

  it('removes a trailing slash before inserting, and handles an issuer without a path', async () => {
    const clock = fakeClock();
    const slashed = server.url('/tenant/');
    const bare = server.origin;
    server.route(
      '/.well-known/oauth-authorization-server/tenant',
      json({ issuer: slashed, jwks_uri: server.url('/a') }),
    );
    server.route(
      '/.well-known/oauth-authorization-server',
      json({ issuer: bare, jwks_uri: server.url('/b') }),
    );
    server.route('/a', json({ keys: [k1.jwk] }));
    server.route('/b', json({ keys: [k2.jwk] }));
    const v = createVerifier({ issuer: [slashed, bare], audience: AUDIENCE, clock: clock.fn });

    await expect(v.verify(await tokenFor(k1, clock, slashed))).resolves.toMatchObject({ issuer: slashed });
    await expect(v.verify(await tokenFor(k2, clock, bare))).resolves.toMatchObject({ issuer: bare });
    expect([server.hits('/a'), server.hits('/b')]).toEqual([1, 1]);
  });

  it('falls back to OpenID configuration appended to the issuer path', async () => {
    const clock = fakeClock();
    const issuer = server.url('/tenant');
    server.route(
      '/tenant/.well-known/openid-configuration',
      json({ issuer, jwks_uri: server.url('/oidc-keys') }),
    );
    server.route('/oidc-keys', json({ keys: [k1.jwk] }));
    const v = createVerifier({ issuer, audience: AUDIENCE, clock: clock.fn });

    await expect(v.verify(await tokenFor(k1, clock, issuer))).resolves.toMatchObject({ issuer });
    expect(server.hits('/.well-known/oauth-authorization-server/tenant')).toBe(1); // tried first, 404
    expect(server.hits('/tenant/.well-known/openid-configuration')).toBe(1);
  });

  it('does not use a metadata document whose issuer is not identical (RFC 8414 §3.3)', async () => {
    const clock = fakeClock();
    const issuer = server.url('/tenant');
    // Trailing slash: not identical. The document's keys are never fetched.
    server.route(
      '/.well-known/oauth-authorization-server/tenant',
      json({ issuer: `${issuer}/`, jwks_uri: server.url('/evil-keys') }),
    );
    server.route('/evil-keys', json({ keys: [k1.jwk] }));
    const v = createVerifier({ issuer, audience: AUDIENCE, clock: clock.fn });

    expectUnavailable(await refusal(v.verify(await tokenFor(k1, clock, issuer))));
    expect(server.hits('/evil-keys')).toBe(0);

    // A mismatching RFC 8414 document is skipped; a matching OpenID one is used.
    server.route(
      '/tenant/.well-known/openid-configuration',
      json({ issuer, jwks_uri: server.url('/good-keys') }),
    );
    server.route('/good-keys', json({ keys: [k1.jwk] }));
    clock.tick(60_000); // past the error backoff
    await expect(v.verify(await tokenFor(k1, clock, issuer))).resolves.toBeDefined();
    expect(server.hits('/evil-keys')).toBe(0);
    expect(server.hits('/good-keys')).toBe(1);
  });

  it('skips discovery when jwksUri is given', async () => {
    const clock = fakeClock();
    server.route('/jwks', json({ keys: [k1.jwk] }));
    const v = createVerifier({
      issuer: server.origin,
      audience: AUDIENCE,
      jwksUri: server.url('/jwks'),
      clock: clock.fn,
    });

    await v.verify(await tokenFor(k1, clock, server.origin));
    expect(server.hits('/jwks')).toBe(1);
    expect(server.totalHits()).toBe(1);
  });

  it('makes no network call at all with static keys, even for an unknown kid', async () => {
    const clock = fakeClock();
    let calls = 0;
    const v = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: { keys: [k1.jwk] },
      clock: clock.fn,
      jwksOptions: {
        fetch: async () => {
          calls++;
          throw new Error('no fetch expected');
        },
      },
    });

    await v.verify(await tokenFor(k1, clock));
    expect(await refusal(v.verify(unknownKidToken(clock)))).toMatchObject({
      status: 401,
      reason: 'unknown_key',
    });
    clock.tick(365 * 86_400_000); // a static set never ages out
    await v.verify(await tokenFor(k1, clock));
    expect(calls).toBe(0);
  });
});

describe('fetching', () => {
  it('makes exactly one fetch for 100 concurrent verifications on a cold verifier', async () => {
    const clock = fakeClock();
    server.route('/jwks', json({ keys: [k1.jwk] }));
    const v = remote(clock);
    const tokens = await Promise.all(Array.from({ length: 100 }, () => tokenFor(k1, clock)));

    const results = await Promise.allSettled(tokens.map((t) => v.verify(t)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(server.hits('/jwks')).toBe(1);
  });

  it('shares one key set between issuers that publish at the same jwksUri: one fetch for all', async () => {
    const clock = fakeClock();
    server.route('/jwks', json({ keys: [k1.jwk] }));
    const tenants = Array.from({ length: 10 }, (_, i) => `https://login.example.com/tenant-${i}/v2.0`);
    const v = createVerifier({
      issuer: tenants.map((issuer) => ({ issuer, jwksUri: server.url('/jwks') })),
      audience: AUDIENCE,
      clock: clock.fn,
    });
    const tokens = await Promise.all(tenants.map((issuer) => tokenFor(k1, clock, issuer)));
    const results = await Promise.allSettled(tokens.map((t) => v.verify(t)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(server.hits('/jwks')).toBe(1);
  });

  it('gives up when the headers do not come within timeoutMs', { timeout: 4000 }, async () => {
    const clock = fakeClock();
    server.route('/jwks', hang);
    const v = remote(clock, { jwksOptions: { timeoutMs: 250 } });
    const token = await tokenFor(k1, clock);

    const started = performance.now();
    const err = await refusal(v.verify(token));
    const elapsed = performance.now() - started;
    expectUnavailable(err);
    expect(causeChain(err)).toMatch(/timed out/);
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(250 + 1000);
  });

  it('gives up when the body stalls after the headers', { timeout: 4000 }, async () => {
    const clock = fakeClock();
    server.route('/jwks', stallBody());
    const v = remote(clock, { jwksOptions: { timeoutMs: 250 } });
    const token = await tokenFor(k1, clock);

    const started = performance.now();
    const err = await refusal(v.verify(token));
    const elapsed = performance.now() - started;
    expectUnavailable(err);
    expect(causeChain(err)).toMatch(/timed out/);
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(250 + 1000);
  });

  for (const status of [301, 302, 303, 307, 308]) {
    it(`does not follow a ${status} redirect to a valid key set`, async () => {
      const clock = fakeClock();
      server.route('/jwks', redirect(server.url('/moved'), status));
      server.route('/moved', json({ keys: [k1.jwk] }));
      const v = remote(clock);

      expectUnavailable(await refusal(v.verify(await tokenFor(k1, clock))));
      expect(server.hits('/jwks')).toBe(1);
      expect(server.hits('/moved')).toBe(0);
    });
  }

  it('does not use a key set sent in the body of a redirect', async () => {
    const clock = fakeClock();
    const body = JSON.stringify({ keys: [k1.jwk] });
    server.route('/jwks', (_req, res) => {
      res.writeHead(302, { location: server.url('/moved'), 'content-type': 'application/json' });
      res.end(body);
    });
    expectUnavailable(await refusal(remote(clock).verify(await tokenFor(k1, clock))));
  });

  describe('refuses a body over maxBytes', () => {
    const padded = () => ({ keys: [k1.jwk], padding: 'x'.repeat(4096) });

    it('declared in content-length', async () => {
      const clock = fakeClock();
      server.route('/jwks', json(padded()));
      const err = await refusal(
        remote(clock, { jwksOptions: { maxBytes: 2048 } }).verify(await tokenFor(k1, clock)),
      );
      expectUnavailable(err);
      expect(causeChain(err)).toMatch(/body of \d+ bytes exceeds the limit of 2048/);
    });

    it('declared in content-length, refused before the body comes', { timeout: 4000 }, async () => {
      const clock = fakeClock();
      server.route('/jwks', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '10000000' });
        res.write('{"keys":['); // and nothing more
      });
      const v = remote(clock, { jwksOptions: { maxBytes: 2048, timeoutMs: 2000 } });
      const started = performance.now();
      const err = await refusal(v.verify(await tokenFor(k1, clock)));
      expectUnavailable(err);
      expect(causeChain(err)).toMatch(/body of 10000000 bytes exceeds the limit of 2048/);
      expect(performance.now() - started).toBeLessThan(1000);
    });

    it('sent chunked, without content-length', async () => {
      const clock = fakeClock();
      server.route('/jwks', json(padded(), { chunked: 512 }));
      const err = await refusal(
        remote(clock, { jwksOptions: { maxBytes: 2048 } }).verify(await tokenFor(k1, clock)),
      );
      expectUnavailable(err);
      expect(causeChain(err)).toMatch(/exceeds the limit of 2048/);
    });

    it('compressed: counted after decompression (no zip bomb)', async () => {
      const clock = fakeClock();
      const body = gzipSync(JSON.stringify(padded()));
      expect(body.byteLength).toBeLessThan(2048);
      server.route('/jwks', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(body);
      });
      const err = await refusal(
        remote(clock, { jwksOptions: { maxBytes: 2048 } }).verify(await tokenFor(k1, clock)),
      );
      expectUnavailable(err);
      expect(causeChain(err)).toMatch(/exceeds the limit of 2048/);
    });

    it('(control: the same bodies under a higher limit are accepted)', async () => {
      const clock = fakeClock();
      server.route('/a', json(padded()));
      server.route('/b', json(padded(), { chunked: 512 }));
      for (const path of ['/a', '/b']) {
        const v = remote(clock, { jwksOptions: { maxBytes: 8192 } }, path);
        await expect(v.verify(await tokenFor(k1, clock))).resolves.toBeDefined();
      }
    });
  });

  const broken: Array<[string, () => ReturnType<typeof json>]> = [
    ['a 500 (even with a key set in the body)', () => json({ keys: [k1.jwk] }, { status: 500 })],
    ['a 404', () => json({ error: 'nope' }, { status: 404 })],
    ['a 204', () => (_req, res) => void res.writeHead(204).end()],
    ['invalid JSON', () => json('{"keys": [')],
    ['an empty body', () => json('')],
    ['a JSON array', () => json([k1.jwk])],
    ['a 500 whose body then stalls', () => (_req, res) => void res.writeHead(500).write('{')],
    ['an object without "keys"', () => json({ issuer: ISSUER })],
    ['"keys" that is not an array', () => json({ keys: k1.jwk })],
  ];
  for (const [name, handler] of broken) {
    it(`answers 503 for ${name} when nothing is cached`, async () => {
      const clock = fakeClock();
      server.route('/jwks', handler());
      expectUnavailable(await refusal(remote(clock).verify(await tokenFor(k1, clock))));
    });
  }

  it('keeps ECONNREFUSED and URLs in cause, never in the description', async () => {
    const clock = fakeClock();
    await server.stop();
    const err = await refusal(remote(clock).verify(await tokenFor(k1, clock)));
    expectUnavailable(err);
    const chain = causeChain(err);
    expect(chain).toMatch(/ECONNREFUSED/);
    expect(chain).toContain(server.url('/jwks'));
  });

  it('keeps discovery failures in cause, never in the description', async () => {
    const clock = fakeClock();
    const issuer = server.url('/tenant');
    await server.stop();
    const err = await refusal(
      createVerifier({ issuer, audience: AUDIENCE, clock: clock.fn }).verify(
        await tokenFor(k1, clock, issuer),
      ),
    );
    expectUnavailable(err);
    const chain = causeChain(err);
    expect(chain).toMatch(/ECONNREFUSED/);
    expect(chain).toContain('/.well-known/oauth-authorization-server/tenant');
    expect(chain).toContain('/tenant/.well-known/openid-configuration');
  });
});

describe('refreshing', () => {
  it('refreshes in the background after maxAgeMs, answering from the current set meanwhile', async () => {
    const clock = fakeClock();
    let keys: JsonWebKey[] = [k1.jwk];
    server.route(
      '/jwks',
      dynamicJson(() => ({ keys })),
    );
    const v = remote(clock, { cache: false, jwksOptions: { maxAgeMs: 60_000 } });
    const token = await tokenFor(k1, clock);

    await v.verify(token);
    clock.tick(59_999);
    await v.verify(token);
    expect(server.hits('/jwks')).toBe(1);

    // The next fetch is held at the server until we let it go: requests must not wait for it.
    keys = [k1.jwk, k2.jwk];
    const held = gate(dynamicJson(() => ({ keys })));
    server.route('/jwks', held.handler);
    clock.tick(1);
    await v.verify(token);
    await eventually(() => expect(held.waiting()).toBe(1));
    await Promise.all(Array.from({ length: 20 }, () => v.verify(token)));
    expect(server.hits('/jwks')).toBe(2);

    held.open();
    // k2 arrived with the background refresh (or is awaited from it): no further fetch.
    await expect(v.verify(await tokenFor(k2, clock))).resolves.toBeDefined();
    expect(server.hits('/jwks')).toBe(2);
  });

  it('kicks the background refresh from a verified-token cache hit too', async () => {
    const clock = fakeClock();
    server.route('/jwks', json({ keys: [k1.jwk] }));
    const v = remote(clock, { jwksOptions: { maxAgeMs: 60_000 } });
    const token = await tokenFor(k1, clock);
    await v.verify(token);
    await v.verify(token);
    expect(server.hits('/jwks')).toBe(1);

    clock.tick(60_000);
    await v.verify(token);
    await eventually(() => expect(server.hits('/jwks')).toBe(2));
  });

  it('refetches for an unknown kid at most once per cooldown', async () => {
    const clock = fakeClock();
    server.route('/jwks', json({ keys: [k1.jwk] }));
    const v = remote(clock, { jwksOptions: { cooldownMs: 30_000 } });
    await v.verify(await tokenFor(k1, clock));
    expect(server.hits('/jwks')).toBe(1);

    const flood = async () => {
      const errors = await Promise.all(
        Array.from({ length: 200 }, () => refusal(v.verify(unknownKidToken(clock)))),
      );
      for (const err of errors) expect(err).toMatchObject({ status: 401, reason: 'unknown_key' });
    };
    await flood();
    expect(server.hits('/jwks')).toBe(2);
    clock.tick(29_999);
    await flood();
    expect(server.hits('/jwks')).toBe(2);
    clock.tick(1);
    await flood();
    expect(server.hits('/jwks')).toBe(3);
  });

  it('makes one fetch for a flood of unknown kids on a cold verifier', async () => {
    const clock = fakeClock();
    server.route('/jwks', json({ keys: [k1.jwk] }));
    const v = remote(clock);
    const errors = await Promise.all(
      Array.from({ length: 200 }, () => refusal(v.verify(unknownKidToken(clock)))),
    );
    for (const err of errors) expect(err).toMatchObject({ status: 401, reason: 'unknown_key' });
    expect(server.hits('/jwks')).toBe(1);
  });

  it('gives each issuer its own unknown-kid budget', async () => {
    const clock = fakeClock();
    const [a, b] = ['https://a.example.com', 'https://b.example.com'];
    server.route('/a/jwks', json({ keys: [k1.jwk] }));
    server.route('/b/jwks', json({ keys: [k1.jwk] }));
    const v = createVerifier({
      issuer: [
        { issuer: a, jwksUri: server.url('/a/jwks') },
        { issuer: b, jwksUri: server.url('/b/jwks') },
      ],
      audience: AUDIENCE,
      clock: clock.fn,
    });
    await v.verify(await tokenFor(k1, clock, a));
    await v.verify(await tokenFor(k1, clock, b));

    const flood = (issuer: string) =>
      Promise.all(Array.from({ length: 50 }, () => refusal(v.verify(unknownKidToken(clock, issuer)))));
    await flood(a);
    expect([server.hits('/a/jwks'), server.hits('/b/jwks')]).toEqual([2, 1]);
    await flood(b);
    expect([server.hits('/a/jwks'), server.hits('/b/jwks')]).toEqual([2, 2]);
    await flood(a);
    expect([server.hits('/a/jwks'), server.hits('/b/jwks')]).toEqual([2, 2]);
  });

  it('does not refetch for a kid it knows (a known kid that does not fit is simply refused)', async () => {
    const clock = fakeClock();
    server.route('/jwks', json({ keys: [k1.jwk] }));
    const v = remote(clock);
    await v.verify(await tokenFor(k1, clock));
    // An RS256 forgery naming the EC key's kid.
    const forged = forgeToken(
      { alg: 'RS256', kid: 'k1' },
      { issuer: ISSUER, audience: AUDIENCE, now: clock.now },
    );
    for (let i = 0; i < 5; i++)
      expect(await refusal(v.verify(forged))).toMatchObject({ reason: 'unknown_key' });
    expect(server.hits('/jwks')).toBe(1);
  });
});

describe('rotation', () => {
  it('picks up a new kid with one refetch', async () => {
    const clock = fakeClock();
    let keys: JsonWebKey[] = [k1.jwk];
    server.route(
      '/jwks',
      dynamicJson(() => ({ keys })),
    );
    const v = remote(clock);
    await v.verify(await tokenFor(k1, clock));

    keys = [k1.jwk, k2.jwk];
    await expect(v.verify(await tokenFor(k2, clock))).resolves.toBeDefined();
    await expect(v.verify(await tokenFor(k1, clock))).resolves.toBeDefined();
    expect(server.hits('/jwks')).toBe(2);
  });

  it('refuses a cached token once its key is gone from a refetched set', async () => {
    const clock = fakeClock();
    let keys: JsonWebKey[] = [k1.jwk];
    server.route(
      '/jwks',
      dynamicJson(() => ({ keys })),
    );
    const v = remote(clock); // verified-token cache on (the default)
    const old = await tokenFor(k1, clock);
    await v.verify(old);
    await v.verify(old);

    keys = [k2.jwk];
    await v.verify(await tokenFor(k2, clock)); // the unknown kid refetches the set
    expect(server.hits('/jwks')).toBe(2);
    expect(await refusal(v.verify(old))).toMatchObject({ status: 401, reason: 'unknown_key' });
  });

  it('refuses a cached token once its key is gone after the max-age refresh', async () => {
    const clock = fakeClock();
    let keys: JsonWebKey[] = [k1.jwk];
    server.route(
      '/jwks',
      dynamicJson(() => ({ keys })),
    );
    const v = remote(clock, { jwksOptions: { maxAgeMs: 60_000 } });
    const old = await tokenFor(k1, clock);
    await v.verify(old);

    keys = [k2.jwk];
    clock.tick(60_000);
    await v.verify(old); // answered from the current set while the refresh runs
    await eventually(async () =>
      expect(await refusal(v.verify(old))).toMatchObject({ reason: 'unknown_key' }),
    );
  });

  it('stops using a key that is republished as use=enc (a cached token is re-checked)', async () => {
    const clock = fakeClock();
    let keys: JsonWebKey[] = [k1.jwk];
    server.route(
      '/jwks',
      dynamicJson(() => ({ keys })),
    );
    const v = remote(clock, { jwksOptions: { maxAgeMs: 60_000 } });
    const token = await tokenFor(k1, clock);
    await v.verify(token);

    keys = [{ ...k1.jwk, use: 'enc' }];
    clock.tick(60_000);
    await v.verify(token);
    await eventually(async () =>
      expect(await refusal(v.verify(token))).toMatchObject({ reason: 'unknown_key' }),
    );
  });

  it('answers 1,000 concurrent verifications during a rotation with no wrong refusal and one fetch', async () => {
    const clock = fakeClock();
    let keys: JsonWebKey[] = [k1.jwk];
    server.route(
      '/jwks',
      dynamicJson(() => ({ keys })),
    );
    const v = remote(clock, { cache: false });
    await v.verify(await tokenFor(k1, clock));

    keys = [k1.jwk, k2.jwk];
    const distinct = await Promise.all([
      ...Array.from({ length: 25 }, () => tokenFor(k1, clock)),
      ...Array.from({ length: 25 }, () => tokenFor(k2, clock)),
    ]);
    const tokens = Array.from({ length: 1000 }, (_, i) => distinct[i % distinct.length] as string);
    const results = await Promise.allSettled(tokens.map((t) => v.verify(t)));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length, JSON.stringify((refused[0] as PromiseRejectedResult | undefined)?.reason)).toBe(0);
    expect(server.hits('/jwks')).toBe(2);
  });
});

describe('stale-if-error', () => {
  it('serves the last good keys until maxAge + staleIfError, then 503, and recovers without a restart', async () => {
    const clock = fakeClock();
    server.route('/jwks', json({ keys: [k1.jwk] }));
    const fetches = countingFetch();
    const v = remote(clock, {
      jwksOptions: { maxAgeMs: 60_000, staleIfErrorMs: 120_000, errorBackoffMs: 1_000, fetch: fetches },
    });
    const cached = await tokenFor(k1, clock);
    await v.verify(cached);
    expect(fetches.calls).toBe(1);

    await server.stop();
    clock.tick(60_000);
    await v.verify(cached); // cache hit
    await v.verify(await tokenFor(k1, clock)); // full verification with the stale set
    await eventually(() => expect(fetches.calls).toBe(2)); // one background attempt...
    for (let i = 0; i < 10; i++) await v.verify(await tokenFor(k1, clock));
    expect(fetches.calls).toBe(2); // ...and no other within the error backoff

    clock.tick(119_999);
    await v.verify(cached);
    await v.verify(await tokenFor(k1, clock));

    clock.tick(1);
    expectUnavailable(await refusal(v.verify(cached)));
    expectUnavailable(await refusal(v.verify(await tokenFor(k1, clock))));

    await server.restart();
    clock.tick(1_000);
    await expect(v.verify(cached)).resolves.toBeDefined();
    await expect(v.verify(await tokenFor(k1, clock))).resolves.toBeDefined();
    expect(server.hits('/jwks')).toBe(2);
  });

  it('answers 503 during the error backoff without a fetch, then tries again', async () => {
    const clock = fakeClock();
    server.route('/jwks', json({ keys: [k1.jwk] }));
    await server.stop();
    const fetches = countingFetch();
    const v = remote(clock, { jwksOptions: { errorBackoffMs: 5_000, fetch: fetches } });
    const token = await tokenFor(k1, clock);

    expectUnavailable(await refusal(v.verify(token)));
    expect(fetches.calls).toBe(1);
    clock.tick(2_000);
    const err = await refusal(v.verify(token));
    expectUnavailable(err);
    expect(err.retryAfter).toBe(3);
    expect(fetches.calls).toBe(1);

    await server.restart();
    clock.tick(3_000);
    await expect(v.verify(token)).resolves.toBeDefined();
    expect(server.hits('/jwks')).toBe(1);
  });
});

describe('key selection', () => {
  async function refusedWith(keys: JsonWebKey[], token: string, clock: Clock) {
    server.route('/jwks', json({ keys }));
    const v = remote(clock);
    const err = await refusal(v.verify(token));
    expect(server.hits('/jwks')).toBe(1); // a known kid: no refetch
    return err;
  }

  it('never uses a key whose use is enc, even though it would verify', async () => {
    const clock = fakeClock();
    const err = await refusedWith([{ ...k1.jwk, use: 'enc' }], await tokenFor(k1, clock), clock);
    expect(err).toMatchObject({ status: 401, reason: 'unknown_key' });
  });

  it("never uses a key whose alg differs from the token's, even though it would verify", async () => {
    const clock = fakeClock();
    const err = await refusedWith([{ ...k1.jwk, alg: 'ES384' }], await tokenFor(k1, clock), clock);
    expect(err).toMatchObject({ status: 401, reason: 'unknown_key' });
  });

  it('never uses a key without alg whose kty does not fit (RS256 token, EC key)', async () => {
    const clock = fakeClock();
    const { alg: _alg, ...noAlg } = k1.jwk;
    const forged = forgeToken(
      { alg: 'RS256', kid: 'k1' },
      { issuer: ISSUER, audience: AUDIENCE, now: clock.now },
    );
    const err = await refusedWith([noAlg], forged, clock);
    expect(err).toMatchObject({ status: 401, reason: 'unknown_key' });
  });

  it('never uses a key whose crv does not fit (ES384 token, P-256 key with the same kid)', async () => {
    const clock = fakeClock();
    const { alg: _alg, ...noAlg } = k1.jwk;
    const err = await refusedWith([noAlg], await tokenFor(p384, clock), clock);
    expect(err).toMatchObject({ status: 401, reason: 'unknown_key' });
  });

  it('with duplicate kids, uses the one that fits and verifies, skipping unusable ones', async () => {
    const clock = fakeClock();
    const dup = (jwk: JsonWebKey): JsonWebKey => ({ ...jwk, kid: 'dup' });
    const garbage: JsonWebKey = { ...k1.jwk, kid: 'dup', x: 'AAAA', y: 'AAAA' };
    const decoys = [dup({ ...k1.jwk, use: 'enc' }), dup(p384.jwk), garbage, dup(stranger.jwk)];
    const token = await tokenFor(k1, clock, ISSUER, { kid: 'dup' });
    for (const keys of [
      [...decoys, dup(k1.jwk)],
      [dup(k1.jwk), ...decoys],
    ]) {
      server.route('/jwks', json({ keys }));
      const v = remote(clock, { cache: false });
      await expect(v.verify(token)).resolves.toBeDefined();
    }
    // The decoys alone: the fitting ones are tried and fail.
    server.route('/jwks', json({ keys: decoys }));
    expect(await refusal(remote(clock).verify(token))).toMatchObject({ status: 401 });
  });
});
