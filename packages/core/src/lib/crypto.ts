import type { JsonWebKey, JwsAlgorithm } from '../types.js';
import { builtinModule } from './builtin.js';
import { base64urlDecode } from './jwt.js';

/**
 * Signature checking over two backends with one contract:
 * - `node`: `node:crypto` with `KeyObject`s, synchronous — the fast path on Node, Bun and Deno. It is reached through
 *   `process.getBuiltinModule`, never a static import, so the core still loads on Workers.
 * - `webcrypto`: `crypto.subtle` — everywhere else.
 */
export type CryptoBackend = 'node' | 'webcrypto';

type NodeCrypto = typeof import('node:crypto');

const nodeCrypto = builtinModule<NodeCrypto>('node:crypto');

/** The backend used when none is asked for. */
export const defaultBackend: CryptoBackend = nodeCrypto ? 'node' : 'webcrypto';

/** @internal True when `backend` can run here. */
export function backendAvailable(backend: CryptoBackend): boolean {
  return backend === 'webcrypto'
    ? typeof globalThis.crypto?.subtle !== 'undefined'
    : nodeCrypto !== undefined;
}

/** A key ready to check signatures made with one algorithm. */
export interface VerificationKey {
  readonly alg: JwsAlgorithm;
  /** The JWK it came from (`undefined` for a shared secret). */
  readonly jwk: JsonWebKey | undefined;
  verify(data: Uint8Array, signature: Uint8Array): boolean | Promise<boolean>;
}

interface AlgorithmInfo {
  family: 'RSA' | 'PSS' | 'EC' | 'OKP' | 'HMAC';
  hash: 'sha256' | 'sha384' | 'sha512' | undefined;
  /** EC: the curve, and the exact signature length (r || s). */
  crv?: string;
  sigLength?: number;
}

const ALGORITHMS: Record<JwsAlgorithm, AlgorithmInfo> = {
  RS256: { family: 'RSA', hash: 'sha256' },
  RS384: { family: 'RSA', hash: 'sha384' },
  RS512: { family: 'RSA', hash: 'sha512' },
  PS256: { family: 'PSS', hash: 'sha256' },
  PS384: { family: 'PSS', hash: 'sha384' },
  PS512: { family: 'PSS', hash: 'sha512' },
  ES256: { family: 'EC', hash: 'sha256', crv: 'P-256', sigLength: 64 },
  ES384: { family: 'EC', hash: 'sha384', crv: 'P-384', sigLength: 96 },
  ES512: { family: 'EC', hash: 'sha512', crv: 'P-521', sigLength: 132 },
  EdDSA: { family: 'OKP', hash: undefined, crv: 'Ed25519' },
  Ed25519: { family: 'OKP', hash: undefined, crv: 'Ed25519' },
  HS256: { family: 'HMAC', hash: 'sha256' },
  HS384: { family: 'HMAC', hash: 'sha384' },
  HS512: { family: 'HMAC', hash: 'sha512' },
};

/** Every algorithm audguard supports. */
export const SUPPORTED_ALGORITHMS = Object.keys(ALGORITHMS) as JwsAlgorithm[];

/** The default allow-list: asymmetric algorithms only. */
export const ASYMMETRIC_ALGORITHMS = SUPPORTED_ALGORITHMS.filter((alg) => ALGORITHMS[alg].family !== 'HMAC');

/** @internal */
export function isSupportedAlgorithm(alg: string): alg is JwsAlgorithm {
  return Object.hasOwn(ALGORITHMS, alg);
}

/** @internal */
export function isSymmetric(alg: JwsAlgorithm): boolean {
  return ALGORITHMS[alg].family === 'HMAC';
}

const MIN_RSA_BITS = 2048;

/**
 * Whether a published key may verify a token signed with `alg` (RFC 8725 §3.1: one key, one algorithm). Keys for
 * encryption, keys whose `alg` names another algorithm, keys of another type or curve, and RSA keys under 2048 bits
 * are never used.
 */
export function keyFits(jwk: JsonWebKey, alg: JwsAlgorithm): boolean {
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) return false;
  if (jwk.alg !== undefined && jwk.alg !== alg && !(isEdDsa(jwk.alg) && isEdDsa(alg))) return false;
  const info = ALGORITHMS[alg];
  switch (info.family) {
    case 'RSA':
    case 'PSS':
      return (
        jwk.kty === 'RSA' &&
        typeof jwk.n === 'string' &&
        rsaBits(jwk as JsonWebKey & { n: string }) >= MIN_RSA_BITS
      );
    case 'EC':
      return jwk.kty === 'EC' && jwk.crv === info.crv;
    case 'OKP':
      return jwk.kty === 'OKP' && jwk.crv === info.crv;
    case 'HMAC':
      // Shared secrets come from configuration only, never from a published key set.
      return false;
  }
}

function isEdDsa(alg: string): boolean {
  return alg === 'EdDSA' || alg === 'Ed25519';
}

const modulusBits = new WeakMap<JsonWebKey, number>();

