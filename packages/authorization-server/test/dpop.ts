// DPoP for the package's tests: a client key and proofs made as a test asks (jose signs them).
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { AuthorizationServer } from '../src/server.js';
import { type Answer, basic, formBody } from './helpers.js';

export interface DpopKey {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
  /** RFC 7638 thumbprint: what `cnf.jkt` and `dpop_jkt` name. */
  readonly jkt: string;
}

export async function dpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

export interface ProofClaims {
  htm?: string;
  htu: string;
  /** Seconds; default now. */
  iat?: number;
  jti?: string;
  nonce?: string;
}

export function proof(key: DpopKey, claims: ProofClaims): Promise<string> {
  return new SignJWT({
    jti: claims.jti ?? randomUUID(),
    htm: claims.htm ?? 'POST',
    htu: claims.htu,
    ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }),
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk })
    .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000))
    .sign(key.privateKey);
}

/** POSTs a token request with the given `DPoP` header values (none, one, or several). */
export async function dpopToken(
  as: AuthorizationServer,
  params: Record<string, string | undefined>,
  proofs: readonly string[],
  auth?: [string, string],
  url = `${as.issuer}/token`,
): Promise<Answer> {
  const headers = new Headers({ 'Content-Type': 'application/x-www-form-urlencoded' });
  if (auth !== undefined) headers.set('Authorization', basic(...auth));
  for (const value of proofs) headers.append('DPoP', value);
  const response = await as.fetch(new Request(url, { method: 'POST', headers, body: formBody(params) }));
  const text = await response.text();
  let body: unknown = {};
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body: body as Answer['body'], text };
}
