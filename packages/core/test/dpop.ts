/**
 * DPoP for tests: a client's key pair, proofs made exactly as a test asks (any header, any claim, signed by any key),
 * and the `ath` and `cnf.jkt` a bound token carries. Signing goes through node:crypto directly, so a proof can be as
 * wrong as an attacker would make it (a private `jwk`, a MAC `alg`).
 */
import { createHash, createHmac, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { JsonWebKey } from '../src/index.js';

export interface DpopKey {
  readonly alg: 'ES256' | 'RS256' | 'EdDSA';
  readonly privateKey: KeyObject;
  /** The public JWK, as a proof carries it. */
  readonly jwk: JsonWebKey;
  /** The private JWK (for the "private key in the proof" attack). */
  readonly privateJwk: JsonWebKey;
  /** RFC 7638 thumbprint: the `cnf.jkt` of tokens bound to this key. */
  readonly jkt: string;
}

export async function dpopKey(alg: DpopKey['alg'] = 'ES256'): Promise<DpopKey> {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'RS256'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  const jwk = pair.publicKey.export({ format: 'jwk' }) as JsonWebKey;
  const privateJwk = pair.privateKey.export({ format: 'jwk' }) as JsonWebKey;
  return {
    alg,
    privateKey: pair.privateKey,
    jwk,
    privateJwk,
    jkt: await calculateJwkThumbprint(jwk as never),
  };
}

/** base64url(SHA-256(token)): a proof's `ath` for `token`. */
export function ath(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export interface ProofOptions {
  htm?: string;
  htu: string;
  /** Seconds; default now. */
  iat?: number;
  jti?: string;
  /** The access token the proof goes with (its `ath`); `null`: no `ath`. */
  token: string | null;
  nonce?: string;
  /** Header members to set or (with `undefined`) remove. */
  header?: Record<string, unknown>;
  /** Claims to set or (with `undefined`) remove. */
  claims?: Record<string, unknown>;
  /** Sign with this key instead (while the header carries `key`'s public JWK). */
  signWith?: DpopKey;
  /** Sign with HMAC and this secret (a symmetric `alg`). */
  hmacSecret?: Uint8Array;
  /** Seconds since the epoch for the default `iat`. */
  now?: number;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A DPoP proof (RFC 9449 §4.2) by `key`, tampered with as `options` say. */
export function proof(key: DpopKey, options: ProofOptions): string {
  const header: Record<string, unknown> = { typ: 'dpop+jwt', alg: key.alg, jwk: key.jwk, ...options.header };
  const payload: Record<string, unknown> = {
    jti: options.jti ?? randomUUID(),
    htm: options.htm ?? 'GET',
    htu: options.htu,
    iat: options.iat ?? Math.floor(options.now ?? Date.now() / 1000),
    ...(options.token === null ? {} : { ath: ath(options.token) }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...options.claims,
  };
  for (const object of [header, payload]) {
    for (const [name, value] of Object.entries(object)) if (value === undefined) delete object[name];
  }
  const input = `${b64(header)}.${b64(payload)}`;
  const signer = options.signWith ?? key;
  let signature: Buffer;
  if (options.hmacSecret !== undefined) {
    signature = createHmac('sha256', options.hmacSecret).update(input).digest();
  } else if (signer.alg === 'ES256') {
    signature = sign('sha256', Buffer.from(input), { key: signer.privateKey, dsaEncoding: 'ieee-p1363' });
  } else {
    signature = sign(signer.alg === 'RS256' ? 'sha256' : null, Buffer.from(input), signer.privateKey);
  }
  return `${input}.${signature.toString('base64url')}`;
}
