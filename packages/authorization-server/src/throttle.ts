import { createHash } from 'node:crypto';
import type { ServerContext } from './server-context.js';

/**
 * Attempt limits in fixed windows of `attemptLimits.windowSeconds`, aligned to the clock (window `k` covers
 * `[k·w, (k+1)·w)`), so a lock ends on time and `Retry-After` is exact. Every counter is a `Store.increment`.
 *
 * Sign-ins ({@link reserveAttempt}): a password costs an scrypt hash, so attempts are counted *before* it is checked
 * — of a burst of concurrent guesses only as many as the limit allows are hashed at all — and a success gives its
 * attempt back (failures = attempts − successes).
 *
 * Client secrets ({@link countClientFailure}, {@link clientLockedFor}): a secret is compared in microseconds, so it
 * is compared first and only failures are counted (a good secret writes nothing); each failure's count is unique,
 * so of concurrent wrong guesses exactly the limit are answered 401, and a good secret is refused once the count has
 * reached the limit.
 */

/** A throttle key and its limit of failures per window. */
export interface Limit {
  readonly key: string;
  readonly limit: number;
}

/** The outcome of {@link reserveAttempt}. */
export type Reservation =
  | { readonly locked: true; readonly retryAfter: number }
  | { readonly locked: false; succeeded(): Promise<void> };

/** The limit on failed sign-ins for a username, known or not (hashed: the key holds no user input). */
export function userLimit(ctx: ServerContext, username: string): Limit {
  const hash = createHash('sha256').update(username).digest('base64url');
  return { key: `sign-in:user:${hash}`, limit: ctx.settings.attemptLimits.perUser };
}

/** The limit on failed sign-ins through one client's login pages. */
export function clientSignInLimit(ctx: ServerContext, clientId: string): Limit {
  return { key: `sign-in:client:${clientId}`, limit: ctx.settings.attemptLimits.perClient };
}

/** The limit on failed authentications of a registered confidential client at /token and /revoke. */
export function clientAuthenticationLimit(ctx: ServerContext, clientId: string): Limit {
  return { key: `client-auth:${clientId}`, limit: ctx.settings.attemptLimits.clientAuthentication };
}

/** The current window: its index, when it ends (ms) and the seconds until then (at least 1). */
function currentWindow(ctx: ServerContext): { index: number; end: number; retryAfter: number } {
  const window = ctx.settings.attemptLimits.windowSeconds * 1000;
  const now = ctx.settings.now();
  const index = Math.floor(now / window);
  const end = (index + 1) * window;
  return { index, end, retryAfter: Math.max(1, Math.ceil((end - now) / 1000)) };
}

/**
 * Reserves one attempt under each limit, in order, stopping at the first that is exhausted. When none is, the
 * caller checks the password and calls `succeeded()` if it matched; a failure needs nothing more.
 */
export async function reserveAttempt(ctx: ServerContext, limits: readonly Limit[]): Promise<Reservation> {
  const { index, end, retryAfter } = currentWindow(ctx);
  const reserved: string[] = [];
  for (const { key, limit } of limits) {
    const windowed = `${key}:${index}`;
    const attempts = await ctx.records.countAttempt(windowed, retryAfter);
    reserved.push(windowed);
    if (attempts - (await ctx.records.successes(windowed)) > limit) return { locked: true, retryAfter };
  }
  return {
    locked: false,
    succeeded: async () => {
      const left = (end - ctx.settings.now()) / 1000;
      if (left > 0) await Promise.all(reserved.map((key) => ctx.records.countSuccess(key, left)));
    },
  };
}

/** Counts a failed client authentication; returns the seconds to wait when this failure is beyond the limit. */
export async function countClientFailure(ctx: ServerContext, limit: Limit): Promise<number | undefined> {
  const { index, retryAfter } = currentWindow(ctx);
  const failures = await ctx.records.countFailure(`${limit.key}:${index}`, retryAfter);
  return failures > limit.limit ? retryAfter : undefined;
}

/** The seconds to wait when a client's failures in this window have reached the limit, else `undefined`. */
export async function clientLockedFor(ctx: ServerContext, limit: Limit): Promise<number | undefined> {
  const { index, retryAfter } = currentWindow(ctx);
  return (await ctx.records.failures(`${limit.key}:${index}`)) >= limit.limit ? retryAfter : undefined;
}
