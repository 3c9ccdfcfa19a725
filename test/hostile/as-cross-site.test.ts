/**
 * The login and consent form is bound to the browser that began the flow (issue 15, finding 3). An attacker who
 * opens the form in their own browser and has the victim's browser post it cross-site used to get a 303 with a
 * code. Now `GET /authorize` sets a `SameSite=Lax`, `HttpOnly` cookie (`Secure` and `__Host-` when the issuer is
 * https) whose hash is signed into the pending request, and `POST /authorize/consent` requires that cookie and, when
 * the browser sends `Origin`, the issuer's origin.
 */
import { createAuthorizationServer } from '@audguard/authorization-server';
import { describe, expect, it } from 'vitest';
import {
  APPROVE,
  authorizeParams,
  codeOf,
  config,
  expectErrorPage,
  form,
  ISSUER,
  openForm,
  pkce,
  send,
  setup,
  submit,
} from './as-helpers.js';

const COOKIE = '__Host-audguard-login';

describe('GET /authorize: the login page sets a browser-binding cookie', () => {
  it('https issuer: __Host- cookie, HttpOnly, SameSite=Lax, Secure, Path=/, as long as the page lives', async () => {
    const { as } = await setup({ autoApprove: false });
    const { page, cookie } = await openForm(as);
    const header = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${COOKIE}=[A-Za-z0-9_-]{43}$`));
    const attributes = header
      .split(';')
      .slice(1)
      .map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(
      expect.arrayContaining(['path=/', 'max-age=600', 'httponly', 'samesite=lax', 'secure']),
    );
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
  });

  it('http issuer (local development): no Secure, so no __Host- prefix either', async () => {
    const issuer = 'http://127.0.0.1:8080';
    const as = await createAuthorizationServer(config({ issuer, autoApprove: false }));
    const { challenge } = pkce();
    const page = await send(as, new Request(`${issuer}/authorize?${form(authorizeParams(challenge))}`));
    const header = page.headers.get('set-cookie') ?? '';
    expect(header).toMatch(/^audguard-login=[A-Za-z0-9_-]{43}; /);
    expect(header.toLowerCase()).not.toContain('secure');
    expect(header.toLowerCase()).toContain('samesite=lax');
    expect(header.toLowerCase()).toContain('httponly');
  });

  it('a browser that already holds the cookie keeps it: two tabs, two flows, both succeed', async () => {
    const { as } = await setup({ autoApprove: false });
    const first = await openForm(as, { state: 'tab1' });
    const second = await openForm(as, { state: 'tab2' }, first.cookie);
    expect(second.cookie).toBe(first.cookie);
    for (const [tab, state] of [
      [first, 'tab1'],
      [second, 'tab2'],
    ] as const) {
      const reply = await submit(as, { ...APPROVE, ...tab.fields }, { cookie: tab.cookie, origin: ISSUER });
      expect(reply.status, reply.text).toBe(303);
      expect(new URL(reply.headers.get('location') ?? '').searchParams.get('state')).toBe(state);
    }
  });

  it('a malformed cookie is replaced by a fresh one', async () => {
    const { as } = await setup({ autoApprove: false });
    const { cookie } = await openForm(as, {}, `${COOKIE}=short`);
    expect(cookie).toMatch(new RegExp(`^${COOKIE}=[A-Za-z0-9_-]{43}$`));
  });

  it('autoApprove sets no cookie (there is no form)', async () => {
    const { as } = await setup();
    const { challenge } = pkce();
    const reply = await send(as, new Request(`${ISSUER}/authorize?${form(authorizeParams(challenge))}`));
    expect(reply.status).toBe(302);
    expect(reply.headers.get('set-cookie')).toBeNull();
  });
});

describe('POST /authorize/consent: only the browser that began the flow', () => {
  it('a cross-site POST of a form the attacker opened (no cookie: SameSite=Lax keeps it home) gets 403, no code', async () => {
    const { as, store } = await setup({ autoApprove: false });
    const attacker = await openForm(as);
    const before = store.size;
    const reply = await submit(
      as,
      { ...APPROVE, ...attacker.fields },
      { origin: 'https://evil.example.com' },
    );
    expectErrorPage(reply, 403);
    expect(codeOf(reply)).toBeNull();
    const noOrigin = await submit(as, { ...APPROVE, ...attacker.fields });
    expectErrorPage(noOrigin, 403);
    expect(store.size).toBe(before);
  });

  it('the form posted with another browser’s cookie gets 403, no code', async () => {
    const { as } = await setup({ autoApprove: false });
    const attacker = await openForm(as);
    const victim = await openForm(as);
    const reply = await submit(as, { ...APPROVE, ...attacker.fields }, { cookie: victim.cookie });
    expectErrorPage(reply, 403);
    expect(codeOf(reply)).toBeNull();
  });

  it.each([
    'https://evil.example.com',
    'null',
    'https://as.example.com.evil.example.com',
    'http://as.example.com',
  ])('Origin %s is refused (403, no code) even with the right cookie', async (origin) => {
    const { as } = await setup({ autoApprove: false });
    const browser = await openForm(as);
    const reply = await submit(as, { ...APPROVE, ...browser.fields }, { cookie: browser.cookie, origin });
    expectErrorPage(reply, 403);
    expect(codeOf(reply)).toBeNull();
  });

  it('a refused cross-site post does not spend the form: the same browser then succeeds', async () => {
    const { as } = await setup({ autoApprove: false });
    const browser = await openForm(as);
    expectErrorPage(await submit(as, { ...APPROVE, ...browser.fields }), 403);
    const reply = await submit(
      as,
      { ...APPROVE, ...browser.fields },
      { cookie: browser.cookie, origin: ISSUER },
    );
    expect(reply.status, reply.text).toBe(303);
    expect(codeOf(reply)).not.toBeNull();
  });

  it('the cookie is checked for deny too: a cross-site deny gets 403, not an access_denied redirect', async () => {
    const { as } = await setup({ autoApprove: false });
    const attacker = await openForm(as);
    const reply = await submit(as, { ...attacker.fields, decision: 'deny' });
    expectErrorPage(reply, 403);
  });
});
