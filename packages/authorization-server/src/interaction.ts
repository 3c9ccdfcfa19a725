import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomToken } from './crypto.js';
import type { InteractionRecord } from './records.js';
import { issuerOf, type ServerContext } from './server-context.js';

/**
 * A login and consent page waiting for the user. It is not stored: it travels in the page's form, signed, and
 * comes back when the form is posted, so a `GET /authorize` costs the server no memory (issue 15, finding 1). The
 * store is written only when a form is posted, to make each form single-use (see `Records.countFormPost`).
 * @internal
 */
export interface PendingLogin {
  /** The pending request's id: one per `GET /authorize`, kept by the forms that show it again. */
  readonly id: string;
  /** Which form of the pending request this is: 1 for the first, one more each time it is shown again. */
  readonly attempt: number;
  /** When the pending request expires, in milliseconds since the epoch. Showing it again does not extend it. */
  readonly expiresAt: number;
  /** The hash of the browser-binding cookie set by `GET /authorize` (see `browser-binding.ts`). */
  readonly browser: string;
  /** What the user is asked to consent to. */
  readonly request: InteractionRecord;
}

/** The form fields that carry a {@link PendingLogin}: the payload and its signature. */
export interface SealedLogin {
  /** base64url of the pending login's JSON. Signed, not encrypted: it holds nothing the user may not see. */
  readonly interaction: string;
  /** base64url HMAC-SHA256 of the payload under the interaction secret, bound to the issuer. */
  readonly csrfToken: string;
}

/** A fresh pending login for `request` in `browser`, expiring one interaction lifetime from now. */
export function newPendingLogin(
  ctx: ServerContext,
  request: InteractionRecord,
  browser: string,
): PendingLogin {
  return {
    id: randomToken(16),
    attempt: 1,
    expiresAt: ctx.settings.now() + ctx.settings.interactionLifetime * 1000,
    browser,
    request,
  };
}

// The issuer is signed along, so a form of one issuer is never accepted by another sharing the secret.
function sign(ctx: ServerContext, payload: string): Buffer {
  return createHmac('sha256', ctx.settings.interactionSecret)
    .update(`audguard-interaction-v1\n${issuerOf(ctx)}\n${payload}`)
    .digest();
}

/** Signs a pending login into the form fields that carry it. */
export function sealLogin(ctx: ServerContext, login: PendingLogin): SealedLogin {
  const interaction = Buffer.from(JSON.stringify(login)).toString('base64url');
  return { interaction, csrfToken: sign(ctx, interaction).toString('base64url') };
}

const base64url = /^[A-Za-z0-9_-]+$/;

/**
 * The pending login a posted form carries, or `undefined` when the signature does not match (a forged or edited
 * form, or one signed by a server with another secret). The signature is compared in constant time. Expiry is the
 * caller's to check, so it can say so.
 */
export function openLogin(
  ctx: ServerContext,
  interaction: string | undefined,
  csrfToken: string | undefined,
): PendingLogin | undefined {
  if (interaction === undefined || csrfToken === undefined) return undefined;
  if (!base64url.test(interaction) || !base64url.test(csrfToken)) return undefined;
  const expected = sign(ctx, interaction);
  const given = Buffer.from(csrfToken, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  // Signed by a server with this secret, so well formed — unless that server ran another version.
  try {
    const login = JSON.parse(Buffer.from(interaction, 'base64url').toString('utf8')) as PendingLogin;
    if (typeof login.id !== 'string' || !Number.isInteger(login.attempt)) return undefined;
    if (typeof login.expiresAt !== 'number' || typeof login.browser !== 'string') return undefined;
    if (typeof login.request?.clientId !== 'string') return undefined;
    return login;
  } catch {
    return undefined;
  }
}
