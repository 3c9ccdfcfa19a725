import {
  forgeAlgNone,
  forgeExpired,
  forgeKeyConfusion,
  forgeMissingScope,
  forgeNotYetValid,
  forgeTampered,
  forgeUnknownKey,
  forgeWrongIssuer,
  forgeWrongType,
} from './forgeries.js';
import type { TestIssuer } from './issuer.js';
import { type IssuerInternals, internalsOf } from './lib/internals.js';
import { formatReport, type RunContext } from './lib/report.js';

/** The request {@link expectAudienceEnforced} asks you to send to your API. */
export interface TestRequest {
  /** The method from `route`, upper case. Default is `'GET'`. */
  readonly method: string;
  /** The path from `route`, e.g. `'/orders'`. */
  readonly path: string;
  /** `{ authorization: 'Bearer …' }`, or `{}` for the no-token check: set them on the request as they are. */
  readonly headers: Readonly<Record<string, string>>;
}

/** What {@link expectAudienceEnforced} reads from your answer: the status. A fetch `Response` or supertest's will do. */
export interface TestResponse {
  readonly status: number;
}

/**
 * Sends `request` to the API under test and returns its response (or a promise, or a thenable such as supertest's).
 * @example
 * ```ts
 * ({ path, headers }) => supertest(app).get(path).set(headers)               // Express, Koa (app.callback())
 * ({ method, path, headers }) => app.request(path, { method, headers })      // Hono
 * ({ method, path, headers }) => fetch(new URL(path, baseUrl), { method, headers })
 * ```
 */
export type SendRequest = (request: TestRequest) => PromiseLike<TestResponse> | TestResponse;

/** Options of {@link expectAudienceEnforced}. */
export interface ExpectAudienceEnforcedOptions {
  /** The test issuer the API under test trusts (configured with `issuer.issuer`). */
  issuer: TestIssuer;
  /** Sends a request to the API under test: see {@link SendRequest}. */
  request: SendRequest;
  /** This API's resource identifier: the audience its tokens carry. One of the issuer's resources. */
  resource: string;
  /**
   * Other APIs of the same issuer, whose tokens must not get in. Default: every other resource of the issuer (there
   * must be at least one).
   */
  foreignResources?: readonly string[];
  /** The route to attack, `'/orders'` or with a method, `'POST /orders'` (default method `GET`). */
  route: string;
  /**
   * The scopes the route requires. The valid token carries them (default: every scope the resource declares), and
   * a token lacking them must get 403. For a route that accepts any of several scopes, list them all. Default: none
   * (the missing-scope check is skipped).
   */
  requiredScopes?: readonly string[];
  /**
   * The audience policy the API enforces. `'any'` (default): a token for this API *and* another is accepted.
   * `'exclusive'`: it must be refused with 401 (audguard's `audiencePolicy: 'exclusive'`).
   */
  audiencePolicy?: 'any' | 'exclusive';
}

/** The checks {@link expectAudienceEnforced} runs, by stable id. */
export type CheckId =
  | 'valid'
  | 'no-token'
  | 'foreign-audience'
  | 'multi-audience'
  | 'shared-audience'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'alg-none'
  | 'key-confusion'
  | 'unknown-key'
  | 'tampered'
  | 'wrong-type'
  | 'missing-scope';

/** One row of the matrix: what was sent, what came back, and whether that is right. */
export interface CheckResult {
  readonly id: CheckId;
  /** What the request carried, e.g. `token for another API (https://invoices.example.com)`. */
  readonly check: string;
  /** The status the API must answer: `'2xx'` for the valid token, else 401 or 403. */
  readonly expected: 401 | 403 | '2xx';
  /** The status it answered; `undefined` when `request` threw. */
  readonly received: number | undefined;
  /** What `request` threw, if it did. */
  readonly error?: unknown;
  readonly passed: boolean;
}

/**
 * Thrown by {@link expectAudienceEnforced} when any check fails. Its message is the whole report: every check, the
 * status expected and received, and what to fix for each failure. A plain `Error`, so every test runner shows it.
 */
export class AudienceEnforcementError extends Error {
  override readonly name = 'AudienceEnforcementError';
  /** The route attacked, e.g. `GET /orders`. */
  readonly route: string;
  /** The API's resource identifier. */
  readonly resource: string;
  /** Every check, in the order run. */
  readonly results: readonly CheckResult[];

