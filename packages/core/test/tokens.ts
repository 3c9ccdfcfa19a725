import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import type { JsonWebKey, JwsAlgorithm } from '../src/index.js';

export const ISSUER = 'https://as.example.com';
export const AUDIENCE = 'https://orders.example.com';
export const OTHER_API = 'https://invoices.example.com';

/** A signing key with its public JWK, for minting test tokens. */
export interface TestKey {
  alg: JwsAlgorithm;
  kid: string;
  privateKey: CryptoKey;
  jwk: JsonWebKey;
}

export async function testKey(alg: JwsAlgorithm = 'RS256', kid = `${alg.toLowerCase()}-1`): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    alg,
    kid,
    privateKey,
    jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } as JsonWebKey,
  };
}

export interface MintOptions {
  header?: Record<string, unknown>;
  /** Claims to set; `undefined` values remove the default. */
  claims?: Record<string, unknown>;
}

/** Mints an RFC 9068 access token with sensible defaults, overridable claim by claim. */
export async function mint(key: TestKey, options: MintOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: ISSUER,
    sub: 'user-1',
    aud: AUDIENCE,
    client_id: 'client-1',
    scope: 'orders:read orders:write',
    iat: now,
    exp: now + 300,
    jti: crypto.randomUUID(),
    ...options.claims,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  const header = { alg: key.alg, kid: key.kid, typ: 'at+jwt', ...options.header };
  for (const [k, v] of Object.entries(header))
    if (v === undefined) delete (header as Record<string, unknown>)[k];
  return new SignJWT(claims as JWTPayload).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}

/** base64url of a JSON value. */
export function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Rewrites a token's header and/or payload without re-signing (a forgery). */
export function tamper(
  token: string,
  change: {
    header?: (h: Record<string, unknown>) => Record<string, unknown>;
    payload?: (p: Record<string, unknown>) => Record<string, unknown>;
  },
): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  return [
    change.header ? b64json(change.header(header)) : h,
    change.payload ? b64json(change.payload(payload)) : p,
    s,
  ].join('.');
}

/** Signs any header and payload with an RS256 key, bypassing jose's own header checks (for forged headers). */
export async function signRaw(
  key: TestKey,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
) {
  if (key.alg !== 'RS256') throw new Error('signRaw supports RS256 keys only');
  const input = `${b64json(header)}.${b64json(payload)}`;
  const signature = await crypto.subtle.sign(
    'RSASSA-PKCS1-v1_5',
    key.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}
