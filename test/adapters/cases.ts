/**
 * The one table of cases every adapter must pass, over real HTTP. Each framework's test file builds the same app
 * from the same fixture — the routes below — and hands it to {@link runAdapterCases}.
 *
 * | route                  | built with                                                                         |
 * | ---------------------- | ---------------------------------------------------------------------------------- |
 * | `GET /api/me`          | `guard(main)` on every `/api` route                                                |
 * | `GET /api/orders`      | … `requireScopes('orders:read', 'orders:write')`                                   |
 * | `GET /api/orders-any`  | … `requireAnyScope('orders:read', 'orders:admin')`                                 |
 * | `GET /optional`        | `guard(main, { credentialsRequired: false })`                                      |
 * | `GET /optional/orders` | `guard(main, { credentialsRequired: false })`, `requireScopes('orders:read')`      |
 * | `GET /exclusive`       | `guard(exclusive)`: verifier *options*, `audiencePolicy: 'exclusive'`              |
 * | `GET /down`            | `guard(down)`: the issuer's JWKS is a closed port                                  |
 * | `GET /mcp`             | `guard(mcp, { scopes: ['orders:read'] })`; `protectedResource(metadata)` app-wide  |
 * | `POST /form`           | the framework's form parser, then `guard(form)` (body tokens enabled)              |
 * | `GET /custom`          | `guard(main)` with the app rendering refusals (Express `errors: 'next'`, Hono a    |
 * |                        | sub-app `onError`, Koa `errors: 'throw'` and a try/catch upstream)                 |
 * | `GET /custom/admin`    | the same, then `requireScopes('orders:admin')`                                     |
 * | `GET /broken`          | `guard(broken)`: the verifier throws a plain `Error('boom')`                       |
 * | `GET /unguarded`       | `requireScopes('orders:read')` with no guard before it                             |
 *
 * Every route answers `echo(auth)`. The app's own error handling answers `appRendering(error)` plus the header
 * `x-rendered-by: app`.
 */
import { ConfigurationError } from '@audguard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIENCE,
  createFixture,
  type Fixture,
  ISSUER,
  MCP_METADATA_PATH,
  MCP_METADATA_URL,
  MCP_RESOURCE,
  OTHER_AUDIENCE,
  RENDERED_BY_APP,
  type Tokens,
} from './fixture.js';
import type { CaseRequest, CaseResponse, Target } from './transport.js';

interface Expected {
  status: number;
  /** `null`: the header must be absent. */
  headers?: Record<string, string | RegExp | null>;
  /** Compared with `toEqual` (asymmetric matchers allowed). */
  body?: unknown;
}

interface Case {
  name: string;
  request: (tokens: Tokens) => CaseRequest;
  expect: Expected;
}

const bearer = (token: string) => ['Authorization', `Bearer ${token}`] as const;
const get = (path: string, ...headers: (readonly [string, string])[]): CaseRequest => ({ path, headers });
const FORM = ['Content-Type', 'application/x-www-form-urlencoded'] as const;

interface Refusal {
  /** `undefined`: no credentials at all, so no `error` attribute (RFC 6750 §3.1). */
  code?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  scope?: string;
  /** The MCP verifier: `resource_metadata` and no default realm. */
  mcp?: boolean;
  /** When the kind of `invalid_request` matters (the body carries no machine-readable reason). */
  description?: RegExp;
}

/** What a user sees for a refusal rendered by `verifier.errorResponse()`: status, exact challenge, JSON body. */
function refused({ code, scope, mcp = false, description }: Refusal): Expected {
  const params: string[] = [];
  if (!mcp) params.push('realm="api"');
  if (code !== undefined) params.push(`error="${code}"`, 'error_description="[^"\\\\]+"');
  if (scope !== undefined) params.push(`scope="${scope}"`);
  if (mcp) params.push(`resource_metadata="${MCP_METADATA_URL}"`);
  const status =
    code === undefined || code === 'invalid_token' ? 401 : code === 'invalid_request' ? 400 : 403;
  return {
    status,
    headers: {
      'www-authenticate': new RegExp(`^Bearer ${params.join(', ').replace(/[./]/g, '\\$&')}$`),
      'cache-control': 'no-store',
      'content-type': /^application\/json/,
      'retry-after': null,
    },
    body: {
      ...(code === undefined ? {} : { error: code }),
      error_description: description === undefined ? expect.any(String) : expect.stringMatching(description),
      ...(scope === undefined ? {} : { scope }),
    },
  };
}

