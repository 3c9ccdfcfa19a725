/** Signing keys, their published JWKS, and tokens signed with plain `node:crypto` (fast enough for 100,000). */
import {
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';

export type Alg = 'RS256' | 'ES256';
export const ALGS: readonly Alg[] = ['RS256', 'ES256'];

export interface SigningKey {
  alg: Alg;
  kid: string;
  privateKey: KeyObject;
  publicJwk: JsonWebKey;
}

export function generateSigningKey(alg: Alg, kid: string): SigningKey {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    alg,
    kid,
    privateKey,
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' },
  };
}

export interface Claims {
  iss: string;
  aud: string;
  sub?: string;
  exp?: number;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An RFC 9068 access token (`typ: at+jwt`) for `claims`, valid for an hour unless `exp` is given. */
export function signToken(key: SigningKey, claims: Claims, kid = key.kid): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64({ alg: key.alg, typ: 'at+jwt', kid });
  const payload = b64({
    iss: claims.iss,
    sub: claims.sub ?? 'user-1',
    aud: claims.aud,
    exp: claims.exp ?? now + 3600,
    iat: now,
    jti: randomUUID(),
    client_id: 'bench-client',
    scope: 'orders:read',
  });
  const input = `${header}.${payload}`;
  const signature =
    key.alg === 'RS256'
      ? sign('sha256', Buffer.from(input), key.privateKey)
      : sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** `count` distinct tokens (each has its own `jti` and `sub`). */
export function signTokens(key: SigningKey, claims: Claims, count: number, kid?: string): string[] {
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) out[i] = signToken(key, { ...claims, sub: `user-${i}` }, kid);
  return out;
}

/**
 * The raw signature check of one token, and nothing else: `crypto.verify` on its signing input with the public key
 * imported once. The micro-benchmark's floor and the speed probe both time this.
 */
export function rawVerify(key: SigningKey, token: string): () => boolean {
  const dot = token.lastIndexOf('.');
  const data = Buffer.from(token.slice(0, dot));
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  const publicKey = createPublicKey({ key: key.publicJwk, format: 'jwk' });
  const keyInput = key.alg === 'ES256' ? { key: publicKey, dsaEncoding: 'ieee-p1363' as const } : publicKey;
  return () => verify('sha256', data, keyInput, signature);
}