  constructor(route: string, resource: string, results: readonly CheckResult[], message: string) {
    super(message);
    this.route = route;
    this.resource = resource;
    this.results = results;
  }

  /** The checks that failed. */
  get failures(): readonly CheckResult[] {
    return this.results.filter((result) => !result.passed);
  }
}

/** A check before it runs. */
interface PlannedCheck {
  readonly id: CheckId;
  readonly check: string;
  readonly expected: 401 | 403 | '2xx';
  /** The `Authorization` header value, or `undefined` for none. */
  readonly authorization: () => Promise<string | undefined>;
}

/**
 * Proves that an API refuses every token it must refuse, on one route: a valid token gets 2xx; no token, tokens
 * minted for other APIs, expired or not-yet-valid tokens, tokens from another issuer, unsigned (`alg: none`),
 * algorithm-confused, unknown-key, tampered and wrong-type tokens get 401; a token without the route's scopes gets
 * 403. Requests are sent one at a time.
 *
 * Resolves with the results when everything holds; otherwise rejects with an {@link AudienceEnforcementError} whose
 * message reports every check. No test-runner import: it works in vitest, jest and `node:test` alike.
 *
 * @example
 * ```ts
 * await expectAudienceEnforced({
 *   issuer,
 *   resource: 'https://orders.example.com',
 *   route: '/orders',
 *   requiredScopes: ['orders:read'],
 *   request: ({ path, headers }) => supertest(app).get(path).set(headers),
 * });
 * ```
 */
export async function expectAudienceEnforced(
  options: ExpectAudienceEnforcedOptions,
): Promise<readonly CheckResult[]> {
  const { plan, context } = planChecks(options);
  const results: CheckResult[] = [];
  for (const planned of plan) results.push(await run(planned, context, options.request));
  if (results.every((result) => result.passed)) return results;
  throw new AudienceEnforcementError(
    context.route,
    context.resource,
    results,
    formatReport(results, context),
  );
}

const ANOTHER_API = 'https://another-api.invalid';

