import { createHash } from 'node:crypto';
import { randomToken } from './crypto.js';
import { issuerOf, type ServerContext } from './server-context.js';

/**
 * Binds a pending login to the browser that began it (issue 15, finding 3). `GET /authorize` sets a cookie holding
 * a random value; the pending request carries that value's hash, signed; `POST /authorize/consent` requires the
 * cookie. `SameSite=Lax` keeps the cookie off cross-site POSTs, `HttpOnly` off scripts, and on an https issuer the
 * `__Host-` prefix (with `Secure`, `Path=/`, no `Domain`) keeps sibling subdomains from planting one.
 */

const cookieValue = /^[A-Za-z0-9_-]{43}$/;

function isHttps(ctx: ServerContext): boolean {
  return issuerOf(ctx).startsWith('https:');
}

/** `__Host-audguard-login` for an https issuer; `audguard-login` for http (browsers refuse `__Host-` without TLS). */
export function cookieName(ctx: ServerContext): string {
  return isHttps(ctx) ? '__Host-audguard-login' : 'audguard-login';
}

/** The values of this server's cookie in the request (more than one if a cookie was planted beside it). */
function cookiesOf(ctx: ServerContext, request: Request): string[] {
  const name = cookieName(ctx);
  const values: string[] = [];
  for (const pair of (request.headers.get('cookie') ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) values.push(pair.slice(eq + 1).trim());
  }
  return values.filter((value) => cookieValue.test(value));
}

/** The hash a pending login carries: base64url SHA-256 of the cookie value. */
function browserHash(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * The browser's binding for a new pending login: the cookie it already holds (so several tabs can sign in at once),
 * or a fresh one; and the `Set-Cookie` that (re)sets it for one interaction lifetime.
 */
export function bindBrowser(ctx: ServerContext, request: Request): { browser: string; setCookie: string } {
  const value = cookiesOf(ctx, request)[0] ?? randomToken(32);
  const secure = isHttps(ctx) ? '; Secure' : '';
  return {
    browser: browserHash(value),
    setCookie: `${cookieName(ctx)}=${value}; Path=/; Max-Age=${ctx.settings.interactionLifetime}; HttpOnly; SameSite=Lax${secure}`,
  };
}

/** Whether the request comes from the browser whose cookie hashes to `browser`. */
export function isSameBrowser(ctx: ServerContext, request: Request, browser: string): boolean {
  return cookiesOf(ctx, request).some((value) => browserHash(value) === browser);
}

/**
 * Whether the request may be a post of the issuer's own page: no `Origin` (older browsers, non-browser clients; the
 * cookie still decides), or exactly the issuer's origin. `Origin: null` is refused.
 */
export function isSameOrigin(ctx: ServerContext, request: Request): boolean {
  const origin = request.headers.get('origin');
  return origin === null || origin === new URL(issuerOf(ctx)).origin;
}