const ok = (body: unknown): Expected => ({ status: 200, body });
const alice = (scopes: string[], audience: string[] = [AUDIENCE]) => ({
  subject: 'alice',
  clientId: 'web-app',
  tenant: 'acme',
  scopes,
  audience,
});
const byApp = (status: number, body: Record<string, unknown>): Expected => ({
  status,
  headers: { [RENDERED_BY_APP]: 'app' },
  body: { handledBy: 'app', ...body },
});

export const CASES: readonly Case[] = [
  // RFC 6750 §2 and §3: extraction and the challenge.
  {
    name: 'no token: 401 with a realm and no error attribute',
    request: () => get('/api/me'),
    expect: refused({}),
  },
  {
    name: 'a non-Bearer Authorization header: 400 invalid_request',
    request: () => get('/api/me', ['Authorization', 'Basic YWxpY2U6c2VjcmV0']),
    expect: refused({ code: 'invalid_request' }),
  },
  {
    name: 'Bearer with no token: 400 invalid_request',
    request: () => get('/api/me', ['Authorization', 'Bearer ']),
    expect: refused({ code: 'invalid_request' }),
  },
  {
    name: 'a token in the header and in the query: 400 invalid_request',
    request: (t) => get(`/api/me?access_token=${t.readOnly}`, bearer(t.readOnly)),
    expect: refused({ code: 'invalid_request' }),
  },
  {
    name: 'two Authorization headers: 400 invalid_request',
    request: (t) => get('/api/me', bearer(t.readOnly), bearer(t.readWrite)),
    expect: refused({ code: 'invalid_request', description: /more than one Authorization header/ }),
  },
  // RFC 9068 §4 / RFC 8707: the token's checks, all invalid_token.
  {
    name: 'a token for another API (wrong audience): 401 invalid_token',
    request: (t) => get('/api/me', bearer(t.wrongAudience)),
    expect: refused({ code: 'invalid_token' }),
  },
  {
    name: 'an expired token: 401 invalid_token',
    request: (t) => get('/api/me', bearer(t.expired)),
    expect: refused({ code: 'invalid_token' }),
  },
  {
    name: 'a bad signature: 401 invalid_token',
    request: (t) => get('/api/me', bearer(t.badSignature)),
    expect: refused({ code: 'invalid_token' }),
  },
  {
    name: 'an untrusted issuer: 401 invalid_token',
    request: (t) => get('/api/me', bearer(t.wrongIssuer)),
    expect: refused({ code: 'invalid_token' }),
  },
  {
    name: 'a valid token: 200, claims exposed to the handler',
    request: (t) => get('/api/me', bearer(t.readOnly)),
    expect: ok(alice(['orders:read'])),
  },
  {
    name: 'the scheme name is case-insensitive',
    request: (t) => get('/api/me', ['Authorization', `bEaReR ${t.readOnly}`]),
    expect: ok(alice(['orders:read'])),
  },
  // Scopes.
  {
    name: 'requireScopes: a missing scope gets 403 insufficient_scope naming every required scope',
    request: (t) => get('/api/orders', bearer(t.readOnly)),
    expect: refused({ code: 'insufficient_scope', scope: 'orders:read orders:write' }),
  },
  {
    name: 'requireScopes: all scopes present → 200',
    request: (t) => get('/api/orders', bearer(t.readWrite)),
    expect: ok(alice(['orders:read', 'orders:write'])),
  },
  {
    name: 'requireScopes: a bad token is refused by the guard first (401, not 403)',
    request: (t) => get('/api/orders', bearer(t.expired)),
    expect: refused({ code: 'invalid_token' }),
  },
  {
    name: 'requireAnyScope: one of the scopes is enough',
    request: (t) => get('/api/orders-any', bearer(t.readOnly)),
    expect: ok(alice(['orders:read'])),
  },
  {
    name: 'requireAnyScope: none of them → 403 naming the alternatives',
    request: (t) => get('/api/orders-any', bearer(t.profileOnly)),
    expect: refused({ code: 'insufficient_scope', scope: 'orders:read orders:admin' }),
  },
  // credentialsRequired: false.
  {
    name: 'anonymous allowed: no token → 200 with no auth',
    request: () => get('/optional'),
    expect: ok({ anonymous: true }),
  },
  {
    name: 'anonymous allowed: a presented but bad token is still 401',
    request: (t) => get('/optional', bearer(t.wrongAudience)),
    expect: refused({ code: 'invalid_token' }),
  },
  {
    name: 'anonymous allowed: a malformed header is still 400',
    request: () => get('/optional', ['Authorization', 'Token abc']),
    expect: refused({ code: 'invalid_request' }),
  },
  {
    name: 'anonymous allowed: a valid token is exposed',
    request: (t) => get('/optional', bearer(t.readOnly)),
    expect: ok(alice(['orders:read'])),
  },
  {
    // MCP 2026-07-28: a 401 names the scopes the route needs, so the client asks for them at once.
    name: 'anonymous allowed, then requireScopes: no token → 401 with no error attribute, naming the scope',
    request: () => get('/optional/orders'),
    expect: refused({ scope: 'orders:read' }),
  },
  // Attacker review (issue 15, finding 7): only tokens the verifier produced count.
  {
    name: 'requireScopes refuses a look-alike token that application code set, with 401 invalid_token',
    request: () => get('/forged'),
    expect: refused({ code: 'invalid_token' }),
  },
  // MCP 2026-07-28: one 403 names every scope the operation needs (the guard's and the route's).
  {
    name: "a route's 403 names the guard's scopes and its own in one challenge",
    request: (t) => get('/mcp/write', bearer(t.mcp)),
    expect: refused({ code: 'insufficient_scope', scope: 'orders:read orders:write', mcp: true }),
  },
  {
    name: 'impliedScopes: a broader scope satisfies the narrower ones (orders:admin → orders:read)',
    request: (t) => get('/implied', bearer(t.admin)),
    expect: ok(alice(['orders:admin', 'orders:read', 'orders:write'])),
  },
  // Audience policy.
  {
    name: "audiencePolicy 'any' (default): a token shared with another API is accepted",
    request: (t) => get('/api/me', bearer(t.shared)),
    expect: ok(alice(['orders:read'], [AUDIENCE, OTHER_AUDIENCE])),
  },
  {
    name: "audiencePolicy 'exclusive': a token shared with another API is refused",
    request: (t) => get('/exclusive', bearer(t.shared)),
    expect: refused({ code: 'invalid_token' }),
  },
  {
    name: "audiencePolicy 'exclusive': a token for this API alone passes (guard built from options)",
    request: (t) => get('/exclusive', bearer(t.readOnly)),
    expect: ok(alice(['orders:read'])),
  },
  // Our side down.
  {
    name: 'keys unavailable: 503 with Retry-After, not a 401',
    request: (t) => get('/down', bearer(t.readOnly)),
    expect: {
      status: 503,
      headers: {
        'retry-after': /^[1-9]\d*$/,
        'cache-control': 'no-store',
        'www-authenticate': null,
        'content-type': /^application\/json/,
      },
      body: { error: 'temporarily_unavailable', error_description: expect.any(String) },
    },
  },
  // RFC 9728 and MCP.
  {
    name: 'the protected-resource metadata document, at the path-inserted well-known URL',
    request: () => get(MCP_METADATA_PATH),
    expect: {
      status: 200,
      headers: { 'content-type': /^application\/json/ },
      body: {
        resource: MCP_RESOURCE,
        authorization_servers: [ISSUER],
        bearer_methods_supported: ['header'],
        scopes_supported: ['orders:read', 'orders:write'],
      },
    },
  },
  {
    name: 'the metadata handler answers GET only',
    request: () => ({ method: 'POST', path: MCP_METADATA_PATH }),
    expect: { status: 404 },
  },
  {
    name: 'resource_metadata: no token → 401 challenge naming the metadata document and the guard’s scope',
    request: () => get('/mcp'),
    expect: refused({ scope: 'orders:read', mcp: true }),
  },
  {
    name: 'resource_metadata: a bad token → 401 invalid_token naming the metadata document and the scope',
    request: (t) => get('/mcp', bearer(t.readOnly)),
    expect: refused({ code: 'invalid_token', scope: 'orders:read', mcp: true }),
  },
  {
    name: 'resource_metadata and guard-level scopes: 403 names the scope and the metadata document',
    request: (t) => get('/mcp', bearer(t.mcpProfileOnly)),
    expect: refused({ code: 'insufficient_scope', scope: 'orders:read', mcp: true }),
  },
  {
    name: 'resource_metadata: a token for the MCP resource passes',
    request: (t) => get('/mcp', bearer(t.mcp)),
    expect: ok(alice(['orders:read'], [MCP_RESOURCE])),
  },
  // The request body (Express req.body, Koa ctx.request.body, Hono the Request).
  {
    name: 'form-body token, when enabled: 200',
    request: (t) => ({ method: 'POST', path: '/form', headers: [FORM], body: `access_token=${t.readOnly}` }),
    expect: ok(alice(['orders:read'])),
  },
  {
    name: 'form-body token and a header token: 400 invalid_request',
    request: (t) => ({
      method: 'POST',
      path: '/form',
      headers: [FORM, bearer(t.readOnly)],
      body: `access_token=${t.readOnly}`,
    }),
    expect: refused({ code: 'invalid_request', description: /more than one place/ }),
  },
  // The application takes over rendering, in its framework's idiom.
  {
    name: 'app-rendered: a refused token reaches the app’s error handling as an AuthError',
    request: (t) => get('/custom', bearer(t.wrongAudience)),
    expect: byApp(401, { reason: 'audience_mismatch' }),
  },
  {
    name: 'app-rendered: so does a request without credentials',
    request: () => get('/custom'),
    expect: byApp(401, { reason: 'missing_token' }),
  },
  {
    name: 'app-rendered: so does a scope refusal',
    request: (t) => get('/custom/admin', bearer(t.readOnly)),
    expect: byApp(403, { reason: 'insufficient_scope' }),
  },
  {
    name: 'app-rendered: a valid token still passes',
    request: (t) => get('/custom', bearer(t.readOnly)),
    expect: ok(alice(['orders:read'])),
  },
  // Not ours to swallow.
  {
    name: 'a non-AuthError from the verifier reaches the app’s error handling unchanged (never a 401)',
    request: (t) => get('/broken', bearer(t.readOnly)),
    expect: byApp(500, { error: 'boom' }),
  },
  {
    name: 'requireScopes without a guard is a programmer error, passed on as one',
    request: (t) => get('/unguarded', bearer(t.readOnly)),
    expect: byApp(500, { error: expect.stringMatching(/requireScopes\(\) found no guard.*mount guard\(\)/) }),
  },
];

