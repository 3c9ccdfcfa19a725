import { type AuthError, isAuthError } from '@audguard/core';
import { dpopProofHeaders } from '@audguard/core/protocol';
import { OAuthError, UseDpopNonceError } from './errors.js';
import { endpointUrl, type ServerContext } from './server-context.js';
import type { Client } from './settings.js';

/**
 * DPoP at the token endpoint (RFC 9449 §5): the `DPoP` proof of a token request, checked by the resource server's
 * own check (`createDpopProofCheck`) for `POST` and the token endpoint's URL — built from the issuer, never from
 * `Host` — and recorded in the replay cache. What the proof's key is then bound to is the grants' business.
 */

/** A DPoP thumbprint (`dpop_jkt`, RFC 9449 §10): base64url of a SHA-256 digest, 43 characters. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/** Whether `value` can be a `dpop_jkt`. */
export function isThumbprint(value: string): boolean {
  return THUMBPRINT.test(value);
}

/**
 * The thumbprint of the request's valid proof, or `undefined` when DPoP is off or the request carries no proof (and
 * none is required). Throws 400 `invalid_dpop_proof`, 400 `use_dpop_nonce` with `DPoP-Nonce`, or 503 when the
 * replay cache cannot be reached.
 */
export async function tokenRequestKey(ctx: ServerContext, request: Request): Promise<string | undefined> {
  const dpop = ctx.settings.dpop;
  if (dpop === undefined) return undefined;
  const proofs = dpopProofHeaders(request);
  if (proofs.length === 0) {
    if (!dpop.required) return undefined;
    throw new OAuthError(
      'invalid_dpop_proof',
      'This server issues DPoP-bound tokens only: send a DPoP proof.',
    );
  }
  const [proof] = proofs;
  if (proof === undefined || proofs.length > 1) {
    throw new OAuthError('invalid_dpop_proof', 'Send one DPoP header with one proof.');
  }
  try {
    return await dpop.proofs.check(proof, { method: 'POST', url: endpointUrl(ctx, '/token') });
  } catch (error) {
    if (!isAuthError(error)) throw error;
    throw asOAuthError(error);
  }
}

function asOAuthError(error: AuthError): OAuthError {
  if (error.code === 'use_dpop_nonce' && error.dpopNonce !== undefined) {
    return new UseDpopNonceError(error.description, error.dpopNonce);
  }
  if (error.code === 'temporarily_unavailable') {
    return new OAuthError(
      'temporarily_unavailable',
      'The server cannot check DPoP proofs right now; try again shortly.',
      503,
      error.retryAfter ?? 1,
    );
  }
  return new OAuthError('invalid_dpop_proof', error.description);
}

/**
 * The current nonce, for the `DPoP-Nonce` header of a successful token response (§8: clients keep the newest), or
 * `undefined` when nonces are off.
 */
export async function currentNonce(ctx: ServerContext): Promise<string | undefined> {
  return ctx.settings.dpop?.proofs.currentNonce(endpointUrl(ctx, '/token'));
}

/**
 * Refuses a token request for a code or refresh token bound to `bound` unless its proof's key is that key. The RFC
 * names no error for this (§5, §10: "MUST reject"); `invalid_dpop_proof` says what the client must change.
 */
export function requireBoundKey(bound: string | undefined, key: string | undefined, what: string): void {
  if (bound === undefined || key === bound) return;
  if (key === undefined) {
    throw new OAuthError(
      'invalid_dpop_proof',
      `The ${what} is bound to a DPoP key: send a DPoP proof signed with it.`,
    );
  }
  throw new OAuthError(
    'invalid_dpop_proof',
    `The DPoP proof is signed by another key than the ${what} is bound to.`,
  );
}

/**
 * The key a refresh token issued now is bound to (§5): the proof's key for a public client; none for a
 * confidential one, whose refresh tokens its client authentication already sender-constrains.
 */
export function refreshTokenKey(client: Client, key: string | undefined): string | undefined {
  const confidential =
    client.clientSecret !== undefined ||
    client.clientSecretHash !== undefined ||
    client.authMethod === 'private_key_jwt';
  return confidential ? undefined : key;
}
