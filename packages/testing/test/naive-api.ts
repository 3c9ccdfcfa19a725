// A hand-written resource server with one deliberate flaw, the kind of code the kit exists to catch.
import { base64url, compactVerify, createRemoteJWKSet, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { SendRequest } from '../src/index.js';

export type Flaw = 'skips-audience' | 'accepts-alg-none' | 'ignores-expiry';

export interface NaiveApiOptions {
  issuer: string;
  audience: string;
  scope: string;
  flaw: Flaw;
}

/** A fetch-style API answering `GET /orders`, verifying tokens by hand — except for its one flaw. */
export function naiveApi({
  issuer,
  audience,
  scope,
  flaw,
}: NaiveApiOptions): (request: Request) => Promise<Response> {
  const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  const decode = (part: string | undefined) =>
    JSON.parse(new TextDecoder().decode(base64url.decode(part ?? ''))) as JWTPayload;

  async function verify(token: string): Promise<JWTPayload> {
    const header = decodeProtectedHeader(token);
    const claims =
      flaw === 'accepts-alg-none' && header.alg === 'none'
        ? decode(token.split('.')[1])
        : decode(base64url.encode((await compactVerify(token, keys, { algorithms: ['RS256'] })).payload));
    const now = Date.now() / 1000;
    if (header.typ !== 'at+jwt') throw new Error('typ');
    if (claims.iss !== issuer) throw new Error('iss');
    if (flaw !== 'skips-audience' && ![claims.aud].flat().includes(audience)) throw new Error('aud');
    if (flaw !== 'ignores-expiry' && !(typeof claims.exp === 'number' && claims.exp > now))
      throw new Error('exp');
    if (typeof claims.nbf === 'number' && claims.nbf > now) throw new Error('nbf');
    return claims;
  }

  return async (request) => {
    const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
    if (token === undefined) return new Response(null, { status: 401 });
    let claims: JWTPayload;
    try {
      claims = await verify(token);
    } catch {
      return new Response(null, { status: 401 });
    }
    if (
      !String(claims.scope ?? '')
        .split(' ')
        .includes(scope)
    )
      return new Response(null, { status: 403 });
    return Response.json({ orders: [] });
  };
}

/** The kit's `request` for a fetch-style handler. */
export function sendTo(handler: (request: Request) => Promise<Response>): SendRequest {
  return ({ method, path, headers }) => handler(new Request(`http://api.test${path}`, { method, headers }));
}
