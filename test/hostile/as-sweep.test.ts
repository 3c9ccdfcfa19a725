/**
 * The authorization server under a seeded fast-check sweep: valid requests for each endpoint edited (parameters
 * dropped, repeated, changed, added), random parameters, text and bytes, with random content types and client
 * authentication. No reply is a 5xx, every reply is `no-store` JSON or HTML, a redirect goes only to a registered
 * URI, and a refused request stores nothing. Seeds and run counts are fixed per property.
 */
import type { AuthorizationServer } from '@audguard/authorization-server';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  authorize,
  authorizeParams,
  authorizeRequest,
  basic,
  CALLBACK,
  CC,
  CLIENT,
  FORM_TYPE,
  GatedStore,
  ISSUER,
  OTHER_CALLBACK,
  pkce,
  REGISTERED,
  type Reply,
  send,
  setup,
  setupWith,
  tokens,
  WORKER,
} from './as-helpers.js';

describe('randomized sweep (fast-check, seeded)', () => {
  const names = [
    'grant_type',
    'client_id',
    'client_secret',
    'code',
    'code_verifier',
    'redirect_uri',
    'refresh_token',
    'scope',
    'resource',
    'token',
    'token_type_hint',
    'response_type',
    'code_challenge',
    'code_challenge_method',
    'state',
    'interaction',
    'csrf_token',
    'decision',
    'username',
    'password',
    '__proto__',
    'constructor',
  ];
  type Pairs = [string, string][];

  // Single-use values (codes, refresh tokens, consent forms) are placeholders, replaced by fresh ones on each run
  // that uses them, so every run can reach past the lookup into the handler's later checks.
  const CODE = 'xCODEx';
  const VERIFIER = 'xVERIFIERx';
  const REFRESH = 'xREFRESHx';
  const ACCESS = 'xACCESSx';
  const INTERACTION = 'xINTERACTIONx';
  const CSRF = 'xCSRFx';
  const { challenge } = pkce();

  const values = [
    'authorization_code',
    'client_credentials',
    'refresh_token',
    'client',
    'spa',
    'worker',
    'secret',
    CODE,
    VERIFIER,
    challenge,
    'S256',
    'plain',
    'code',
    'token',
    CALLBACK,
    OTHER_CALLBACK,
    'https://evil.example.com/',
    'read',
    'read write offline_access',
    'orders:read',
    'urn:invoices',
    'urn:products',
    'https://orders.example.com',
    ACCESS,
    REFRESH,
    'access_token',
    'approve',
    'deny',
    'alice',
    'wonderland',
    INTERACTION,
    CSRF,
  ];

  /** Valid requests per endpoint (client authentication is added separately), which the generators mutate. */
  const valid: Record<string, Pairs[]> = {
    '/token': [
      Object.entries(CC),
      [
        ['grant_type', 'authorization_code'],
        ['code', CODE],
        ['redirect_uri', CALLBACK],
        ['code_verifier', VERIFIER],
      ],
      [
        ['grant_type', 'refresh_token'],
        ['refresh_token', REFRESH],
      ],
    ],
    '/revoke': [
      [
        ['token', ACCESS],
        ['token_type_hint', 'access_token'],
      ],
      [['token', REFRESH]],
    ],
    '/authorize': [Object.entries(authorizeParams(challenge)) as Pairs],
    '/authorize/consent': [
      [
        ['interaction', INTERACTION],
        ['csrf_token', CSRF],
        ['decision', 'approve'],
        ['username', 'alice'],
        ['password', 'wonderland'],
      ],
    ],
  };

  /** The cookie of the last login page `fill` opened: the sweep posts consent forms as that page's browser. */
  let browserCookie: string | undefined;

  /** Replaces the placeholders in `text` with fresh single-use values from `as` (the consent ones, or the others). */
  async function fill(as: AuthorizationServer, text: string, consent = false): Promise<string> {
    let out = text;
    if (consent) {
      if (!out.includes(INTERACTION) && !out.includes(CSRF)) return out;
      const page = await send(as, authorizeRequest(authorizeParams(challenge)));
      browserCookie = page.headers.get('set-cookie')?.split(';')[0];
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page.text)?.[1] ?? '';
      return out.replaceAll(INTERACTION, field('interaction')).replaceAll(CSRF, field('csrf_token'));
    }
    if (out.includes(CODE) || out.includes(VERIFIER)) {
      const { code, verifier } = await authorize(as);
      out = out.replaceAll(CODE, code).replaceAll(VERIFIER, verifier);
    }
    if (out.includes(REFRESH) || out.includes(ACCESS)) {
      const issued = await tokens(as);
      out = out.replaceAll(REFRESH, issued.refresh).replaceAll(ACCESS, issued.access);
    }
    return out;
  }

  const headerChar = fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c));
  const headerValue = fc.string({ unit: headerChar, maxLength: 60 });

  const name = fc.oneof(fc.constantFrom(...names), fc.string({ unit: 'binary', maxLength: 12 }));
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...values) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 400 }) },
  );

  /** Up to four edits of a parameter list: one dropped, repeated, changed, or a new one added. */
  const edits = fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('repeat' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('change' as const), at: fc.nat(), value }),
      fc.record({ kind: fc.constant('add' as const), name, value }),
    ),
    { maxLength: 4 },
  );
  type Edits = typeof edits extends fc.Arbitrary<infer T> ? T : never;

  function edited(base: Pairs, changes: Edits): string {
    const pairs: Pairs = base.map(([n, v]) => [n, v]);
    for (const e of changes) {
      if (e.kind === 'add') {
        pairs.push([e.name, e.value]);
        continue;
      }
      if (pairs.length === 0) continue;
      const at = e.at % pairs.length;
      const [n, v] = pairs[at] ?? ['', ''];
      if (e.kind === 'drop') pairs.splice(at, 1);
      else if (e.kind === 'repeat') pairs.push([n, v]);
      else pairs[at] = [n, e.value];
    }
    return new URLSearchParams(pairs).toString();
  }

  /** Bodies: a valid request for the endpoint, edited; random parameters; random text; random bytes. */
  function bodies(bases: Pairs[], auth: Pairs[] = [[]]) {
    return fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .tuple(fc.constantFrom(...bases), fc.constantFrom(...auth), edits)
          .map(([base, creds, changes]) => edited([...base, ...creds], changes)),
      },
      { weight: 2, arbitrary: fc.array(fc.tuple(name, value), { maxLength: 10 }).map((p) => edited(p, [])) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
      {
        weight: 1,
        arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      },
    );
  }

  const contentType = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom(
        FORM_TYPE,
        `${FORM_TYPE}; charset=utf-8`,
        'APPLICATION/X-WWW-FORM-URLENCODED',
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('application/json', 'multipart/form-data; boundary=x', 'text/plain', ''),
    },
    { weight: 1, arbitrary: headerValue },
  );

  /** Client authentication for /token and /revoke: Basic, post (see `postCredentials`), garbage, or none. */
  const authorization = fc.oneof(
    { weight: 3, arbitrary: fc.constant(basic(...CLIENT)) },
    { weight: 3, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(basic(...WORKER), basic('client', 'x'), basic('spa', ''), 'Basic', 'Bearer x'),
        headerValue.map((v) => `Basic ${v}`),
        headerValue,
      ),
    },
  );
  const postCredentials: Pairs[] = [
    [],
    [
      ['client_id', 'client'],
      ['client_secret', 'secret'],
    ],
    [['client_id', 'spa']],
  ];

  /** Builds the request, or `undefined` when the platform refuses the generated header itself. */
  function request(
    path: string,
    body: string,
    type: string,
    auth: string | undefined,
    cookie?: string,
  ): Request | undefined {
    try {
      const headers = new Headers();
      if (type !== '') headers.set('content-type', type);
      if (auth !== undefined) headers.set('authorization', auth);
      if (cookie !== undefined) headers.set('cookie', cookie);
      return new Request(`${ISSUER}${path}`, { method: 'POST', headers, body });
    } catch {
      return undefined;
    }
  }

  function expectSane(reply: Reply, path: string): void {
    expect(reply.status, `${path} ${reply.text}`).toBeLessThan(500);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const type = reply.headers.get('content-type') ?? '';
    if (reply.text !== '') expect(type).toMatch(/^(application\/json|text\/html)/);
    if (reply.json !== undefined && reply.status >= 400) {
      expect(reply.json.error).toEqual(expect.any(String));
      expect(reply.json.error_description).toEqual(expect.stringMatching(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/));
    }
    const location = reply.headers.get('location');
    if (location !== null)
      expect(
        REGISTERED.some((uri) => location.startsWith(`${uri}?`)),
        location,
      ).toBe(true);
  }

  const codeIn = (reply: Reply) =>
    new URL(reply.headers.get('location') ?? 'about:blank').searchParams.get('code') !== null;

  for (const [path, seed] of [
    ['/token', 0x70_6b],
    ['/revoke', 0x72_76],
  ] as const) {
    it(`POST ${path}: edited and garbage requests never get a 5xx, and refusals store nothing`, async () => {
      // Hundreds of wrong secrets hit one client here on purpose; the lock they would cause has its own suite
      // (as-guessing.test.ts), so it is set out of reach and the sweep keeps reaching the grants.
      const { as, store } = await setupWith(new GatedStore(), {
        attemptLimits: { clientAuthentication: 1_000_000 },
      });
      const arbitrary = fc.tuple(bodies(valid[path] ?? [], postCredentials), contentType, authorization);
      await fc.assert(
        fc.asyncProperty(arbitrary, async ([body, type, auth]) => {
          const req = request(path, await fill(as, body), type, auth);
          fc.pre(req !== undefined);
          store.writes.length = 0;
          const reply = await send(as, req);
          expectSane(reply, path);
          // Only issuing or revoking writes (a replayed code or refresh token is invalid_grant and revokes), and a
          // failed client authentication, which is counted against the client.
          if (reply.status >= 400 && reply.json?.error !== 'invalid_grant') {
            const counted = (key: string) =>
              reply.json?.error === 'invalid_client' && key.startsWith('failures:client-auth:');
            expect(store.writes.filter((key) => !counted(key))).toEqual([]);
          }
        }),
        { seed, numRuns: 400 },
      );
    });
  }

  it('GET /authorize: edited and garbage queries never get a 5xx nor redirect elsewhere', async () => {
    const { as, store } = await setup();
    const query = fc.oneof(
      { weight: 6, arbitrary: bodies(valid['/authorize'] ?? []) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 200 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map(encodeURI) },
    );
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        let req: Request | undefined;
        try {
          req = new Request(`${ISSUER}/authorize?${q}`);
        } catch {
          req = undefined;
        }
        fc.pre(req !== undefined);
        const before = store.size;
        const reply = await send(as, req);
        expectSane(reply, '/authorize');
        expect([302, 400]).toContain(reply.status);
        if (!codeIn(reply)) expect(store.size).toBe(before);
      }),
      { seed: 0x61_7a, numRuns: 500 },
    );
  });

  it('POST /authorize/consent: edited and garbage forms never get a 5xx nor redirect elsewhere', async () => {
    const { as, store } = await setup({ autoApprove: false });
    await fc.assert(
      fc.asyncProperty(bodies(valid['/authorize/consent'] ?? []), contentType, async (body, type) => {
        const req = request('/authorize/consent', await fill(as, body, true), type, undefined, browserCookie);
        fc.pre(req !== undefined);
        const before = store.size;
        const reply = await send(as, req);
        expectSane(reply, '/authorize/consent');
        // A refused post writes at most the form's single-use counter and the sign-in attempts counted against
        // the username and the client.
        if (!codeIn(reply)) expect(store.size).toBeLessThanOrEqual(before + 3);
      }),
      { seed: 0x63_73, numRuns: 300 },
    );
  });
});
