/**
 * The attacker's forging kit: keys (ours, another issuer's, the attacker's), a signer that signs any header (so
 * forged `crit`, `jku`, `alg` headers can be made), an HMAC signer for algorithm confusion, honest claims and headers
 * to start from, and bit-level tampering.
 */
import {
  createHmac,
  generateKeyPairSync,
  type KeyObject,
  type JsonWebKey as NodeJwk,
  constants as nodeConstants,
  sign as nodeSign,
} from 'node:crypto';

export const ISSUER = 'https://as.example.com';
export const OTHER_ISSUER = 'https://other-as.example.com';
export const AUDIENCE = 'https://orders.example.com';
export const OTHER_API = 'https://billing.example.com';

// ---- Keys and signing -----------------------------------------------------------------------------------------

export interface Key {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public JWK as an issuer publishes it. */
  jwk: NodeJwk & { kid: string; alg: string; use: 'sig' };
}

export function key(alg: 'ES256' | 'RS256', kid: string): Key {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid,
    alg,
    privateKey,
    publicKey,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' },
  };
}

export function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export type Signature = 'ES256' | 'RS256' | 'PS256' | 'ES256-DER';

/** Signs `header.payload` (each a JSON value, or a raw string taken as is) with `key`, whatever the header says. */
export function sign(signer: Key, header: unknown, payload: unknown, as: Signature = signer.alg): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const data = Buffer.from(input);
  let signature: Buffer;
  if (as === 'ES256')
    signature = nodeSign('sha256', data, { key: signer.privateKey, dsaEncoding: 'ieee-p1363' });
  else if (as === 'ES256-DER') signature = nodeSign('sha256', data, signer.privateKey);
  else if (as === 'PS256') {
    signature = nodeSign('sha256', data, {
      key: signer.privateKey,
      padding: nodeConstants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
  } else signature = nodeSign('sha256', data, signer.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

/** HS256 over `header.payload` with `secret`: the algorithm-confusion forgery. */
export function hmac(secret: string | Buffer, header: unknown, payload: unknown): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export const now = (): number => Math.floor(Date.now() / 1000);

export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const t = now();
  const out: Record<string, unknown> = {
    iss: ISSUER,
    sub: 'alice',
    aud: AUDIENCE,
    client_id: 'web-app',
    scope: 'orders:read',
    iat: t,
    exp: t + 600,
    jti: crypto.randomUUID(),
    ...overrides,
  };
  for (const [name, value] of Object.entries(out)) if (value === undefined) delete out[name];
  return out;
}

export function header(signer: Key, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { alg: signer.alg, typ: 'at+jwt', kid: signer.kid, ...overrides };
  for (const [name, value] of Object.entries(out)) if (value === undefined) delete out[name];
  return out;
}

/** A token signed by `signer`, with header and claim overrides (`undefined` removes a member). */
export function mint(
  signer: Key,
  options: { header?: Record<string, unknown>; claims?: Record<string, unknown> } = {},
): string {
  return sign(signer, header(signer, options.header), claims(options.claims));
}

/** Flips the lowest bit of the middle byte of one segment (decoded), re-encoding it. */
export function flipBit(token: string, segment: 0 | 1 | 2): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[segment] ?? '', 'base64url');
  const at = Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  parts[segment] = bytes.toString('base64url');
  return parts.join('.');
}

/** Replaces the signature with `bytes` bytes of the real one (truncated or extended). */
export function resizeSignature(token: string, bytes: number): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const signature = Buffer.from(s, 'base64url');
  const resized = Buffer.alloc(bytes, 0x41);
  signature.copy(resized, 0, 0, Math.min(bytes, signature.length));
  return `${h}.${p}.${resized.toString('base64url')}`;
}
