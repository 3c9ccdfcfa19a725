import { SignJWT } from 'jose';
import { randomToken } from './crypto.js';
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

/**
 * Signs an RFC 9068 access token (`typ: at+jwt`) with the current key: `iss sub aud exp iat jti client_id scope`,
 * `aud` a string when there is one audience and an array otherwise; plus `cnf: { jkt }` when DPoP-bound.
 */
export async function issueAccessToken(
  ctx: ServerContext,
  request: AccessTokenRequest,
): Promise<IssuedAccessToken> {
  const key = await ctx.keys.signingKey();
  const iat = Math.floor(ctx.settings.now() / 1000);
  const expiresIn = ctx.settings.accessTokenLifetime;
  const exp = iat + expiresIn;
  const jti = randomToken(16);
  const [single] = request.audience;
  const aud = request.audience.length === 1 && single !== undefined ? single : [...request.audience];
  const claims = {
    client_id: request.clientId,
    scope: request.scopes.join(' '),
    ...(request.jkt === undefined ? {} : { cnf: { jkt: request.jkt } }),
  };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: 'at+jwt', kid: key.kid })
    .setIssuer(issuerOf(ctx))
    .setSubject(request.subject)
    .setAudience(aud)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(jti)
    .sign(key.privateKey);
  return { token, jti, exp, expiresIn };
}
