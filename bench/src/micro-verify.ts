// Micro-benchmark of the core's cold path (cache off) against the same checks written directly on node:crypto.
// Run (after `pnpm --dir bench install`): pnpm --dir bench exec tsx --conditions=@audguard/source src/micro-verify.ts
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { createVerifier, type JsonWebKey } from '@audguard/core';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const ISSUER = 'https://as.example.com';
const AUDIENCE = 'https://orders.example.com';

for (const alg of ['RS256', 'ES256'] as const) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg, use: 'sig' } as JsonWebKey;
  const tokens = await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      new SignJWT({ scope: 'orders:read', sub: `user-${i}`, client_id: 'c' })
        .setProtectedHeader({ alg, kid: 'k1', typ: 'at+jwt' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    ),
  );
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [jwk] },
    cache: false,
  });
  const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const reference = (token: string) => {
    const [h, p, s] = token.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const ok = cryptoVerify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key,
      Buffer.from(s, 'base64url'),
    );
    if (!ok || header.alg !== alg || payload.iss !== ISSUER || payload.aud !== AUDIENCE)
      throw new Error('refused');
    if (payload.exp <= Date.now() / 1000) throw new Error('expired');
    return payload;
  };
  const rounds = 5;
  const n = alg === 'RS256' ? 20_000 : 10_000;
  const results: Record<string, number[]> = { reference: [], audguard: [] };
  for (let r = 0; r < rounds; r++) {
    let t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) reference(tokens[i % 1000] as string);
    results.reference?.push(Number(process.hrtime.bigint() - t) / 1000 / n);
    t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await verifier.verify(tokens[i % 1000] as string);
    results.audguard?.push(Number(process.hrtime.bigint() - t) / 1000 / n);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  const ref = median(results.reference ?? []);
  const ours = median(results.audguard ?? []);
  console.log(
    `${alg}: reference ${ref.toFixed(1)} µs/op, audguard ${ours.toFixed(1)} µs/op, ratio ${(ours / ref).toFixed(2)}×`,
  );
}