/** Runs {@link CASES} against the app `start` builds (see the route table above). */
export function runAdapterCases(name: string, start: (fixture: Fixture) => Promise<Target> | Target): void {
  describe(name, () => {
    let fixture: Fixture;
    let target: Target;
    beforeAll(async () => {
      fixture = await createFixture();
      target = await start(fixture);
    });
    afterAll(() => target?.close());

    for (const c of CASES) {
      it(c.name, async () => {
        assertResponse(await target.send(c.request(fixture.tokens)), c.expect);
      });
    }
  });
}

function assertResponse(response: CaseResponse, expected: Expected): void {
  expect(response.status, JSON.stringify(response.body)).toBe(expected.status);
  for (const [name, want] of Object.entries(expected.headers ?? {})) {
    const got = response.headers[name];
    if (want === null) expect(got, name).toBeUndefined();
    else if (want instanceof RegExp) expect(got, name).toMatch(want);
    else expect(got, name).toBe(want);
  }
  if ('body' in expected) expect(response.body).toEqual(expected.body);
}

/** The parts of an adapter's API the setup checks call (each adapter's exports fit this shape). */
export interface AdapterApi {
  guard(first: unknown, second?: unknown): unknown;
  requireScopes(...scopes: string[]): unknown;
  requireAnyScope(...scopes: string[]): unknown;
  protectedResource(options: unknown): unknown;
}

