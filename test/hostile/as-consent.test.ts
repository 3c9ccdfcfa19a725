/**
 * POST /authorize/consent under abuse: forged or malformed submissions (no or unknown interaction, no or wrong CSRF
 * token, repeated fields, wrong content types, huge bodies) get the error page and no code; a submitted form cannot be
 * replayed; deny redirects access_denied to the registered URI.
 */
import type { AuthorizationServer } from '@audguard/authorization-server';
import { describe, expect, it } from 'vitest';
import {
  CALLBACK,
  expectErrorPage,
  expectErrorRedirect,
  FORM_TYPE,
  type FormInit,
  MAX_BODY,
  openForm,
  post as postForm,
  rawPost,
  send,
  setup,
} from './as-helpers.js';

describe('POST /authorize/consent: forged and malformed submissions', () => {
  /**
   * A pending authorization (autoApprove off): its signed pending request and CSRF token, read from the page. The
   * test's browser keeps the cookie the page set and sends it with every post below, so each post reaches the
   * check it is about (a post without it is the cross-site suite's subject, as-cross-site.test.ts).
   */
  let cookie: string | undefined;
  async function pending(as: AuthorizationServer) {
    const opened = await openForm(as);
    cookie = opened.cookie;
    return opened.fields;
  }
  const post = (as: AuthorizationServer, path: string, body: FormInit) =>
    postForm(as, path, body, cookie === undefined ? {} : { headers: { cookie } });
  const approve = { decision: 'approve', username: 'alice', password: 'wonderland' };

  it.each<[string, (p: { interaction: string; csrf_token: string }) => FormInit]>([
    ['no interaction', (p) => ({ ...approve, csrf_token: p.csrf_token })],
    ['an unknown interaction', (p) => ({ ...approve, interaction: 'x', csrf_token: p.csrf_token })],
    ['no CSRF token', (p) => ({ ...approve, interaction: p.interaction })],
    ['a wrong CSRF token', (p) => ({ ...approve, interaction: p.interaction, csrf_token: 'forged' })],
    ['a repeated field', (p) => ({ ...approve, ...p, decision: ['approve', 'approve'] })],
    ['no decision', (p) => ({ username: 'alice', password: 'wonderland', ...p })],
    ['an unknown decision', (p) => ({ ...approve, ...p, decision: 'maybe' })],
  ])('%s: 400 page, no redirect, no code, store does not grow', async (_name, body) => {
    const { as, store } = await setup({ autoApprove: false });
    const p = await pending(as);
    const before = store.size;
    expectErrorPage(await post(as, '/authorize/consent', body(p)));
    expect(store.size).toBeLessThanOrEqual(before);
  });

  it.each<[string, () => BodyInit, Record<string, string>, number]>([
    ['JSON', () => JSON.stringify(approve), { 'content-type': 'application/json' }, 400],
    ['multipart', () => new FormData(), {}, 400],
    ['no content type', () => new Blob(['decision=approve']), {}, 400],
    [
      'a body over 64 KiB',
      () => `decision=approve&x=${'a'.repeat(MAX_BODY)}`,
      { 'content-type': FORM_TYPE },
      413,
    ],
  ])('%s: error page (%#), no redirect', async (_name, body, headers, status) => {
    const { as, store } = await setup({ autoApprove: false });
    await pending(as);
    const before = store.size;
    expectErrorPage(
      await send(
        as,
        rawPost('/authorize/consent', body(), cookie === undefined ? headers : { ...headers, cookie }),
      ),
      status,
    );
    expect(store.size).toBe(before);
  });

  it('a submitted form cannot be replayed, and a wrong password issues no code', async () => {
    const { as, store } = await setup({ autoApprove: false });
    const p = await pending(as);
    const before = store.size;
    const wrong = await post(as, '/authorize/consent', { ...approve, ...p, password: 'guess' });
    expect(wrong.status).toBe(200);
    expect(wrong.headers.get('location')).toBeNull();
    // The writes: the counter that makes each form of this pending login single-use, and the sign-in attempts
    // counted against the username and the client (as-guessing.test.ts).
    expect(store.size).toBe(before + 3);
    // The first form died with its first submission.
    expectErrorPage(await post(as, '/authorize/consent', { ...approve, ...p }));
  });

  it('deny redirects access_denied to the registered URI and issues no code', async () => {
    const { as, store } = await setup({ autoApprove: false });
    const p = await pending(as);
    const before = store.size;
    const reply = await post(as, '/authorize/consent', { ...p, decision: 'deny' });
    expectErrorRedirect(reply, 'access_denied', CALLBACK, 303);
    expect(store.size).toBe(before + 1);
  });
});
