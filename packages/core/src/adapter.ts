/**
 * @audguard/core/adapter — what a framework adapter needs and an API developer does not: the checks every guard
 * makes at setup (`resolveGuard`, `checkScopeList`), the synchronous `authenticateNow`, the error for a route
 * without a guard, and the guard's state type. audguard's Express, Hono and Koa adapters are built on these alone,
 * so each stays a few dozen lines of translation.
 *
 * @packageDocumentation
 */

import { VERIFIER_OPTIONS } from './config/settings.js';
import { ConfigurationError } from './errors.js';
import type { AuthenticateRequest } from './extract.js';
import { unknownOption } from './lib/known-options.js';
import type { Maybe } from './lib/maybe.js';
import { isScopeToken } from './lib/scope-token.js';
import type { VerifierOptions } from './options.js';
import type { AccessToken } from './types.js';
import {
  type AuthenticateOptions,
  createVerifier,
  type ScopeMatch,
  VERIFIER,
  type Verifier,
  type VerifierInternals,
} from './verifier.js';

export type { Maybe } from './lib/maybe.js';

/** The options every framework guard takes beside the verifier's own; `resolveGuard` checks them. */
export interface GuardOptions {
  /**
   * `true` (default): a request without credentials gets 401. `false`: it passes with no token — a
   * presented-but-bad token is still refused.
   */
  credentialsRequired?: boolean;
  /** Scopes every request through this guard needs (403 `insufficient_scope` otherwise). Default: none. */
  scopes?: readonly string[];
  /** How `scopes` combine: `'all'` (default) or `'any'`. */
  scopeMatch?: ScopeMatch;
}

/** Everything a guard decided at setup; shared by every request it sees. For adapter authors. */
export interface GuardState<Mode extends string = never> {
  readonly verifier: Verifier<object>;
  readonly authenticate: Readonly<AuthenticateOptions>;
  /** Who renders refusals, for adapters that offer a choice (the first mode is the default). */
  readonly errors: Mode;
}

function fail(message: string): never {
  throw new ConfigurationError(`audguard: ${message}`);
}

/**
 * Resolves `guard(optionsOrVerifier, guardOptions?)` once, at setup: builds the verifier when given its
 * options, and checks the guard options with messages that say what to fix. `modes` lists the values of the
 * adapter's `errors` option, default first; with none, the adapter has no such option.
 */
export function resolveGuard<Mode extends string = never>(
  first: unknown,
  second: unknown,
  modes: readonly Mode[] = [],
): GuardState<Mode> {
  const guardKeys = ['credentialsRequired', 'scopes', 'scopeMatch', ...(modes.length > 0 ? ['errors'] : [])];
  if (typeof first !== 'object' || first === null) {
    fail('guard() needs verifier options ({ issuer, audience, ... }) or a verifier from createVerifier().');
  }
  if (second !== undefined && (typeof second !== 'object' || second === null)) {
    fail('guard(): the second argument must be an options object.');
  }
  const extra = (second ?? {}) as Record<string, unknown>;
  const typo = unknownOption(extra, guardKeys, 'guard()');
  if (typo !== undefined) fail(`${typo} (guard options are ${guardKeys.join(', ')})`);

  let verifier: Verifier<object>;
  let options: Record<string, unknown>;
  if (isVerifier(first)) {
    verifier = first;
    options = extra;
  } else {
    // One object holds both kinds of option: a typo is named against both (`credentialsRequred` is a guard option).
    const typoInFirst = unknownOption(first, [...guardKeys, ...VERIFIER_OPTIONS], 'guard()');
    if (typoInFirst !== undefined) fail(typoInFirst);
    const { credentialsRequired, scopes, scopeMatch, errors, ...verifierOptions } = first as Record<
      string,
      unknown
    >;
    verifier = createVerifier(verifierOptions as unknown as VerifierOptions);
    options = { credentialsRequired, scopes, scopeMatch, errors, ...extra };
  }

  const authenticate: AuthenticateOptions = {};
  const { credentialsRequired, scopes, scopeMatch, errors } = options;
  if (credentialsRequired !== undefined) {
    if (typeof credentialsRequired !== 'boolean') fail('guard(): credentialsRequired must be true or false.');
    authenticate.credentialsRequired = credentialsRequired as boolean;
  }
  if (scopes !== undefined) {
    if (!Array.isArray(scopes)) fail("guard(): scopes must be an array, e.g. ['orders:read'].");
    authenticate.scopes = checkScopeList(scopes as unknown[], 'guard(): scopes', true);
  }
  if (scopeMatch !== undefined) {
    if (scopeMatch !== 'all' && scopeMatch !== 'any') fail("guard(): scopeMatch must be 'all' or 'any'.");
    authenticate.scopeMatch = scopeMatch as ScopeMatch;
  }
  if (errors !== undefined && !(modes as readonly unknown[]).includes(errors)) {
    fail(
      modes.length === 0
        ? 'guard(): unknown option "errors".'
        : `guard(): errors must be ${modes.map((m) => `'${m}'`).join(' or ')}.`,
    );
  }
  return Object.freeze({
    verifier,
    authenticate: Object.freeze(authenticate),
    errors: ((errors as Mode | undefined) ?? modes[0]) as Mode,
  });
}

