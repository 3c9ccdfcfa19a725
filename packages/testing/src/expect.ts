import type { TestIssuer } from './issuer.js';
import { type PlannedCheck, planChecks } from './lib/plan.js';
import { formatReport, policyShown, type RunContext } from './lib/report.js';

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
   * The audience policy the API must enforce for a token naming this API *and* another. `'any'`: it must be accepted
   * (audguard's default). `'exclusive'`: it must be refused with 401 (audguard's `audiencePolicy: 'exclusive'`).
   *
   * Default: none declared. Such a token is then neither right nor wrong — refusing it is stricter, never a security
   * fault — so the check passes on 2xx or 401, and its {@link CheckResult.info} says which policy the API showed.
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
  /**
   * The status the API must answer: `'2xx'` for the valid token, else 401 or 403; `'2xx/401'` (either) for a token
   * shared with another API when no `audiencePolicy` was declared.
   */
  readonly expected: Expected;
  /** The status it answered; `undefined` when `request` threw. */
  readonly received: number | undefined;
  /** What `request` threw, if it did. */
  readonly error?: unknown;
  readonly passed: boolean;
  /**
   * What a passed check found that is not a fault but worth knowing: for the shared-audience check without a
   * declared `audiencePolicy`, whether the API accepted or refused the token.
   */
  readonly info?: string;
}

/** The statuses a check accepts: see {@link CheckResult.expected}. */
export type Expected = 401 | 403 | '2xx' | '2xx/401';

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
  const accepted = received >= 200 && received < 300;
  if (expected === '2xx/401') {
    const passed = accepted || received === 401;
    return { id, check, expected, received, passed, ...(passed ? { info: policyShown(accepted) } : {}) };
  }
  const passed = expected === '2xx' ? accepted : received === expected;
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
