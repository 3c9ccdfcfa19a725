/**
 * A pending login costs the server nothing until its form is posted (issue 15, finding 1). `GET /authorize` used to
 * store every pending login for the interaction lifetime with no cap: 20,000 requests with a 7.6 KB `state` kept
 * ~8.5 KB each. Now the pending request travels in the form itself, signed (HMAC-SHA256) and expiring; the store is
 * written only when a form is posted (to make it single-use), `state` and `nonce` are bounded, and several instances
 * sharing an `interactionSecret` accept each other's forms.
 */
import { Buffer } from 'node:buffer';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createAuthorizationServer, MemoryStore } from '@audguard/authorization-server';
import { describe, expect, it } from 'vitest';
import {
  APPROVE,
  authorizeParams,
  authorizeRequest,
  CALLBACK,
  codeOf,
  config,
  expectErrorPage,
  expectErrorRedirect,
  openForm,
  pkce,
  send,
  setup,
  submit,
} from './as-helpers.js';

/** The longest `state` and `nonce` the server accepts (characters). */
const MAX_STATE = 2048;
const MAX_NONCE = 512;

// A real collection before each heap reading: without it heapUsed measures garbage, not what the server keeps.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('GET /authorize: a pending login stores nothing', () => {
  // 4,000 pages with the largest state accepted: the old server kept ~3 KB per page here (~12 MB in all).
  const FLOOD = 4000;
  const HEAP_BOUND = 2 * 1024 * 1024;

  it(`a flood of ${FLOOD} authorization requests with a ${MAX_STATE}-character state grows the store by nothing and the heap by < 2 MiB`, async () => {
    const { as, store } = await setup({ autoApprove: false });
    const { challenge } = pkce();
    const state = 's'.repeat(MAX_STATE);
    // Warm up (routing, compiled regular expressions, the HTML template), then measure.
    for (let i = 0; i < 50; i++) await send(as, authorizeRequest(authorizeParams(challenge, { state })));
    const before = heapUsed();
    for (let i = 0; i < FLOOD; i++) {
      const reply = await send(
        as,
        authorizeRequest(authorizeParams(challenge, { state: `${i}${state}`.slice(0, MAX_STATE) })),
      );
      if (reply.status !== 200) throw new Error(`page ${i}: ${reply.status}`);
    }
    const grown = heapUsed() - before;
    expect(store.size).toBe(0);
    expect(grown, `heap grew by ${grown} bytes`).toBeLessThan(HEAP_BOUND);
  });

  it.each<[string, Record<string, string>]>([
    [`a state of ${MAX_STATE + 1} characters`, { state: 'x'.repeat(MAX_STATE + 1) }],
    [`a nonce of ${MAX_NONCE + 1} characters`, { nonce: 'n'.repeat(MAX_NONCE + 1) }],
  ])('%s: refused by redirect (invalid_request), no page, no code, nothing stored', async (_name, params) => {
    const { as, store } = await setup({ autoApprove: false });
    const { challenge } = pkce();
    const reply = await send(as, authorizeRequest(authorizeParams(challenge, params)));
    const back = expectErrorRedirect(reply, 'invalid_request');
    expect(back.get('state')).toBe(params.state ?? 'st4te');
    expect(store.size).toBe(0);
  });

  it('an overlong state is refused with autoApprove too: no code', async () => {
    const { as, store } = await setup();
    const { challenge } = pkce();
    const reply = await send(
      as,
      authorizeRequest(authorizeParams(challenge, { state: 'x'.repeat(MAX_STATE + 1) })),
    );
    expectErrorRedirect(reply, 'invalid_request');
    expect(store.size).toBe(0);
  });

  it(`a state of exactly ${MAX_STATE} characters and a nonce of ${MAX_NONCE} go through, the state intact`, async () => {
    const { as } = await setup({ autoApprove: false });
    const state = `${'a'.repeat(MAX_STATE - 3)}&=#`;
    const form = await openForm(as, { state, nonce: 'n'.repeat(MAX_NONCE) });
    const reply = await submit(as, { ...APPROVE, ...form.fields }, { cookie: form.cookie });
    expect(reply.status, reply.text).toBe(303);
    expect(new URL(reply.headers.get('location') ?? '').searchParams.get('state')).toBe(state);
  });
});

