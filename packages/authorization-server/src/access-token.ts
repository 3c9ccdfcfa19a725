import { SignJWT } from 'jose';
import { randomToken } from './crypto.js';
import { issuerOf, type ServerContext } from './server-context.js';

/** Who and what an access token is for. */
export interface AccessTokenRequest {
  subject: string;
  clientId: string;
  audience: readonly string[];
  scopes: readonly string[];
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
 * `aud` a string when there is one audience and an array otherwise.
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
  const token = await new SignJWT({ client_id: request.clientId, scope: request.scopes.join(' ') })
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
