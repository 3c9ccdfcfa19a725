import { describe, expect, it } from 'vitest';
import { authorizeUrl, CALLBACK, create, formBody, ISSUER, pkce, token, verify } from '../../test/helpers.js';

type AS = Awaited<ReturnType<typeof create>>;

/** Each server's browser: the cookie its login page set, sent back as a browser would. */
const browsers = new WeakMap<AS, string>();

/** Opens the consent page (as the test's browser) and reads its hidden fields. */
async function openPage(as: AS, state = 'abc') {
  const { verifier, challenge } = pkce();
  const request = new Request(
    authorizeUrl(as, {
      response_type: 'code',
      client_id: 'client',
      redirect_uri: CALLBACK,
      scope: 'read offline_access',
      resource: 'urn:invoices',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }),
  );
  const held = browsers.get(as);
  if (held !== undefined) request.headers.set('cookie', held);
  const res = await as.fetch(request);
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (cookie !== undefined) browsers.set(as, cookie);
  const html = await res.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  return { html, verifier, interaction: field('interaction'), csrf: field('csrf_token') };
}

/** Posts the form from the test's browser (its cookie, the issuer's origin). */
async function submit(as: AS, fields: Record<string, string | undefined>) {
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Origin: new URL(as.issuer).origin,
  };
  const cookie = browsers.get(as);
  if (cookie !== undefined) headers.Cookie = cookie;
  const res = await as.fetch(
    new Request(`${as.issuer}/authorize/consent`, { method: 'POST', headers, body: formBody(fields) }),
  );
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('POST /authorize/consent', () => {
  it('signs in, approves and redirects (303) with code, state and iss; the code redeems for the user', async () => {
    const as = await create({ autoApprove: false });
    const page = await openPage(as);
    const res = await submit(as, {
      interaction: page.interaction,
      csrf_token: page.csrf,
      username: 'alice',
      password: 'wonderland',
      decision: 'approve',
    });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('state')).toBe('abc');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    const code = location.searchParams.get('code') ?? '';
    const tokens = await token(
      as,
      { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: page.verifier },
      ['client', 'secret'],
    );
    expect(tokens.status).toBe(200);
    expect((await verify(as, tokens.body.access_token)).payload).toMatchObject({
      sub: 'user-alice',
      aud: 'urn:invoices',
    });
  });

  it('requires the CSRF token', async () => {
    const as = await create({ autoApprove: false });
    const page = await openPage(as);
    const res = await submit(as, {
      interaction: page.interaction,
      username: 'alice',
      password: 'wonderland',
      decision: 'approve',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses a wrong CSRF token, which does not spend the genuine form', async () => {
    const as = await create({ autoApprove: false });
    const page = await openPage(as);
    const fields = {
      interaction: page.interaction,
      username: 'alice',
      password: 'wonderland',
      decision: 'approve',
    };
    expect((await submit(as, { ...fields, csrf_token: `${page.csrf.slice(1)}x` })).status).toBe(400);
    expect((await submit(as, { ...fields, csrf_token: page.csrf })).status).toBe(303);
  });

  it('refuses a CSRF token from another pending authorization', async () => {
    const as = await create({ autoApprove: false });
    const mine = await openPage(as);
    const other = await openPage(as);
    const res = await submit(as, {
      interaction: mine.interaction,
      csrf_token: other.csrf,
      username: 'alice',
      password: 'wonderland',
      decision: 'approve',
    });
    expect(res.status).toBe(400);
  });

  it('accepts a form once only', async () => {
    const as = await create({ autoApprove: false });
    const page = await openPage(as);
    const fields = {
      interaction: page.interaction,
      csrf_token: page.csrf,
      username: 'alice',
      password: 'wonderland',
      decision: 'approve',
    };
    expect((await submit(as, fields)).status).toBe(303);
    const again = await submit(as, fields);
    expect(again.status).toBe(400);
    expect(again.text).toContain('already used');
  });

  it('refuses an expired page', async () => {
    let now = Date.now();
    const as = await create({ autoApprove: false, now: () => now, interactionLifetime: 60 });
    const page = await openPage(as);
    now += 60_000;
    const res = await submit(as, {
      interaction: page.interaction,
      csrf_token: page.csrf,
      username: 'alice',
      password: 'wonderland',
      decision: 'approve',
    });
    expect(res.status).toBe(400);
  });

  it('shows the form again with a fresh token after a wrong password', async () => {
    const as = await create({ autoApprove: false });
    const page = await openPage(as);
    const res = await submit(as, {
      interaction: page.interaction,
      csrf_token: page.csrf,
      username: 'alice',
      password: 'nope',
      decision: 'approve',
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Wrong username or password.');
    const csrf = /name="csrf_token" value="([^"]*)"/.exec(res.text)?.[1] ?? '';
    const interaction = /name="interaction" value="([^"]*)"/.exec(res.text)?.[1] ?? '';
    expect(csrf).not.toBe(page.csrf);
    const retry = await submit(as, {
      interaction,
      csrf_token: csrf,
      username: 'alice',
      password: 'wonderland',
      decision: 'approve',
    });
    expect(retry.status).toBe(303);
    expect(new URL(retry.headers.get('location') ?? '').searchParams.get('state')).toBe('abc');
  });

  it('escapes what the user typed when showing the form again', async () => {
    const as = await create({ autoApprove: false });
    const page = await openPage(as);
    const res = await submit(as, {
      interaction: page.interaction,
      csrf_token: page.csrf,
      username: '"><script>x</script>',
      password: 'nope',
      decision: 'approve',
    });
    expect(res.text).not.toContain('<script>');
    expect(res.text).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('redirects access_denied with state and iss when the user denies', async () => {
    const as = await create({ autoApprove: false });
    const page = await openPage(as, 'st8');
    const res = await submit(as, { interaction: page.interaction, csrf_token: page.csrf, decision: 'deny' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st8');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
  });

  it('refuses a body that is not form-encoded with a 400 page', async () => {
    const as = await create({ autoApprove: false });
    const res = await as.fetch(
      new Request(`${ISSUER}/authorize/consent`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
