import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { randomToken, sha256 } from './crypto.js';
import type { SigningKey } from './keys.js';
import { issuerOf, type ServerContext } from './server-context.js';

/** Who and what an access token is for. */
export interface AccessTokenRequest {
  subject: string;
  clientId: string;
  audience: readonly string[];
  scopes: readonly string[];
  /** The DPoP key's RFC 7638 thumbprint the token is bound to (`cnf.jkt`, RFC 9449 §6.1); none for a Bearer token. */
  jkt?: string | undefined;
}

/** A signed access token and its id and expiry. */
export interface IssuedAccessToken {
  token: string;
  jti: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  expiresIn: number;
}

/** The claims of an access token, as signed in a JWT or kept for a reference token. @internal */
export type AccessTokenClaims = Record<string, unknown> & { jti: string; exp: number };

/**
 * A reference token is a random string: 32 bytes (256 bits) base64url, 43 characters, no dot — so it is never
 * taken for a JWT.
 */
const REFERENCE_TOKEN_BYTES = 32;

/** Whether any resource in `audience` wants reference tokens (then the token is one, for all of them). */
function wantsReference(ctx: ServerContext, audience: readonly string[]): boolean {
  return audience.some((id) => ctx.settings.resources.get(id)?.accessTokenFormat === 'reference');
}

/**
 * Issues an access token with `iss sub aud exp iat jti client_id scope`, `aud` a string when there is one audience
 * and an array otherwise: an RFC 9068 JWT (`typ: at+jwt`) signed with the current key, or — when a resource of the
 * audience has `accessTokenFormat: 'reference'` — an opaque random string whose claims are kept in the store for
 * the token's lifetime (under the hash of the token), for `/introspect` to answer from. A DPoP-bound token carries
 * `cnf: { jkt }` either way. `signingKey`: the key to sign with, when the caller read it already (default: the
 * current one, read now).
 */
export async function issueAccessToken(
  ctx: ServerContext,
  request: AccessTokenRequest,
  signingKey?: SigningKey,
): Promise<IssuedAccessToken> {
  const iat = Math.floor(ctx.settings.now() / 1000);
  const expiresIn = ctx.settings.accessTokenLifetime;
  const exp = iat + expiresIn;
  const jti = randomToken(16);
  const [single] = request.audience;
  const aud = request.audience.length === 1 && single !== undefined ? single : [...request.audience];
  const claims: AccessTokenClaims = {
    iss: issuerOf(ctx),
    sub: request.subject,
    aud,
    exp,
    iat,
    jti,
    client_id: request.clientId,
    scope: request.scopes.join(' '),
    ...(request.jkt === undefined ? {} : { cnf: { jkt: request.jkt } }),
  };
  if (wantsReference(ctx, request.audience)) {
    const token = randomToken(REFERENCE_TOKEN_BYTES);
    await ctx.records.saveReferenceToken(await sha256(token), claims, expiresIn);
    return { token, jti, exp, expiresIn };
  }
  const key = signingKey ?? (await ctx.keys.signingKey());
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: 'at+jwt', kid: key.kid })
    .sign(key.privateKey);
  return { token, jti, exp, expiresIn };
}

/** A reference token as issued: 43 base64url characters. Anything else is not looked up in the store. */
const REFERENCE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** An access token this server issued, read back: its claims, and for a reference token the hash it is kept under. */
export interface IssuedToken {
  readonly claims: Record<string, unknown> & { jti?: unknown; exp?: unknown; client_id?: unknown };
  /** Set for a reference token: the key of its record (see `Records.saveReferenceToken`). */
  readonly referenceHash: string | undefined;
}

/**
 * Reads back an access token this server issued and that has not expired: a JWT signed by one of its published
 * keys (`typ: at+jwt`, `iss` this issuer), or a reference token still in the store. `undefined` for anything
 * else — another server's token, a tampered, malformed or expired one, a reference token revoked or unknown. It
 * does not look at `revoked:<jti>`: revocation checks that itself.
 */
export async function readIssuedToken(ctx: ServerContext, token: string): Promise<IssuedToken | undefined> {
  const now = ctx.settings.now();
  if (REFERENCE_TOKEN.test(token)) {
    const referenceHash = await sha256(token);
    const claims = await ctx.records.getReferenceToken(referenceHash);
    // The store's TTL is rounded up to whole seconds; exp is the truth.
    if (claims === undefined || !(claims.exp > now / 1000)) return undefined;
    return { claims, referenceHash };
  }
  if (token.split('.').length !== 3) return undefined;
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(await ctx.keys.publicKeys()), {
      issuer: issuerOf(ctx),
      typ: 'at+jwt',
      currentDate: new Date(now),
      requiredClaims: ['exp', 'jti'],
    });
    return { claims: payload, referenceHash: undefined };
  } catch {
    return undefined; // not ours, malformed or expired
  }
}
