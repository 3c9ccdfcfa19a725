import { ASYMMETRIC_ALGORITHMS } from '@audguard/core';
import { createLocalJWKSet, decodeJwt, errors, type JSONWebKeySet, jwtVerify } from 'jose';
import { sha256 } from '../crypto.js';
import { OAuthError } from '../errors.js';
import { endpointUrl, issuerOf, type ServerContext } from '../server-context.js';
import type { Client } from '../settings.js';

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * The signature algorithms accepted for client assertions: asymmetric only (no shared secret exists) — the very
 * list the core verifies tokens and DPoP proofs with.
 */
export const ASSERTION_ALGORITHMS: string[] = [...ASYMMETRIC_ALGORITHMS];

/** The longest an assertion may live, in seconds (`exp` at most this far ahead): they are single-use anyway. */
export const MAX_ASSERTION_LIFETIME = 300;
const CLOCK_TOLERANCE = 5;

const failed = (why: string) => new OAuthError('invalid_client', `The client assertion ${why}.`);

/** The client an assertion claims to be (its `sub`, equal to its `iss`), read before the signature is checked. */
export function assertionSubject(assertion: string): string {
  let claims: { iss?: unknown; sub?: unknown };
  try {
    claims = decodeJwt(assertion);
  } catch {
    throw failed('is not a JWT');
  }
  if (typeof claims.sub !== 'string' || claims.sub === '' || claims.iss !== claims.sub) {
    throw failed('must have iss and sub both equal to the client_id (RFC 7523 §3)');
  }
  return claims.sub;
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === 'aud'
      ? 'is not addressed to this server'
      : `has an unacceptable ${error.claim} claim`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'uses a signature algorithm that is not accepted';
  return "signature does not verify with the client's keys";
}

/**
 * Verifies a `private_key_jwt` client assertion (RFC 7523 §3, §2.2) with the client's published keys: an asymmetric
 * signature, `iss` = `sub` = the client_id, `aud` naming this server (its issuer or the token, revocation or
 * introspection endpoint), `exp` at most {@link MAX_ASSERTION_LIFETIME} seconds ahead, and a `jti` never seen before (kept in the
 * store until the assertion expires, so a replay is refused on every instance). Failure is `invalid_client`.
 */
export async function verifyClientAssertion(
  ctx: ServerContext,
  client: Client,
  assertion: string,
): Promise<void> {
  // A configured client's keys are inline; a self-described one's come with its document (or its jwks_uri).
  const inline = client.keys !== undefined && 'jwks' in client.keys ? client.keys.jwks : undefined;
  const keys = (inline ?? (await ctx.documents?.keys(client))) as JSONWebKeySet | undefined;
  if (keys === undefined) throw failed('cannot be checked: no keys are known for this client');
  const now = ctx.settings.now();
  let payload: { exp?: number; jti?: unknown };
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet(keys), {
      issuer: client.clientId,
      subject: client.clientId,
      audience: [
        issuerOf(ctx),
        endpointUrl(ctx, '/token'),
        endpointUrl(ctx, '/revoke'),
        endpointUrl(ctx, '/introspect'),
      ],
      algorithms: ASSERTION_ALGORITHMS,
      currentDate: new Date(now),
      clockTolerance: CLOCK_TOLERANCE,
      requiredClaims: ['exp', 'jti'],
    }));
  } catch (error) {
    throw failed(reasonOf(error));
  }
  const remaining = (payload.exp ?? 0) - now / 1000;
  if (remaining > MAX_ASSERTION_LIFETIME + CLOCK_TOLERANCE) {
    throw failed(`lives longer than ${MAX_ASSERTION_LIFETIME} seconds`);
  }
  if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > 256) {
    throw failed('needs a jti of at most 256 characters');
  }
  const fresh = await ctx.records.useAssertion(
    await sha256(`${client.clientId}\n${payload.jti}`),
    remaining + CLOCK_TOLERANCE,
  );
  if (!fresh) throw failed('was already used (its jti is single-use, RFC 7523 §3)');
}
