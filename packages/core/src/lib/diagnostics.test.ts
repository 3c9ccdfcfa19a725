/**
 * What operators see without writing an error handler: every decision on `audguard:decision`, key fetches on
 * `audguard:keys`, and configuration mistakes (near misses, key sets that cannot be fetched) once per cause as a
 * process warning with a filterable code.
 */
import { channel } from 'node:diagnostics_channel';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type JwksServer, json, startJwksServer } from '../../test/jwks-server.js';
import { refusal } from '../../test/refusal.js';
import { AUDIENCE, ISSUER, mint, type TestKey, testKey } from '../../test/tokens.js';
import { createVerifier, type DecisionEvent, type KeysEvent } from '../index.js';
import { nearMiss, resetWarnings } from './diagnostics.js';

let key: TestKey;
beforeAll(async () => {
  key = await testKey('ES256');
});

function listen<T>(name: string): { events: T[]; stop(): void } {
  const events: T[] = [];
  const onMessage = (message: unknown) => events.push(message as T);
  channel(name).subscribe(onMessage);
  return { events, stop: () => channel(name).unsubscribe(onMessage) };
}

async function settle(promise: Promise<unknown>): Promise<void> {
  await promise.catch(() => {});
}

describe('audguard:decision', () => {
  let audit: ReturnType<typeof listen<DecisionEvent>>;
  beforeEach(() => {
    audit = listen<DecisionEvent>('audguard:decision');
  });
  afterEach(() => audit.stop());
  const verifier = () => createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.jwk] } });
  const request = (authorization?: string) =>
    new Request(`${AUDIENCE}/orders/7?session=leak&x=1`, authorization ? { headers: { authorization } } : {});

  it('publishes an acceptance with who, what and where — never the token, never the query', async () => {
    const token = await mint(key, { claims: { jti: 'j-1' } });
    await verifier().authenticate(
      new Request(`${AUDIENCE}/orders/7?x=1`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(audit.events).toEqual([
      {
        outcome: 'accepted',
        issuer: ISSUER,
        client: 'client-1',
        subject: 'user-1',
        audience: [AUDIENCE],
        jti: 'j-1',
        scopes: ['orders:read', 'orders:write'],
        method: 'GET',
        path: '/orders/7',
      },
    ]);
    expect(JSON.stringify(audit.events)).not.toContain(token.split('.')[2]);
  });

  it('publishes refusals with their reason and status; claims only when the signature was verified', async () => {
    const v = verifier();
    await settle(v.authenticate(request('Bearer not.a.jwt')));
    await settle(
      v.authenticate(request(`Bearer ${await mint(key, { claims: { aud: 'https://other.example' } })}`)),
    );
    await settle(v.authenticate(request()));
    const [forged, foreign, missing] = audit.events;
    expect(forged).toEqual({
      outcome: 'refused',
      reason: 'malformed_token',
      status: 401,
      detail: expect.any(String),
      method: 'GET',
      path: '/orders/7',
    });
    expect(foreign).toMatchObject({
      outcome: 'refused',
      reason: 'audience_mismatch',
      issuer: ISSUER,
      audience: ['https://other.example'],
    });
    expect(missing).toMatchObject({ outcome: 'refused', reason: 'missing_token', status: 401 });
    expect(JSON.stringify(audit.events)).not.toMatch(/leak/);
  });

  it('publishes insufficient scope with the scopes the token had, and anonymous passes', async () => {
    const v = verifier();
    await settle(v.verify(await mint(key), { scopes: ['orders:admin'] }));
    await v.authenticate(request(), { credentialsRequired: false });
    expect(audit.events[0]).toMatchObject({
      outcome: 'refused',
      reason: 'insufficient_scope',
      status: 403,
      scopes: ['orders:read', 'orders:write'],
    });
    expect(audit.events[1]).toEqual({ outcome: 'anonymous', method: 'GET', path: '/orders/7' });
  });
});

describe('audguard:keys and warnings', () => {
  let server: JwksServer;
  let keys: ReturnType<typeof listen<KeysEvent>>;
  let warn: ReturnType<typeof vi.spyOn>;
  beforeEach(async () => {
    server = await startJwksServer();
    keys = listen<KeysEvent>('audguard:keys');
    resetWarnings();
    warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
  });
  afterEach(async () => {
    keys.stop();
    warn.mockRestore();
    await server.close();
  });
  const warnings = (code: string) =>
    warn.mock.calls.filter((call: unknown[]) => (call[1] as { code?: string })?.code === code);

  it('publishes each fetch, and warns once when a jwksUri answers 404 (a 503 to clients)', async () => {
    server.route('/jwks', json({ keys: [key.jwk] }));
    const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri: server.url('/jwks') });
    await v.verify(await mint(key));
    expect(keys.events).toEqual([{ type: 'fetched', url: server.url('/jwks'), keys: 1 }]);

    const broken = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: server.url('/typo'),
      jwksOptions: { errorBackoffMs: 0 },
    });
    for (let i = 0; i < 3; i++) {
      expect((await refusal(broken.verify(await mint(key)))).status).toBe(503);
    }
    expect(keys.events.filter((e) => e.type === 'fetch_failed')).toHaveLength(3);
    const [once, ...more] = warnings('AUDGUARD_KEYS_UNAVAILABLE');
    expect(more).toEqual([]);
    expect(once?.[1]).toMatchObject({
      type: 'AudguardWarning',
      detail: expect.stringMatching(/answered 404/),
    });
  });

  it('warns once about an issuer that differs from the configured one by a trailing slash', async () => {
    const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.jwk] } });
    for (let i = 0; i < 3; i++) {
      const error = await refusal(v.verify(await mint(key, { claims: { iss: `${ISSUER}/` } })));
      // The client still gets the plain refusal; the explanation is for the operator.
      expect(error).toMatchObject({ status: 401, reason: 'unknown_issuer' });
      expect(error.description).not.toMatch(/slash/);
    }
    const [once, ...more] = warnings('AUDGUARD_ISSUER_NEAR_MISS');
    expect(more).toEqual([]);
    expect(once?.[1]).toMatchObject({ detail: expect.stringMatching(/only by a trailing slash/) });
  });

  it('warns once about an audience that differs from this API’s by the scheme or case', async () => {
    const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.jwk] } });
    const upper = AUDIENCE.replace('orders', 'Orders').replace('https:', 'http:');
    await settle(v.verify(await mint(key, { claims: { aud: upper } })));
    await settle(v.verify(await mint(key, { claims: { aud: upper } })));
    const calls = warnings('AUDGUARD_AUDIENCE_NEAR_MISS');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[1]).toMatchObject({
      detail: expect.stringMatching(/only by the scheme and letter case/),
    });
  });
});

describe('nearMiss', () => {
  it('names what differs, and only for near misses', () => {
    expect(nearMiss('https://as.example.com/', 'https://as.example.com')).toBe('a trailing slash');
    expect(nearMiss('http://as.example.com', 'https://as.example.com')).toBe('the scheme');
    expect(nearMiss('https://AS.example.com', 'https://as.example.com')).toBe('letter case');
    expect(nearMiss('https://evil.example.com', 'https://as.example.com')).toBeUndefined();
    expect(nearMiss('https://as.example.com', 'https://as.example.com')).toBeUndefined();
  });
});
