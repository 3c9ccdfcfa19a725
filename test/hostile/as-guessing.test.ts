/**
 * Password and client-secret guessing is stopped after the stated number of attempts (issue 15, finding 2). A wrong
 * password used to show the form again with a fresh pending request, so one GET started an endless chain (2,000
 * wrong passwords answered 200, the 2,001st got a code), and client secrets at /token and /revoke were unthrottled.
 *
 * The rules (DEFAULTS.attemptLimits): a login page allows 5 password attempts; 5 failed sign-ins per username and 100
 * per client in a 15-minute window lock that username or client until the window ends (429 + Retry-After); 20 failed
 * client authentications per client id in a window lock it at /token and /revoke (429 `invalid_client` +
 * Retry-After). Attempts are reserved in the store before a password or secret is checked, so concurrent guesses
 * cannot slip past a limit. Passwords are kept as scrypt hashes, compared in constant time.
 */
import {
  type AuthorizationServerConfig,
  createAuthorizationServer,
  DEFAULTS,
  hashPassword,
  MemoryStore,
} from '@audguard/authorization-server';
import { describe, expect, it } from 'vitest';
import {
  APPROVE,
  basic,
  CALLBACK,
  CC,
  CLIENT,
  codeOf,
  config,
  expectErrorPage,
  expectErrorRedirect,
  expectOAuthError,
  formFields,
  openForm,
  post,
  type Reply,
  setup,
  submit,
  token,
  WORKER,
} from './as-helpers.js';

const WINDOW = 900;

/** A server on a clock set `offset` seconds into a fresh 15-minute window, and a way to move that clock. */
async function onClock(overrides: Partial<AuthorizationServerConfig> = {}, offset = 100) {
  const windowStart = Math.ceil(Date.now() / (WINDOW * 1000)) * WINDOW * 1000;
  let now = windowStart + offset * 1000;
  const store = new MemoryStore({ sweepIntervalSeconds: 0, now: () => now });
  const as = await createAuthorizationServer(
    config({
      store,
      now: () => now,
      autoApprove: false,
      users: [
        { username: 'alice', password: 'wonderland', subject: 'user-alice' },
        { username: 'bob', password: 'builder', subject: 'user-bob' },
      ],
      ...overrides,
    }),
  );
  return {
    as,
    store,
    /** Moves the clock to the start of the next window. */
    nextWindow: () => {
      now = windowStart + WINDOW * 1000;
    },
  };
}

function expectLocked(reply: Reply, retryAfter: number): void {
  expect(reply.status, reply.text).toBe(429);
  expect(reply.headers.get('retry-after')).toBe(String(retryAfter));
  expect(codeOf(reply)).toBeNull();
}

describe('the stated numbers', () => {
  it('DEFAULTS.attemptLimits: 5 per login page, 5 per user, 100 per client, 20 client authentications, 15 minutes', () => {
    expect(DEFAULTS.attemptLimits).toEqual({
      perInteraction: 5,
      perUser: 5,
      perClient: 100,
      clientAuthentication: 20,
      windowSeconds: 900,
    });
  });
});