describe('POST /authorize/consent: the signed pending request', () => {
  /** The pending request inside a form, decoded (it is signed, not encrypted: it holds nothing secret). */
  function decode(interaction: string): Record<string, unknown> {
    return JSON.parse(Buffer.from(interaction, 'base64url').toString('utf8')) as Record<string, unknown>;
  }
  function encode(value: unknown): string {
    return Buffer.from(JSON.stringify(value)).toString('base64url');
  }

  it('an edited pending request (another redirect URI, state or scope; signature kept) is refused, no code', async () => {
    const { as } = await setup({ autoApprove: false });
    const form = await openForm(as);
    const pending = decode(form.fields.interaction);
    const request = pending.request as Record<string, unknown>;
    for (const edited of [
      { ...pending, request: { ...request, redirectUri: 'https://evil.example.com/cb' } },
      { ...pending, request: { ...request, state: 'other' } },
      { ...pending, request: { ...request, scopes: ['read', 'write'] } },
      { ...pending, expiresAt: Number(pending.expiresAt) + 3_600_000 },
    ]) {
      const reply = await submit(
        as,
        { ...APPROVE, ...form.fields, interaction: encode(edited) },
        { cookie: form.cookie },
      );
      expectErrorPage(reply);
    }
    // The genuine form still works: a forger cannot spend it.
    const reply = await submit(as, { ...APPROVE, ...form.fields }, { cookie: form.cookie });
    expect(reply.status).toBe(303);
    expect(codeOf(reply)).not.toBeNull();
  });

  it('a form is accepted once: of 10 concurrent posts of one form exactly one gets a code', async () => {
    const { as } = await setup({ autoApprove: false });
    const form = await openForm(as);
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => submit(as, { ...APPROVE, ...form.fields }, { cookie: form.cookie })),
    );
    expect(replies.filter((reply) => codeOf(reply) !== null)).toHaveLength(1);
    for (const reply of replies.filter((r) => r.status !== 303)) expectErrorPage(reply);
  });

  it('posting a form writes one counter, which expires with the form', async () => {
    let now = Date.now();
    const store = new MemoryStore({ sweepIntervalSeconds: 0, now: () => now });
    const as = await createAuthorizationServer(
      config({ store, autoApprove: false, now: () => now, interactionLifetime: 120 }),
    );
    const form = await openForm(as);
    expect(store.size).toBe(0);
    now += 30_000;
    const denied = await submit(as, { ...form.fields, decision: 'deny' }, { cookie: form.cookie });
    expectErrorRedirect(denied, 'access_denied', CALLBACK, 303);
    expect(store.size).toBe(1);
    // Still refused while the form lives; the counter goes when the form would have expired (90 s later).
    now += 89_000;
    store.sweep();
    expect(store.size).toBe(1);
    expectErrorPage(await submit(as, { ...form.fields, decision: 'deny' }, { cookie: form.cookie }));
    now += 1_000;
    store.sweep();
    expect(store.size).toBe(0);
  });

  it('instances sharing interactionSecret and store accept each other’s forms; their own random secrets do not', async () => {
    const store = new MemoryStore({ sweepIntervalSeconds: 0 });
    const interactionSecret = 'a shared secret of at least 32 bytes, e.g. from a vault';
    const shared = { store, autoApprove: false, interactionSecret } as const;
    const a = await createAuthorizationServer(config(shared));
    const b = await createAuthorizationServer(config(shared));
    const form = await openForm(a);
    const reply = await submit(b, { ...APPROVE, ...form.fields }, { cookie: form.cookie });
    expect(reply.status, reply.text).toBe(303);
    // Single use holds across instances: the same form posted to the first one is refused.
    expectErrorPage(await submit(a, { ...APPROVE, ...form.fields }, { cookie: form.cookie }));

    const c = await createAuthorizationServer(config({ store, autoApprove: false }));
    const d = await createAuthorizationServer(config({ store, autoApprove: false }));
    const other = await openForm(c);
    expectErrorPage(await submit(d, { ...APPROVE, ...other.fields }, { cookie: other.cookie }));
  });

  it.each<[string, unknown]>([
    ['a secret shorter than 32 bytes', 'too short'],
    ['a number', 42],
  ])('interactionSecret: %s is a configuration error naming the field', async (_name, interactionSecret) => {
    await expect(
      createAuthorizationServer(config({ interactionSecret: interactionSecret as string })),
    ).rejects.toThrow(/^interactionSecret: /);
  });
});
