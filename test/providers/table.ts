/**
 * The provider table: for each identity provider, its recipe (the exact options its page in docs/recipes prints),
 * tokens of the shapes it documents, and the cases — the token that must pass and every look-alike that must not.
 * The same table runs in the core (`verify` and `authenticate`) and over HTTP through Express, Hono and Koa; the
 * adapters get the recipe's options and nothing else, so they can only pass the request along.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  type AccessToken,
  AuthError,
  type AuthErrorReason,
  createVerifier,
  type DecisionEvent,
  isAuthError,
  type Verifier,
  type VerifierOptions,
} from '@audguard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseResponse, Target } from '../adapters/transport.js';
import { type Loopback, startLoopback } from './loopback.js';

/** A route of the provider's test API; a guard covers every route (or those under `mount`). */
export interface Route {
  /** Express/Hono/Koa path syntax (`:param`). */
  readonly path: string;
  /** `requireScopes(...)` (or `requireAnyScope` with `match: 'any'`) on the route. */
  readonly scopes?: readonly string[];
  readonly match?: 'all' | 'any';
}

/** What the route hands its handler: the parts of `req.auth` / `c.get('auth')` / `ctx.state.auth` an API uses. */
export interface SeenAuth {
  subject: string | undefined;
  clientId: string | undefined;
  scopes: string[];
  audience: string[];
}

export type Expected =
  | { status: 200; auth: SeenAuth }
  | {
      status: 401;
      reason: AuthErrorReason;
      /** When the throw site says more than the reason's default description. */
      description?: string;
    }
  | { status: 403; scope: string };

export interface Step {
  /** A concrete path that one of the provider's routes matches. */
  readonly path: string;
  /** A token name from the provider's `setup()`. */
  readonly token: string;
  readonly expect: Expected;
  /** For `verify()`, when the recipe's audience is a function of the request: the audience this path implies. */
  readonly audience?: string;
}

export interface ProviderCase {
  readonly name: string;
  /** Run in order against one verifier (one app): later steps see what earlier ones cached. */
  readonly steps: readonly Step[];
}

export interface ProviderSetup {
  /** The recipe, wired to loopback (only `jwksOptions.fetch` is added). */
  readonly options: VerifierOptions;
  readonly tokens: Readonly<Record<string, string>>;
  close?(): Promise<void>;
}

/** Checks beyond the table that only the core can observe (fetches counted, caches), with a fresh verifier. */
export interface CoreCheck {
  readonly name: string;
  run(context: { loopback: Loopback; setup: ProviderSetup; verifier: Verifier }): Promise<void>;
}

export interface Provider {
  readonly name: string;
  /** Its page in docs/recipes/. */
  readonly page: string;
  /** Public documentation the recipe and the token shapes follow. */
  readonly docs: readonly string[];
  readonly routes: readonly Route[];
  /** Mount the guard on this path prefix only (Express `app.use(mount, guard)`, Hono `mount/*`). */
  readonly mount?: string;
  readonly cases: readonly ProviderCase[];
  readonly coreChecks?: readonly CoreCheck[];
  setup(loopback: Loopback): Promise<ProviderSetup>;
}

/** A one-request case. */
export function one(
  name: string,
  path: string,
  token: string,
  expected: Expected,
  audience?: string,
): ProviderCase {
  return {
    name,
    steps: [{ path, token, expect: expected, ...(audience === undefined ? {} : { audience }) }],
  };
}

export const accepted = (auth: SeenAuth): Expected => ({ status: 200, auth });
export const refused = (reason: AuthErrorReason, description?: string): Expected => ({
  status: 401,
  reason,
  ...(description === undefined ? {} : { description }),
});
export const forbidden = (scope: string): Expected => ({ status: 403, scope });

/** What every test route answers. */
export function seen(auth: AccessToken | undefined): SeenAuth | { anonymous: true } {
  if (auth === undefined) return { anonymous: true };
  return {
    subject: auth.subject,
    clientId: auth.clientId,
    scopes: [...auth.scopes].sort(),
    audience: [...auth.audience],
  };
}

/** The route of `provider` that `path` reaches. */
export function routeOf(provider: Provider, path: string): Route {
  const route = provider.routes.find((r) =>
    new RegExp(`^${r.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(path.split('?')[0] ?? ''),
  );
  if (!route) throw new Error(`${provider.name}: no route for ${path}`);
  return route;
}

// ---- The core: verify() and authenticate() ----------------------------------------------------------------------

/** Runs every provider's cases through `verifier.authenticate(new Request(...))` and `verifier.verify(token)`. */
export function runCoreCases(providers: readonly Provider[]): void {
  for (const provider of providers) {
    describe(`core: ${provider.name}`, () => {
      let loopback: Loopback;
      let setup: ProviderSetup;
      beforeAll(async () => {
        loopback = await startLoopback();
        setup = await provider.setup(loopback);
      });
      afterAll(async () => {
        await setup?.close?.();
        await loopback?.close();
      });

      for (const testCase of provider.cases) {
        it(testCase.name, async () => {
          const verifier = createVerifier(setup.options);
          for (const step of testCase.steps) {
            const token = tokenOf(setup, step);
            const route = routeOf(provider, step.path);
            const scopes = {
              ...(route.scopes ? { scopes: route.scopes } : {}),
              scopeMatch: route.match ?? 'all',
            };
            const request = new Request(`https://api.test${step.path}`, {
              headers: { authorization: `Bearer ${token}` },
            });
            expectOutcome(await settle(verifier.authenticate(request, scopes)), step.expect, 'authenticate');
            const audience = step.audience === undefined ? {} : { audience: step.audience };
            expectOutcome(
              await settle(verifier.verify(token, { ...scopes, ...audience })),
              step.expect,
              'verify',
            );
          }
        });
      }

      for (const check of provider.coreChecks ?? []) {
        it(check.name, () => check.run({ loopback, setup, verifier: createVerifier(setup.options) }));
      }
    });
  }
}