describe('POST /authorize/consent: password guessing', () => {
  it('one login page allows 5 attempts: 4 wrong ones show it again, the 5th ends it; the right password then gets no code', async () => {
    const { as } = await setup({ autoApprove: false });
    const opened = await openForm(as);
    const forms = [opened.fields];
    // Different usernames, so this is the page's limit at work, not a user's.
    for (let i = 1; i <= 4; i++) {
      const reply = await submit(
        as,
        { ...APPROVE, username: `guess${i}`, ...forms.at(-1) },
        { cookie: opened.cookie },
      );
      expect(reply.status, reply.text).toBe(200);
      expect(reply.text).toContain('Wrong username or password.');
      forms.push(formFields(reply));
    }
    const fifth = await submit(
      as,
      { ...APPROVE, username: 'guess5', ...forms.at(-1) },
      { cookie: opened.cookie },
    );
    const back = expectErrorRedirect(fifth, 'access_denied', CALLBACK, 303);
    expect(back.get('error_description')).toContain('Too many failed sign-in attempts');
    for (const fields of forms) {
      const reply = await submit(as, { ...APPROVE, ...fields }, { cookie: opened.cookie });
      expectErrorPage(reply);
      expect(codeOf(reply)).toBeNull();
    }
  });

  it('5 wrong passwords for a username lock it until the window ends (429, Retry-After); other users still sign in; then it works', async () => {
    const { as, nextWindow } = await onClock();
    for (let i = 0; i < 5; i++) {
      const form = await openForm(as);
      const reply = await submit(
        as,
        { ...APPROVE, password: `guess${i}`, ...form.fields },
        { cookie: form.cookie },
      );
      expect(reply.status).toBe(200);
    }
    const locked = await openForm(as);
    const reply = await submit(as, { ...APPROVE, ...locked.fields }, { cookie: locked.cookie });
    expectLocked(reply, 800);
    expect(reply.text).toContain('Too many failed sign-ins');
    // The page is shown again (its next attempt), still bound to the browser.
    expect(formFields(reply).interaction).not.toBe('');

    const bob = await openForm(as);
    const ok = await submit(
      as,
      { ...APPROVE, username: 'bob', password: 'builder', ...bob.fields },
      { cookie: bob.cookie },
    );
    expect(ok.status, ok.text).toBe(303);

    nextWindow();
    const later = await openForm(as);
    const again = await submit(as, { ...APPROVE, ...later.fields }, { cookie: later.cookie });
    expect(again.status, again.text).toBe(303);
    expect(codeOf(again)).not.toBeNull();
  });

  it('an unknown username is counted like a known one: locked after 5, with the same answer', async () => {
    const { as } = await onClock();
    const replies: Reply[] = [];
    for (let i = 0; i < 6; i++) {
      const form = await openForm(as);
      replies.push(
        await submit(as, { ...APPROVE, username: 'nobody', ...form.fields }, { cookie: form.cookie }),
      );
    }
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('30 concurrent wrong passwords for one user, on 30 pages: exactly 5 are checked, 25 get 429', async () => {
    const { as } = await onClock();
    const forms = await Promise.all(Array.from({ length: 30 }, () => openForm(as)));
    const replies = await Promise.all(
      forms.map((form, i) =>
        submit(as, { ...APPROVE, password: `guess${i}`, ...form.fields }, { cookie: form.cookie }),
      ),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(5);
    expect(replies.filter((r) => r.status === 429)).toHaveLength(25);
    const last = await openForm(as);
    expectLocked(await submit(as, { ...APPROVE, ...last.fields }, { cookie: last.cookie }), 800);
  });

  it('failed sign-ins through one client (any usernames) lock sign-in through it at the limit; another client still signs in', async () => {
    const { as } = await onClock({ attemptLimits: { perClient: 8 } });
    for (let i = 0; i < 8; i++) {
      const form = await openForm(as);
      const reply = await submit(
        as,
        { ...APPROVE, username: `user${i}`, ...form.fields },
        { cookie: form.cookie },
      );
      expect(reply.status).toBe(200);
    }
    const locked = await openForm(as);
    expectLocked(await submit(as, { ...APPROVE, ...locked.fields }, { cookie: locked.cookie }), 800);
    const spa = await openForm(as, { client_id: 'spa' });
    const ok = await submit(as, { ...APPROVE, ...spa.fields }, { cookie: spa.cookie });
    expect(ok.status, ok.text).toBe(303);
  });
});

describe('client secrets at /token and /revoke', () => {
  const wrong = ['client', 'not-the-secret'] as const;

  it('20 wrong secrets are answered 401; then even the right one gets 429 invalid_client with Retry-After, until the window ends', async () => {
    const { as, nextWindow } = await onClock({ autoApprove: 'user-alice' });
    for (let i = 0; i < 20; i++) expectOAuthError(await token(as, CC, wrong), 401, 'invalid_client');
    const locked = await token(as, CC, CLIENT);
    expectOAuthError(locked, 429, 'invalid_client');
    expect(locked.headers.get('retry-after')).toBe('800');
    expect(locked.json?.access_token).toBeUndefined();
    // Per client id: another client is not affected.
    expect((await token(as, CC, WORKER)).status).toBe(200);
    nextWindow();
    expect((await token(as, CC, CLIENT)).status).toBe(200);
  });

  it('client_secret_post and /revoke count against the same client', async () => {
    const { as } = await onClock({ autoApprove: 'user-alice' });
    for (let i = 0; i < 10; i++) {
      expectOAuthError(
        await post(as, '/revoke', { token: 'x', client_id: 'client', client_secret: `guess${i}` }),
        401,
        'invalid_client',
      );
      expectOAuthError(
        await token(as, { ...CC, client_id: 'client', client_secret: 'x' }, null),
        401,
        'invalid_client',
      );
    }
    expectOAuthError(await post(as, '/revoke', { token: 'x' }, { auth: CLIENT }), 429, 'invalid_client');
    expectOAuthError(await token(as, CC, CLIENT), 429, 'invalid_client');
  });

  it('40 concurrent wrong secrets: exactly 20 are compared (401), 20 get 429', async () => {
    const { as } = await onClock({ autoApprove: 'user-alice' });
    const replies = await Promise.all(Array.from({ length: 40 }, () => token(as, CC, wrong)));
    expect(replies.filter((r) => r.status === 401)).toHaveLength(20);
    expect(replies.filter((r) => r.status === 429)).toHaveLength(20);
  });

  it('unknown client ids and public clients are not counted: nothing is stored for them', async () => {
    const { as, store } = await onClock({ autoApprove: 'user-alice' });
    for (let i = 0; i < 30; i++) {
      expectOAuthError(await token(as, CC, ['nobody', 'x']), 401, 'invalid_client');
      expectOAuthError(
        await post(as, '/revoke', { token: 'x' }, { headers: { authorization: basic('spa', 'x') } }),
        401,
        'invalid_client',
      );
    }
    expect(store.size).toBe(0);
  });
});

describe('passwords are kept as scrypt hashes', () => {
  const PHC = /^\$scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/;

  it('hashPassword gives a PHC string (salted: two hashes of one password differ); a user configured with it signs in', async () => {
    const passwordHash = await hashPassword('wonderland');
    expect(passwordHash).toMatch(PHC);
    expect(await hashPassword('wonderland')).not.toBe(passwordHash);
    const { as } = await setup({
      autoApprove: false,
      users: [{ username: 'alice', passwordHash, subject: 'user-alice' }],
    });
    const wrongForm = await openForm(as);
    const wrong = await submit(
      as,
      { ...APPROVE, password: passwordHash, ...wrongForm.fields },
      { cookie: wrongForm.cookie },
    );
    expect(wrong.status).toBe(200);
    const form = await openForm(as);
    const reply = await submit(as, { ...APPROVE, ...form.fields }, { cookie: form.cookie });
    expect(reply.status, reply.text).toBe(303);
  });

  it('a cheaper or costlier hash (cost = log2 N) is honoured', async () => {
    const passwordHash = await hashPassword('wonderland', { cost: 10 });
    expect(passwordHash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    const { as } = await setup({ autoApprove: false, users: [{ username: 'alice', passwordHash }] });
    const form = await openForm(as);
    expect((await submit(as, { ...APPROVE, ...form.fields }, { cookie: form.cookie })).status).toBe(303);
  });

  it.each<[string, Record<string, unknown>]>([
    [
      'both password and passwordHash',
      {
        username: 'a',
        password: 'p',
        passwordHash:
          '$scrypt$ln=14,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      },
    ],
    ['neither', { username: 'a' }],
    [
      'a bcrypt hash',
      { username: 'a', passwordHash: '$2b$10$abcdefghijklmnopqrstuu5H3lJ0D5aQhS0p0o0kNqJ1V8d7cF2Wy' },
    ],
    [
      'a cost beyond 256 MiB',
      {
        username: 'a',
        passwordHash:
          '$scrypt$ln=20,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      },
    ],
  ])('%s: a configuration error naming the user', async (_name, user) => {
    await expect(
      createAuthorizationServer(config({ users: [user as never], autoApprove: false })),
    ).rejects.toThrow(/^users\[0\]\.password(Hash)?: /);
  });
});
