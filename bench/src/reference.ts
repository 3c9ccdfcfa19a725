/**
 * The floor a real server can reach: a minimal synchronous verifier on `node:crypto` with keys imported once, making
 * the same claim checks as everyone else (`iss`, `aud`, `exp`) and nothing more — no key fetching, no cache, no
 * `typ`/`crit` policy, no RFC 6750 error rendering.
 */
import { createPublicKey, type JsonWebKey, type KeyObject, verify } from 'node:crypto';

export interface ReferenceOptions {
  issuer: string;
  audience: string;
  keys: readonly JsonWebKey[];
}

export type ReferenceVerify = (token: string) => Record<string, unknown> | undefined;

/** Returns the token's claims, or `undefined` when it must be refused. */
export function createReferenceVerifier(options: ReferenceOptions): ReferenceVerify {
  const keys = new Map<string, { alg: string; key: KeyObject }>();
  for (const jwk of options.keys) {
    keys.set(String(jwk.kid), { alg: String(jwk.alg), key: createPublicKey({ key: jwk, format: 'jwk' }) });
  }
  const { issuer, audience } = options;
  return (token) => {
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    if (first <= 0 || second <= first || token.indexOf('.', second + 1) !== -1) return undefined;
    try {
      const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8'));
      const entry = keys.get(header.kid);
      if (!entry || entry.alg !== header.alg) return undefined;
      const data = Buffer.from(token.slice(0, second), 'latin1');
      const signature = Buffer.from(token.slice(second + 1), 'base64url');
      const ok =
        entry.alg === 'ES256'
          ? verify('sha256', data, { key: entry.key, dsaEncoding: 'ieee-p1363' }, signature)
          : verify('sha256', data, entry.key, signature);
      if (!ok) return undefined;
      const claims = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
      if (claims.iss !== issuer) return undefined;
      const aud = claims.aud;
      if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience)))) return undefined;
      if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  };
}
