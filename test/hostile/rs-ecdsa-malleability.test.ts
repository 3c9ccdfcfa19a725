/**
 * Attacker review (issue 15, finding 8): an ECDSA signature (r, s) has a twin (r, n − s) that verifies too, so one
 * ES256 token has two spellings. Decided: both are accepted, as jose and every JWT library accept them — refusing
 * "high-S" signatures would refuse about half of the genuine tokens, because the signers issuers use (WebCrypto,
 * OpenSSL, jose) do not normalise s. The twin carries the very same header and claims, so it grants nothing more; what
 * must not rely on token text is anything that counts tokens — key revocation lists, replay records and audit
 * correlation on `jti`, never on the token's bytes (the core README says so). This suite proves both halves.
 */
import { createVerifier } from '@audguard/core';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

const ISSUER = 'https://as.example.com';
const AUDIENCE = 'https://api.example.com';
/** The order of the P-256 group (SEC 2 §2.4.2). */
const N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');

let privateKey: CryptoKey;
let jwk: Record<string, unknown>;
beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k', alg: 'ES256' };
});

const sign = (jti: string) =>
  new SignJWT({ sub: 'u', scope: 'read', jti })
    .setProtectedHeader({ alg: 'ES256', kid: 'k', typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);

const sOf = (token: string) => Buffer.from(token.split('.')[2] as string, 'base64url').subarray(32);
const toBig = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);

/** The same token with s replaced by n − s: the other spelling of the same signature. */
function twin(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  const s = N - toBig(bytes.subarray(32));
  bytes.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex'), 32);
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

describe('ECDSA signature malleability, as decided', () => {
  it('genuine signers emit high-S signatures about half the time, so refusing them is no option', async () => {
    const tokens = await Promise.all(Array.from({ length: 200 }, (_, i) => sign(`t-${i}`)));
    const high = tokens.filter((t) => toBig(sOf(t)) > N / 2n).length;
    expect(high).toBeGreaterThan(50);
    expect(high).toBeLessThan(150);
    const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [jwk as never] } });
    const results = await Promise.allSettled(tokens.map((t) => verifier.verify(t)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  });

  it('the twin spelling verifies with the same claims and jti: it grants nothing the original does not', async () => {
    const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [jwk as never] } });
    const original = await sign('same-jti');
    const other = twin(original);
    expect(other).not.toBe(original);
    const [a, b] = [await verifier.verify(original), await verifier.verify(other)];
    expect(b.claims).toEqual(a.claims);
    expect(b.claims.jti).toBe('same-jti');
    expect(b.header).toEqual(a.header);
  });

  it('a twin of a tampered token still fails: malleability changes the spelling, never the content', async () => {
    const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [jwk as never] } });
    const [header, , signature] = twin(await sign('x')).split('.') as [string, string, string];
    const payload = Buffer.from(
      JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: 9e9 }),
    ).toString('base64url');
    await expect(verifier.verify(`${header}.${payload}.${signature}`)).rejects.toMatchObject({
      reason: 'bad_signature',
    });
  });
});
