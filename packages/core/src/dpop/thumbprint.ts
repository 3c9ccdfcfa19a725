import { sha256Base64url } from '../lib/digest.js';
import type { Maybe } from '../lib/maybe.js';
import type { JsonWebKey } from '../types.js';

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const REQUIRED: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
};

/**
 * The RFC 7638 JWK SHA-256 thumbprint of a public key, base64url: what a DPoP-bound token names in `cnf.jkt`
 * (RFC 9449 §6.1). `undefined` for a key type without one here, or a required member that is not a string.
 */
export function jwkThumbprint(jwk: JsonWebKey): Maybe<string> | undefined {
  const members = REQUIRED[jwk.kty];
  if (members === undefined) return undefined;
  const parts: string[] = [];
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') return undefined;
    // JSON.stringify writes the canonical form RFC 7638 §3.3 asks for: no whitespace, minimal escapes.
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }
  return sha256Base64url(`{${parts.join(',')}}`);
}
