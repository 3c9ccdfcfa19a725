/**
 * Attacker review (issue 15, finding 6): the verified-token cache was bounded by count only, so 10,000 maximum-size
 * tokens whose claims are many tiny values held ~1.25 GB. It is now bounded by estimated bytes too
 * (`cache.maxBytes`, default 64 MiB). A token issuer need not be hostile for this: claims are what the issuer put in.
 *
 * Heap is measured after a full collection (the `gc` function is reached through V8 flags, not a test-runner option).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createVerifier, type JsonWebKey } from '@audguard/core';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;
const ISSUER = 'https://as.example.com';
const AUDIENCE = 'https://api.example.com';
const TOKENS = 3000;
/** 1,800 empty objects: 5.4 KB of JSON, near the 8 KiB token limit, ~90 KB once parsed. */
const HEAVY_CLAIMS = { groups: Array.from({ length: 1800 }, () => ({})) };

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('the verified-token cache holds a bounded amount of memory', () => {
  it(`${TOKENS} maximum-size tokens with heavy claims grow the heap by less than 64 MiB + slack`, async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' } as JsonWebKey;
    const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [jwk] } });
    const tokens: string[] = [];
    for (let i = 0; i < TOKENS; i++) {
      tokens.push(
        await new SignJWT({ ...HEAVY_CLAIMS, jti: `t-${i}` })
          .setProtectedHeader({ alg: 'ES256', kid: 'k', typ: 'at+jwt' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(privateKey),
      );
    }
    expect(tokens[0]?.length).toBeGreaterThan(7000);
    expect(tokens[0]?.length).toBeLessThanOrEqual(8192);

    const before = heapUsed();
    for (const token of tokens) await verifier.verify(token);
    const growth = heapUsed() - before;
    // Without the byte bound every one of them stays cached: 3,000 × ~90 KB ≈ 270 MB.
    expect(growth).toBeLessThan(96 * MiB);
    // The newest are cached (the same object comes back), the oldest were evicted to keep the bound.
    const newest = tokens.at(-1) as string;
    expect(await verifier.verify(newest)).toBe(await verifier.verify(newest));
  }, 120_000);
});
