// DPoP for the walkthrough's client, with nothing but node:crypto: a key pair, its RFC 7638 thumbprint, and proofs
// (RFC 9449 §4.2) for a method and URL — with `ath` when an access token goes along.
import { createHash, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class DpopKey {
  readonly #privateKey: KeyObject;
  readonly #jwk: { kty: string; crv: string; x: string; y: string };
  /** The RFC 7638 thumbprint: what a token bound to this key names in `cnf.jkt`. */
  readonly thumbprint: string;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { crv, kty, x, y } = publicKey.export({ format: 'jwk' }) as Record<string, string>;
    this.#privateKey = privateKey;
    this.#jwk = { kty: String(kty), crv: String(crv), x: String(x), y: String(y) };
    // Required members only, in lexicographic order (RFC 7638 §3.2).
    const canonical = JSON.stringify({ crv, kty, x, y });
    this.thumbprint = createHash('sha256').update(canonical).digest('base64url');
  }

  /** A fresh proof (new `jti`, `iat` now) for `method` at `url`; `accessToken` adds its hash as `ath`. */
  proof(method: string, url: string, accessToken?: string): string {
    const header = b64({ typ: 'dpop+jwt', alg: 'ES256', jwk: this.#jwk });
    const payload = b64({
      jti: randomUUID(),
      htm: method,
      htu: url,
      iat: Math.floor(Date.now() / 1000),
      ...(accessToken === undefined
        ? {}
        : { ath: createHash('sha256').update(accessToken).digest('base64url') }),
    });
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
      key: this.#privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${header}.${payload}.${signature.toString('base64url')}`;
  }
}
