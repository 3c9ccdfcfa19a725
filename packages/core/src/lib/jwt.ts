import { AuthError } from '../errors.js';
import { builtinModule } from './builtin.js';

/** @internal A compact JWS split and decoded, not yet trusted. */
export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

type NodeBuffer = {
  from(input: string, encoding: string): Uint8Array & { toString(encoding: string): string };
};
const NodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
// node:buffer's isUtf8 + toString is several times faster than a fatal TextDecoder; both refuse invalid UTF-8.
const isUtf8 = builtinModule<{ isUtf8?: (input: Uint8Array) => boolean }>('node:buffer')?.isUtf8;

const decoder = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Uint8Array): string {
  if (NodeBuffer && isUtf8) {
    if (!isUtf8(bytes)) throw new TypeError('invalid UTF-8');
    const text = (bytes as Uint8Array & { toString(encoding: string): string }).toString('utf8');
    // TextDecoder (and so jose) drops a leading byte-order mark; do the same (RFC 8259 §8.1 allows ignoring it).
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  return decoder.decode(bytes);
}

/** @internal Decodes base64url (RFC 7515 §2: no padding, URL-safe alphabet). The charset is checked by the caller. */
export function base64urlDecode(segment: string): Uint8Array {
  // A length of 1 mod 4 cannot come from any byte string.
  const rest = segment.length % 4;
  if (rest === 1) throw malformed();
  // RFC 4648 §3.5: the unused low bits of the last character must be zero. Otherwise one token has 4 or 16
  // spellings that all verify, and anything keyed on the token text (caches, revocation lists) sees several.
  if (
    rest !== 0 &&
    (ALPHABET.indexOf(segment.charAt(segment.length - 1)) & (rest === 2 ? 0x0f : 0x03)) !== 0
  ) {
    throw malformed();
  }
  if (NodeBuffer) return NodeBuffer.from(segment, 'base64url');
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Splits a compact JWS and decodes its header and payload as JSON objects. Throws `malformed_token` for anything
 * that is not one, and `encrypted_token_not_supported` for a compact JWE (five segments).
 */
export function decodeJws(token: string): DecodedJws {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first === -1 || second === -1) throw malformed();
  if (token.indexOf('.', second + 1) !== -1) {
    if (token.split('.').length === 5) {
      throw new AuthError('encrypted_token_not_supported');
    }
    throw malformed();
  }
  const h = token.slice(0, first);
  const p = token.slice(first + 1, second);
  const s = token.slice(second + 1);
  if (h.length === 0 || p.length === 0 || !SEGMENT.test(h) || !SEGMENT.test(p) || !SEGMENT.test(s)) {
    throw malformed();
  }
  return {
    header: jsonObject(h),
    payload: jsonObject(p),
    signingInput: ascii(token.slice(0, second)),
    signature: base64urlDecode(s),
  };
}

function jsonObject(segment: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8(base64urlDecode(segment)));
  } catch (cause) {
    throw new AuthError('malformed_token', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed();
  return value as Record<string, unknown>;
}

function ascii(text: string): Uint8Array {
  if (NodeBuffer) return NodeBuffer.from(text, 'latin1');
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function malformed(): AuthError {
  return new AuthError('malformed_token');
}
