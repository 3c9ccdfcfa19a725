import { builtinModule } from './builtin.js';
import type { Maybe } from './maybe.js';

/**
 * SHA-256 and HMAC-SHA-256 for DPoP (`ath`, RFC 7638 thumbprints, replay keys, nonces) and the introspection cache:
 * synchronous on `node:crypto` (reached through `process.getBuiltinModule`, so the core still loads on Workers),
 * through `crypto.subtle` elsewhere.
 */

type NodeCrypto = typeof import('node:crypto');

const nodeCrypto = builtinModule<NodeCrypto>('node:crypto');

const encoder = new TextEncoder();
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url without padding (RFC 7515 §2). */
export function base64url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      ALPHABET[n >> 18] + (ALPHABET[(n >> 12) & 63] as string) + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  if (i < bytes.length) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += (ALPHABET[n >> 18] as string) + ALPHABET[(n >> 12) & 63];
    if (i + 1 < bytes.length) out += ALPHABET[(n >> 6) & 63];
  }
  return out;
}

/** base64url(SHA-256(UTF-8 of `text`)): what `ath` and `jkt` are made of (RFC 9449 §4.2, §6.1). */
export function sha256Base64url(text: string): Maybe<string> {
  if (nodeCrypto) return nodeCrypto.createHash('sha256').update(text, 'utf8').digest('base64url');
  return globalThis.crypto.subtle
    .digest('SHA-256', encoder.encode(text))
    .then((digest) => base64url(new Uint8Array(digest)));
}

/** A keyed MAC, prepared once: base64url(HMAC-SHA-256(key, `text`)). */
export function hmacSha256(key: Uint8Array): (text: string) => Maybe<string> {
  if (nodeCrypto) {
    const secret = nodeCrypto.createSecretKey(key);
    return (text) => nodeCrypto.createHmac('sha256', secret).update(text, 'utf8').digest('base64url');
  }
  const imported = globalThis.crypto.subtle.importKey(
    'raw',
    key as BufferSource,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return (text) =>
    imported
      .then((k) => globalThis.crypto.subtle.sign('HMAC', k, encoder.encode(text)))
      .then((mac) => base64url(new Uint8Array(mac)));
}

/** Compares two strings in time that depends on their length only. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
