// DPoP against bearer: the server-side cost of one authenticate() per request, in one process (no HTTP, no
// framework), so the figure is the check itself. Kept out of the main bars: it measures the core, not an adapter.
//
//   pnpm --dir bench run dpop [--alg=ES256|RS256] [--rounds=7] [--requests=4000]
//
// Four ways one request is checked, interleaved round by round (odd rounds backwards), medians over rounds:
// - bearer: a verifier without dpop, a cached token (the hot path every audguard API runs);
// - bearer, dpop allowed: the same token through a verifier with `dpop: 'allowed'` (what DPoP costs bearer clients);
// - bearer, token cache off: the token's signature checked on every request;
// - DPoP: a bound token (cached) with a fresh proof per request: the proof's every check, its key imported once,
//   its jti recorded in the in-memory replay cache;
// - DPoP, token cache off: the same with the access token's signature checked every time too.
// Proofs are signed before the timed loop (the client's cost is not the server's). CPU is process.cpuUsage().
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { loadavg } from 'node:os';
import { createVerifier, type JsonWebKey, type NodeRequestLike, type Verifier } from '@audguard/core';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const alg = flag('alg', 'ES256') as 'ES256' | 'RS256';
const rounds = Number(flag('rounds', '7'));
const requests = Number(flag('requests', '4000'));

const ISSUER = 'https://as.example.com';
const AUDIENCE = 'https://orders.example.com';

const as = await generateKeyPair(alg, { extractable: true });
const jwk = { ...(await exportJWK(as.publicKey)), kid: 'k1', alg, use: 'sig' } as JsonWebKey;
const client = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const clientJwk = client.publicKey.export({ format: 'jwk' });
const jkt = await calculateJwkThumbprint(clientJwk as never);
const mint = (extra: Record<string, unknown>) =>
  new SignJWT({ sub: 'alice', client_id: 'web-app', scope: 'orders:read', ...extra })
    .setProtectedHeader({ alg, kid: 'k1', typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(as.privateKey);
const bearerToken = await mint({});
const boundToken = await mint({ cnf: { jkt } });
const ath = createHash('sha256').update(boundToken).digest('base64url');
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const header = b64({ typ: 'dpop+jwt', alg: 'ES256', jwk: clientJwk });

function proof(): string {
  const payload = b64({
    jti: randomUUID(),
    htm: 'GET',
    htu: `${AUDIENCE}/orders`,
    iat: Math.floor(Date.now() / 1000),
    ath,
  });
  const input = `${header}.${payload}`;
  const signature = sign('sha256', Buffer.from(input), { key: client.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** What Express hands the core (a Node request's fields). */
function request(authorization: string, dpop?: string): NodeRequestLike {
  const headers: Record<string, string> = { host: 'orders.example.com', authorization };
  const rawHeaders = ['Host', 'orders.example.com', 'Authorization', authorization];
  if (dpop !== undefined) {
    headers.dpop = dpop;
    rawHeaders.push('DPoP', dpop);
  }
  return { method: 'GET', url: '/orders', headers, rawHeaders };
}

const base = { issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [jwk] } };
const verifiers = {
  bearer: createVerifier(base),
  bearerCold: createVerifier({ ...base, cache: false }),
  allowed: createVerifier({ ...base, dpop: 'allowed' }),
  dpop: createVerifier({ ...base, dpop: 'required' }),
  dpopCold: createVerifier({ ...base, cache: false, dpop: 'required' }),
};

interface Scenario {
  name: string;
  verifier: Verifier;
  requests: () => NodeRequestLike[];
}
const bearerRequest = request(`Bearer ${bearerToken}`);
const scenarios: Scenario[] = [
  { name: 'bearer', verifier: verifiers.bearer, requests: () => Array(requests).fill(bearerRequest) },
  {
    name: 'bearer, dpop allowed',
    verifier: verifiers.allowed,
    requests: () => Array(requests).fill(bearerRequest),
  },
  {
    name: 'bearer, token cache off',
    verifier: verifiers.bearerCold,
    requests: () => Array(requests).fill(bearerRequest),
  },
  {
    name: 'DPoP',
    verifier: verifiers.dpop,
    requests: () => Array.from({ length: requests }, () => request(`DPoP ${boundToken}`, proof())),
  },
  {
    name: 'DPoP, token cache off',
    verifier: verifiers.dpopCold,
    requests: () => Array.from({ length: requests }, () => request(`DPoP ${boundToken}`, proof())),
  },
];

const cpu: Record<string, number[]> = Object.fromEntries(scenarios.map((s) => [s.name, []]));
const wall: Record<string, number[]> = Object.fromEntries(scenarios.map((s) => [s.name, []]));
for (let round = -1; round < rounds; round++) {
  const order = round % 2 === 0 ? scenarios : [...scenarios].reverse();
  for (const scenario of order) {
    const batch = scenario.requests();
    const startCpu = process.cpuUsage();
    const startWall = process.hrtime.bigint();
    for (const r of batch) await scenario.verifier.authenticate(r);
    const usage = process.cpuUsage(startCpu);
    const elapsed = Number(process.hrtime.bigint() - startWall) / 1000;
    if (round < 0) continue; // warm-up: keys imported, caches filled, code optimised
    cpu[scenario.name]?.push((usage.user + usage.system) / batch.length);
    wall[scenario.name]?.push(elapsed / batch.length);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const bearer = median(cpu.bearer ?? []);
const bearerCold = median(cpu['bearer, token cache off'] ?? []);
console.log(
  `DPoP against bearer, access tokens ${alg}, proofs ES256, ${rounds} rounds of ${requests} requests`,
);
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on this machine while it ran`,
);
for (const { name } of scenarios) {
  const c = median(cpu[name] ?? []);
  const w = median(wall[name] ?? []);
  const ratios = `×${(c / bearer).toFixed(1)} bearer, ×${(c / bearerCold).toFixed(2)} bearer cache off`;
  console.log(
    `${name.padEnd(24)} CPU ${c.toFixed(1).padStart(6)} µs/req  wall ${w.toFixed(1).padStart(6)} µs/req  ${ratios}`,
  );
}