async function settle(promise: Promise<AccessToken>): Promise<AccessToken | AuthError> {
  try {
    return await promise;
  } catch (error) {
    if (isAuthError(error)) return error;
    throw error;
  }
}

function expectOutcome(outcome: AccessToken | AuthError, expected: Expected, via: string): void {
  if (expected.status === 200) {
    expect(outcome, via).not.toBeInstanceOf(AuthError);
    expect(seen(outcome as AccessToken), via).toEqual(expected.auth);
    return;
  }
  expect(outcome, via).toBeInstanceOf(AuthError);
  const error = outcome as AuthError;
  if (expected.status === 403) {
    expect({ status: error.status, reason: error.reason, scopes: error.scopes?.join(' ') }, via).toEqual({
      status: 403,
      reason: 'insufficient_scope',
      scopes: expected.scope,
    });
    return;
  }
  expect({ status: error.status, reason: error.reason, description: error.description }, via).toEqual({
    status: 401,
    reason: expected.reason,
    description: descriptionOf(expected),
  });
}

const descriptionOf = (expected: Expected & { status: 401 }) =>
  expected.description ?? new AuthError(expected.reason).description;

function tokenOf(setup: ProviderSetup, step: Step): string {
  const token = setup.tokens[step.token];
  if (token === undefined) throw new Error(`no token named ${step.token}`);
  return token;
}

// ---- Over HTTP, through a framework ---------------------------------------------------------------------------

/** Builds the provider's app in one framework from the recipe's options, listening on loopback. */
export type AppBuilder = (provider: Provider, options: VerifierOptions) => Target | Promise<Target>;

/**
 * Runs every provider's cases over real HTTP: status, the exact `WWW-Authenticate` challenge and JSON body, what
 * the route saw as the token, and — from the `audguard:decision` audit channel — the reason of each refusal.
 */
export function runFrameworkCases(
  framework: string,
  providers: readonly Provider[],
  build: AppBuilder,
): void {
  for (const provider of providers) {
    describe(`${framework}: ${provider.name}`, () => {
      let loopback: Loopback;
      let setup: ProviderSetup;
      const decisions: DecisionEvent[] = [];
      const record = (event: unknown) => decisions.push(event as DecisionEvent);
      beforeAll(async () => {
        subscribe('audguard:decision', record);
        loopback = await startLoopback();
        setup = await provider.setup(loopback);
      });
      afterAll(async () => {
        unsubscribe('audguard:decision', record);
        await setup?.close?.();
        await loopback?.close();
      });

      for (const testCase of provider.cases) {
        it(testCase.name, async () => {
          // A fresh app (and verifier) per case: steps of one case share a cache, cases do not.
          const target = await build(provider, setup.options);
          try {
            for (const step of testCase.steps) {
              decisions.length = 0;
              const response = await target.send({
                path: step.path,
                headers: [['Authorization', `Bearer ${tokenOf(setup, step)}`]],
              });
              expectResponse(response, step.expect, decisions);
            }
          } finally {
            await target.close();
          }
        });
      }
    });
  }
}

function expectResponse(response: CaseResponse, expected: Expected, decisions: readonly DecisionEvent[]) {
  // One decision per check on the audit channel: the guard's, then (for a 403) the route's refusal of the scopes.
  expect(decisions).toHaveLength(expected.status === 403 ? 2 : 1);
  const decision = decisions.at(-1);
  if (expected.status === 200) {
    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: expected.auth });
    expect(decision?.outcome).toBe('accepted');
    return;
  }
  if (expected.status === 403) {
    expect({
      status: response.status,
      challenge: response.headers['www-authenticate'],
      body: response.body,
    }).toEqual({
      status: 403,
      challenge: expect.stringMatching(
        new RegExp(
          `^Bearer realm="api", error="insufficient_scope", error_description="[^"]+", scope="${escapeRegExp(expected.scope)}"$`,
        ),
      ),
      body: { error: 'insufficient_scope', error_description: expect.any(String), scope: expected.scope },
    });
    expect(decisions.map((d) => [d.outcome, d.reason])).toEqual([
      ['accepted', undefined],
      ['refused', 'insufficient_scope'],
    ]);
    return;
  }
  const description = descriptionOf(expected);
  expect({
    status: response.status,
    challenge: response.headers['www-authenticate'],
    cacheControl: response.headers['cache-control'],
    body: response.body,
    reason: decision?.reason,
  }).toEqual({
    status: 401,
    // RFC 6750 §3: quotes and backslashes cannot appear in an auth-param value; the renderer drops them.
    challenge: `Bearer realm="api", error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"`,
    cacheControl: 'no-store',
    body: { error: 'invalid_token', error_description: description },
    reason: expected.reason,
  });
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