/** Checks the options and lays out the matrix. */
function planChecks(options: ExpectAudienceEnforcedOptions): {
  plan: PlannedCheck[];
  context: RunContext;
} {
  const fail = (message: string): never => {
    throw new TypeError(`audguard/testing: expectAudienceEnforced(): ${message}`);
  };
  if (typeof options !== 'object' || options === null) fail('pass an options object.');
  const internals = internalsOf(options.issuer);
  const { resource, request, audiencePolicy = 'any' } = options;
  if (typeof request !== 'function') {
    fail('request must be a function that sends { method, path, headers } to your API.');
  }
  const declared = [...internals.resources.keys()];
  if (typeof resource !== 'string' || !internals.resources.has(resource)) {
    fail(
      `resource ${JSON.stringify(resource)} is not one of the issuer's resources (${declared.join(', ')}).`,
    );
  }
  const foreign = [...(options.foreignResources ?? declared.filter((id) => id !== resource))];
  if (foreign.length === 0) {
    fail(
      'name at least one other API in foreignResources, and declare it in startTestIssuer({ resources }).',
    );
  }
  for (const id of foreign) {
    if (id === resource) fail(`foreignResources lists the API's own resource ${resource}.`);
    if (!internals.resources.has(id)) {
      fail(
        `foreign resource ${JSON.stringify(id)} is not declared; add it to startTestIssuer({ resources }).`,
      );
    }
  }
  if (audiencePolicy !== 'any' && audiencePolicy !== 'exclusive')
    fail("audiencePolicy must be 'any' or 'exclusive'.");
  const match =
    typeof options.route === 'string' ? /^(?:([A-Za-z]+)\s+)?(\/\S*)$/.exec(options.route.trim()) : null;
  if (match === null) fail("route must be a path, optionally after a method: '/orders' or 'POST /orders'.");
  const method = (match?.[1] ?? 'GET').toUpperCase();
  const path = match?.[2] ?? '/';
  const requiredScopes = [...(options.requiredScopes ?? [])];

  const { issuer } = options;
  // Every token carries what the route needs, so only the one broken thing can be the reason for a refusal.
  const scopes = requiredScopes.length > 0 ? requiredScopes : [...(internals.resources.get(resource) ?? [])];
  const base = { resource, scopes };
  const lazy = (make: () => Promise<string>) => async () => `Bearer ${await make()}`;

  const plan: PlannedCheck[] = [
    {
      id: 'valid',
      check: 'valid token for this API',
      expected: '2xx',
      authorization: lazy(() => mint(internals, [resource], scopes)),
    },
    { id: 'no-token', check: 'no token', expected: 401, authorization: async () => undefined },
    ...foreign.map(
      (id): PlannedCheck => ({
        id: 'foreign-audience',
        check: `token for another API (${id})`,
        expected: 401,
        authorization: lazy(() => mint(internals, [id], scopes)),
      }),
    ),
    {
      id: 'multi-audience',
      check: 'token for several other APIs (aud array)',
      expected: 401,
      authorization: lazy(() =>
        mint(internals, foreign.length > 1 ? foreign : [...foreign, ANOTHER_API], scopes),
      ),
    },
    {
      id: 'shared-audience',
      check: `token for this API and another (${foreign[0]})`,
      expected: audiencePolicy === 'exclusive' ? 401 : '2xx',
      authorization: lazy(() => mint(internals, [resource, foreign[0] as string], scopes)),
    },
    {
      id: 'expired',
      check: 'expired token (exp 1 hour ago)',
      expected: 401,
      authorization: lazy(() => forgeExpired(issuer, base)),
    },
    {
      id: 'not-yet-valid',
      check: 'token not valid yet (nbf in 1 hour)',
      expected: 401,
      authorization: lazy(() => forgeNotYetValid(issuer, base)),
    },
    {
      id: 'wrong-issuer',
      check: 'token from another issuer sharing its key (iss: …/other-tenant)',
      expected: 401,
      authorization: lazy(() => forgeWrongIssuer(issuer, base)),
    },
    {
      id: 'alg-none',
      check: 'unsigned token (alg: none)',
      expected: 401,
      authorization: lazy(() => forgeAlgNone(issuer, base)),
    },
    {
      id: 'key-confusion',
      check: "HS256 token keyed with the issuer's public key",
      expected: 401,
      authorization: lazy(() => forgeKeyConfusion(issuer, base)),
    },
    {
      id: 'unknown-key',
      check: 'token signed with an unpublished key (unknown kid)',
      expected: 401,
      authorization: lazy(() => forgeUnknownKey(issuer, base)),
    },
    {
      id: 'tampered',
      check: 'token with an edited payload (sub: admin)',
      expected: 401,
      authorization: lazy(() => forgeTampered(issuer, base)),
    },
    {
      id: 'wrong-type',
      check: 'JWT of another type (typ: logout+jwt)',
      expected: 401,
      authorization: lazy(() => forgeWrongType(issuer, base)),
    },
  ];
  if (requiredScopes.length > 0) {
    plan.push({
      id: 'missing-scope',
      check: `token without the route's scopes (${requiredScopes.join(' ')})`,
      expected: 403,
      authorization: lazy(() => forgeMissingScope(issuer, { resource, requiredScopes })),
    });
  }
  return {
    plan,
    context: { route: `${method} ${path}`, resource, issuer: internals.issuer, requiredScopes },
  };
}

/** A genuine token from the issuer for any audience, declared or not, with any scopes. */
function mint(
  internals: IssuerInternals,
  audience: readonly string[],
  scopes: readonly string[],
): Promise<string> {
  return internals.mint({
    audience,
    scopes,
    subject: internals.defaultSubject,
    clientId: internals.defaultClientId,
    expiresIn: internals.accessTokenLifetime,
  });
}

async function run(planned: PlannedCheck, context: RunContext, request: SendRequest): Promise<CheckResult> {
  const [method, path] = context.route.split(' ') as [string, string];
  const authorization = await planned.authorization();
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
  const { id, check, expected } = planned;
  let received: number | undefined;
  try {
    const response = await request({ method, path, headers });
    if (typeof response?.status !== 'number') {
      throw new TypeError('request() must resolve to a response with a numeric status');
    }
    received = response.status;
    await discardBody(response);
  } catch (error) {
    return { id, check, expected, received: undefined, error, passed: false };
  }
  const passed = expected === '2xx' ? received >= 200 && received < 300 : received === expected;
  return { id, check, expected, received, passed };
}

/** Releases a fetch `Response`'s body nobody will read, so its connection is freed. */
async function discardBody(response: TestResponse): Promise<void> {
  const body = (response as { body?: unknown; bodyUsed?: unknown }).body;
  if (
    (response as { bodyUsed?: unknown }).bodyUsed === false &&
    typeof (body as ReadableStream | null)?.cancel === 'function'
  ) {
    await (body as ReadableStream).cancel().catch(() => {});
  }
}