/** Configuration mistakes throw at setup, with a message saying what to fix; middleware are named functions. */
export function runSetupCases(name: string, api: AdapterApi): void {
  describe(`${name}: setup`, () => {
    let fixture: Fixture;
    beforeAll(async () => {
      fixture = await createFixture();
    });

    const throwsAtSetup = (fn: () => unknown, message: RegExp) => {
      expect(fn).toThrow(ConfigurationError);
      expect(fn).toThrow(message);
    };

    it('guard() without options or a verifier throws', () => {
      throwsAtSetup(() => api.guard(undefined), /verifier options/);
      throwsAtSetup(() => api.guard(null), /verifier options/);
    });
    it('guard() with verifier options the core refuses throws the core’s message', () => {
      throwsAtSetup(() => api.guard({ issuer: ISSUER }), /audience is required/);
    });
    it('guard() refuses an unknown guard option (a typo must not pass silently)', () => {
      throwsAtSetup(
        () => api.guard(fixture.main, { credentialRequired: false }),
        /unknown option "credentialRequired"; did you mean "credentialsRequired"/,
      );
    });
    it('guard() names typos in its first argument against verifier and guard options alike (issue 14)', () => {
      const base = { issuer: 'https://as.example.com', audience: 'https://orders.example.com' };
      throwsAtSetup(
        () => api.guard({ ...base, credentialsRequred: false }),
        /did you mean "credentialsRequired"/,
      );
      throwsAtSetup(
        () => api.guard({ ...base, audiencepolicy: 'exclusive' }),
        /did you mean "audiencePolicy"/,
      );
      throwsAtSetup(
        () => api.guard({ ...base, jwks_uri: 'https://as.example.com/jwks' }),
        /did you mean "jwksUri"/,
      );
    });
    it('guard() refuses bad guard options', () => {
      throwsAtSetup(() => api.guard(fixture.main, { credentialsRequired: 'no' }), /credentialsRequired/);
      throwsAtSetup(() => api.guard(fixture.main, { scopes: 'orders:read' }), /scopes must be an array/);
      throwsAtSetup(() => api.guard(fixture.main, { scopes: ['orders:read orders:write'] }), /not a scope/);
      throwsAtSetup(() => api.guard(fixture.main, { scopeMatch: 'some' }), /scopeMatch/);
      throwsAtSetup(() => api.guard(fixture.main, { errors: 'ignore' }), /errors/);
      throwsAtSetup(() => api.guard({ ...fixture.exclusive, scopeMatch: 'some' }), /scopeMatch/);
    });
    it('requireScopes() and requireAnyScope() need scope-tokens', () => {
      throwsAtSetup(() => api.requireScopes(), /at least one scope/);
      throwsAtSetup(() => api.requireAnyScope(), /at least one scope/);
      throwsAtSetup(() => api.requireScopes(''), /not a scope/);
      throwsAtSetup(() => api.requireAnyScope('a"b'), /not a scope/);
    });
    it('protectedResource() checks the document once', () => {
      throwsAtSetup(
        () => api.protectedResource({ resource: 'orders', authorizationServers: [ISSUER] }),
        /absolute/,
      );
      throwsAtSetup(
        () => api.protectedResource({ resource: MCP_RESOURCE, authorizationServers: [] }),
        /authorizationServers/,
      );
    });
    it('returns named middleware', () => {
      const names = [
        api.guard(fixture.main),
        api.guard(fixture.exclusive),
        api.requireScopes('a'),
        api.requireAnyScope('a'),
        api.protectedResource(fixture.metadata),
      ].map((fn) => (fn as () => unknown).name);
      expect(names).toEqual([
        'audguardGuard',
        'audguardGuard',
        'audguardRequireScopes',
        'audguardRequireAnyScope',
        'audguardProtectedResource',
      ]);
    });
  });
}
