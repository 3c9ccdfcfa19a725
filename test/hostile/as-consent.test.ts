/**
 * POST /authorize/consent under abuse: forged or malformed submissions (no or unknown interaction, no or wrong CSRF
 * token, repeated fields, wrong content types, huge bodies) get the error page and no code; a submitted form cannot be
 * replayed; deny redirects access_denied to the registered URI.
 */
import type { AuthorizationServer } from '@audguard/authorization-server';
import { describe, expect, it } from 'vitest';
import {
  authorizeParams,
  authorizeRequest,
  CALLBACK,
  expectErrorPage,
  expectErrorRedirect,
  FORM_TYPE,
  type FormInit,
  MAX_BODY,
  pkce,
  post,
  rawPost,
  send,
  setup,
} from './as-helpers.js';

describe('POST /authorize/consent: forged and malformed submissions', () => {
  /** A pending authorization (autoApprove off): its interaction id and CSRF token, read from the page. */
  async function pending(as: AuthorizationServer) {
    const { challenge } = pkce();
    const page = await send(as, authorizeRequest(authorizeParams(challenge)));
    expect(page.status).toBe(200);
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page.text)?.[1] ?? '';
    return { interaction: field('interaction'), csrf_token: field('csrf_token') };
  }
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
    expectErrorPage(await send(as, rawPost('/authorize/consent', body(), headers)), status);
    expect(store.size).toBe(before);
  });

  it('a submitted form cannot be replayed, and a wrong password issues no code', async () => {
    const { as, store } = await setup({ autoApprove: false });
    const p = await pending(as);
    const before = store.size;
    const wrong = await post(as, '/authorize/consent', { ...approve, ...p, password: 'guess' });
    expect(wrong.status).toBe(200);
    expect(wrong.headers.get('location')).toBeNull();
    // The one write: the counter that makes each form of this pending login single-use.
    expect(store.size).toBe(before + 1);
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