/** The RSA modulus size in bits, measured (leading zero bytes do not count), once per published key. */
function rsaBits(jwk: JsonWebKey & { n: string }): number {
  let bits = modulusBits.get(jwk);
  if (bits === undefined) {
    bits = 0;
    try {
      const bytes = /^[A-Za-z0-9_-]+$/.test(jwk.n) ? base64urlDecode(jwk.n) : new Uint8Array();
      let i = 0;
      while (i < bytes.length && bytes[i] === 0) i++;
      if (i < bytes.length) bits = (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] as number));
    } catch {
      // Undecodable: 0 bits, so the key is never used.
    }
    modulusBits.set(jwk, bits);
  }
  return bits;
}

/** Exact signature length for `alg`, where the algorithm fixes it. */
export function expectedSignatureLength(alg: JwsAlgorithm): number | undefined {
  return ALGORITHMS[alg].sigLength;
}

/**
 * Prepares `jwk` for `alg` on `backend`. Throws when the key material is unusable (the caller skips such keys).
 */
export async function importVerificationKey(
  jwk: JsonWebKey,
  alg: JwsAlgorithm,
  backend: CryptoBackend,
): Promise<VerificationKey> {
  const info = ALGORITHMS[alg];
  const publicJwk = publicPart(jwk);
  if (backend === 'node' && nodeCrypto) {
    const crypto = nodeCrypto;
    const key = crypto.createPublicKey({ key: publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    return { alg, jwk, verify: nodeVerifier(crypto, info, key) };
  }
  // jose is only needed here, off the Node path: loaded on first use, so importing the core stays cheap.
  const { importJWK } = await import('jose');
  const cryptoKey = await importJWK({ ...publicJwk, alg: alg === 'Ed25519' ? 'Ed25519' : alg }, alg);
  if (!(cryptoKey instanceof CryptoKey)) throw new TypeError('expected a CryptoKey');
  const params = webParams(info);
  return {
    alg,
    jwk,
    verify: (data, signature) =>
      globalThis.crypto.subtle.verify(params, cryptoKey, signature as BufferSource, data as BufferSource),
  };
}

/** Prepares a shared secret (HS*) on `backend`. */
export async function importSecret(
  secret: Uint8Array,
  alg: JwsAlgorithm,
  backend: CryptoBackend,
): Promise<VerificationKey> {
  const info = ALGORITHMS[alg];
  if (backend === 'node' && nodeCrypto) {
    const crypto = nodeCrypto;
    const key = crypto.createSecretKey(secret);
    const hash = info.hash ?? 'sha256';
    return {
      alg,
      jwk: undefined,
      verify: (data, signature) => {
        const expected = crypto.createHmac(hash, key).update(data).digest();
        return expected.length === signature.length && crypto.timingSafeEqual(expected, signature);
      },
    };
  }
  const cryptoKey = await globalThis.crypto.subtle.importKey(
    'raw',
    secret as BufferSource,
    { name: 'HMAC', hash: webHash(info.hash) },
    false,
    ['verify'],
  );
  // subtle.verify for HMAC compares in constant time.
  return {
    alg,
    jwk: undefined,
    verify: (data, signature) =>
      globalThis.crypto.subtle.verify('HMAC', cryptoKey, signature as BufferSource, data as BufferSource),
  };
}

function nodeVerifier(
  crypto: NodeCrypto,
  info: AlgorithmInfo,
  key: import('node:crypto').KeyObject,
): VerificationKey['verify'] {
  switch (info.family) {
    case 'RSA':
      return (data, signature) => crypto.verify(info.hash ?? null, data, key, signature);
    case 'PSS': {
      const options = {
        key,
        padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: digestLength(info.hash),
      };
      return (data, signature) => crypto.verify(info.hash ?? null, data, options, signature);
    }
    case 'EC': {
      const options = { key, dsaEncoding: 'ieee-p1363' as const };
      return (data, signature) => crypto.verify(info.hash ?? null, data, options, signature);
    }
    case 'OKP':
      return (data, signature) => crypto.verify(null, data, key, signature);
    case 'HMAC':
      throw new TypeError('HMAC keys are imported with importSecret');
  }
}

function webParams(info: AlgorithmInfo): AlgorithmIdentifier | RsaPssParams | EcdsaParams {
  switch (info.family) {
    case 'RSA':
      return { name: 'RSASSA-PKCS1-v1_5' };
    case 'PSS':
      return { name: 'RSA-PSS', saltLength: digestLength(info.hash) } as RsaPssParams;
    case 'EC':
      return { name: 'ECDSA', hash: webHash(info.hash) } as EcdsaParams;
    case 'OKP':
      return { name: 'Ed25519' };
    case 'HMAC':
      return { name: 'HMAC' };
  }
}

function digestLength(hash: AlgorithmInfo['hash']): number {
  return hash === 'sha384' ? 48 : hash === 'sha512' ? 64 : 32;
}

function webHash(hash: AlgorithmInfo['hash']): string {
  return hash === 'sha384' ? 'SHA-384' : hash === 'sha512' ? 'SHA-512' : 'SHA-256';
}

const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

// A published key set should hold public keys only; if one leaks private members, use the public part alone.
function publicPart(jwk: JsonWebKey): JsonWebKey {
  const out: JsonWebKey = { kty: jwk.kty };
  for (const [name, value] of Object.entries(jwk)) {
    if (!PRIVATE_MEMBERS.has(name) && name !== 'alg' && name !== 'use' && name !== 'key_ops')
      out[name] = value;
  }
  return out;
}
