/**
 * Signing keys published the way each provider publishes them: RSA or EC, with or without `alg`, with a real
 * self-signed certificate in `x5c` and its thumbprints in `x5t` / `x5t#S256` (Auth0, Entra ID, Keycloak), with
 * Microsoft's `issuer` member, or for encryption (`use: "enc"`, Keycloak). Tokens are signed with jose, any header.
 */
import { createHash, generateKeyPair, type KeyObject, sign, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import type { JsonWebKey } from '@audguard/core';
import { CompactEncrypt, type JWTPayload, SignJWT } from 'jose';

const generate = promisify(generateKeyPair);

export interface ProviderKey {
  /** The key's `kid` (for Entra ID, the certificate thumbprint, as Microsoft publishes it). */
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: KeyObject;
  /** The public JWK as the provider publishes it. */
  readonly jwk: JsonWebKey;
  /** The DER certificate behind `x5c`, when the provider publishes one. */
  readonly certificate?: Buffer;
}

export interface KeyShape {
  kid?: string;
  alg?: 'RS256' | 'ES256';
  /** Publish `alg` in the JWK. Default `true` (Microsoft's key sets have none). */
  publishAlg?: boolean;
  /** `use`; `null` leaves it out. Default `"sig"`. */
  use?: 'sig' | 'enc' | null;
  /** Publish a self-signed certificate as `x5c` with its `x5t` (and `x5t#S256` when `"both"`). RSA only. */
  x5c?: boolean | 'both';
  /** `kid` = the certificate's SHA-1 thumbprint (Microsoft). Needs `x5c`. */
  kidFromThumbprint?: boolean;
  /** Other members to publish (`issuer`, an encryption `alg`...). */
  extra?: Record<string, unknown>;
}

/** Generates a key and its published JWK. */
export async function providerKey(shape: KeyShape = {}): Promise<ProviderKey> {
  const alg = shape.alg ?? 'RS256';
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? await generate('rsa', { modulusLength: 2048 })
      : await generate('ec', { namedCurve: 'P-256' });
  const material = publicKey.export({ format: 'jwk' }) as JsonWebKey;
  let certificate: Buffer | undefined;
  const published: Record<string, unknown> = {};
  if (shape.x5c) {
    if (alg !== 'RS256') throw new Error('x5c: RSA keys only');
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const serial = certificateSerial(createHash('sha256').update(spki).digest().subarray(0, 8));
    certificate = selfSignedCertificate(privateKey, publicKey, 'audguard provider test', serial);
    published.x5c = [certificate.toString('base64')];
    published.x5t = createHash('sha1').update(certificate).digest('base64url');
    if (shape.x5c === 'both') {
      published['x5t#S256'] = createHash('sha256').update(certificate).digest('base64url');
    }
  }
  const kid = shape.kidFromThumbprint
    ? (published.x5t as string)
    : (shape.kid ?? createHash('sha256').update(JSON.stringify(material)).digest('base64url').slice(0, 22));
  const jwk: JsonWebKey = {
    ...material,
    kid,
    ...(shape.use === null ? {} : { use: shape.use ?? 'sig' }),
    ...(shape.publishAlg === false ? {} : { alg }),
    ...published,
    ...shape.extra,
  };
  return { kid, alg, privateKey, jwk, ...(certificate === undefined ? {} : { certificate }) };
}

/** Signs `payload` with `key` under exactly `header` (plus `alg`); no claim is added or changed. */
export function signToken(
  key: ProviderKey,
  header: Record<string, unknown>,
  payload: JWTPayload,
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, ...header }).sign(key.privateKey);
}

/** A compact JWE (5 segments) carrying an access token, as a provider configured to encrypt them sends it. */
export async function encryptToken(plaintext: string, header: Record<string, unknown>): Promise<string> {
  const secret = new Uint8Array(32).fill(7);
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: 'dir', enc: 'A128CBC-HS256', ...header })
    .encrypt(secret);
}

/** Seconds since the epoch, `offset` seconds from now. */
export const at = (offset = 0) => Math.floor(Date.now() / 1000) + offset;

// ---- A minimal X.509 v3 self-signed certificate (DER), so `x5c` holds a real certificate for the key ----------

/**
 * A certificate serial from `seed` (any bytes, here a hash of the key): RFC 5280 §4.1.2.2 wants a positive
 * INTEGER, so a seed of all zero bytes gets its last bit set (zero is not positive). `derInteger` then encodes it
 * minimally whatever its first byte is.
 */
export function certificateSerial(seed: Uint8Array): Buffer {
  const serial = Buffer.from(seed.length === 0 ? [0] : seed);
  if (serial.every((byte) => byte === 0)) serial[serial.length - 1] = 1;
  return serial;
}

/** Exported for test/providers/keys.test.ts, which drives it with edge-case serials. */
export function selfSignedCertificate(
  privateKey: KeyObject,
  publicKey: KeyObject,
  commonName: string,
  serial: Uint8Array,
): Buffer {
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
  const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
  const now = Date.now();
  const tbs = seq(
    tlv(0xa0, derInteger(Buffer.from([2]))), // v3
    derInteger(serial),
    sha256WithRsa,
    name,
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 365 * 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, sha256WithRsa, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  // Parsed back by Node, and checked to carry this very key: a certificate, not a blob that looks like one.
  const parsed = new X509Certificate(der);
  if (!parsed.verify(publicKey) || !parsed.publicKey.equals(publicKey))
    throw new Error('bad test certificate');
  return der;
}

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const header =
    length < 0x80
      ? Buffer.from([tag, length])
      : length < 0x100
        ? Buffer.from([tag, 0x81, length])
        : Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.concat([header, content]);
}
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
/**
 * A DER INTEGER holding the unsigned big-endian number `bytes`. DER (X.690 §8.3.2) wants the shortest two's
 * complement form: leading zero bytes go (OpenSSL refuses `00 12 ...` as a serial, which failed one run in a few
 * hundred when the key's hash began with 0x00), and a 0x00 comes back in front when the top bit is set, or the
 * number would read as negative.
 */
export function derInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const magnitude = bytes.length === 0 ? Buffer.from([0]) : Buffer.from(bytes.subarray(start));
  return tlv(0x02, (magnitude[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude);
}
const utcTime = (date: Date) =>
  tlv(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`, 'ascii'));

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}