/** Checks a list of required scopes at setup (each an RFC 6749 scope-token). For adapter authors. */
export function checkScopeList(
  scopes: readonly unknown[],
  where: string,
  allowEmpty = false,
): readonly string[] {
  if (scopes.length === 0 && !allowEmpty) fail(`${where} needs at least one scope.`);
  for (const scope of scopes) {
    if (!isScopeToken(scope)) {
      fail(
        `${where}: ${JSON.stringify(scope)} is not a scope; pass each scope as its own non-empty string ` +
          'without spaces, quotes or backslashes.',
      );
    }
  }
  return Object.freeze([...(scopes as string[])]);
}

/** The error for `requireScopes()` on a route that `guard()` did not run on first. For adapter authors. */
export function notMounted(name: string): ConfigurationError {
  return new ConfigurationError(
    `audguard: ${name} found no guard on this request; mount guard() before it (app.use(guard(...))).`,
  );
}

/**
 * True when `value` is a verifier made by `createVerifier` (recognised by its brand, also across duplicated copies
 * of this package), rather than options.
 */
export function isVerifier(value: unknown): value is Verifier<object> {
  return (
    typeof value === 'object' && value !== null && typeof internals(value)?.authenticateNow === 'function'
  );
}

/**
 * `verifier.authenticate()` for adapter authors: the same checks, but the answer comes synchronously whenever no
 * I/O is needed (a cached token, or loaded keys on the `node:crypto` backend) — a refusal is then thrown at once —
 * and as a promise otherwise. Framework middleware uses it to skip a promise and a microtask per request.
 *
 * @example
 * ```ts
 * const result = authenticateNow(verifier, request, { credentialsRequired: true });
 * if (result instanceof Promise) result.then(proceed, refuse);
 * else proceed(result);
 * ```
 */
export function authenticateNow<Claims extends object>(
  verifier: Verifier<Claims>,
  request: AuthenticateRequest,
  options: AuthenticateOptions = {},
): Maybe<AccessToken<Claims> | undefined> {
  const brand = internals(verifier);
  if (brand === undefined) {
    throw new ConfigurationError('audguard: authenticateNow() needs a verifier from createVerifier().');
  }
  return brand.authenticateNow(request, options) as Maybe<AccessToken<Claims> | undefined>;
}

/**
 * What `requireScopes` / `requireAnyScope` decide, for adapter authors: the route's scopes on the token the guard
 * set. Only a token the guard's verifier produced counts (a look-alike object assigned by application code is
 * refused with 401 `unverified_token`); no token at all is 401 with the scopes named; missing scopes are 403 naming
 * every scope the operation needs — the guard's own and the route's — so a client re-authorizes once. The decision is
 * published on `audguard:decision` with the request.
 *
 * @example
 * ```ts
 * authorizeScopes(state, req.auth, ['orders:write'], 'all', req); // throws an AuthError, or returns
 * ```
 */
export function authorizeScopes(
  state: GuardState<string>,
  token: unknown,
  required: readonly string[],
  match: ScopeMatch,
  request?: AuthenticateRequest,
): void {
  const brand = internals(state.verifier) as VerifierInternals;
  const needed = [...new Set([...(state.authenticate.scopes ?? []), ...required])];
  brand.authorize(token, required, match, needed, request);
}

function internals(value: object): VerifierInternals | undefined {
  return (value as { [VERIFIER]?: VerifierInternals })[VERIFIER];
}
