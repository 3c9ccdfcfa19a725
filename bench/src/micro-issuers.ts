// What the Real-issuers options cost per request, without HTTP: an issuer resolver and a per-request audience
// function against the static configuration, cold (cache off: signature checked every time) and warm (cache hit).
// Interleaved passes, medians, ratios against the static verifier measured in the same passes.
// Run (after `pnpm --dir bench install`):
//   pnpm --dir bench exec tsx --conditions=@audguard/source src/micro-issuers.ts
import { createVerifier, type VerifierOptions } from '@audguard/core';
import { generateSigningKey, signTokens } from './keys.js';

const issuer = 'https://login.bench.example/tenant-1/v2.0';
const audience = 'https://orders.bench.example';
const key = generateSigningKey('RS256', 'k1');
const jwks = { keys: [key.publicJwk as Record<string, unknown> & { kty: string }] };
const tokens = signTokens(key, { iss: issuer, aud: audience }, 1000);
const requests = tokens.map(
  (token) => new Request(`${audience}/orders`, { headers: { authorization: `Bearer ${token}` } }),
);

const variants: Record<string, Partial<VerifierOptions>> = {
  'static issuer and audience': { issuer, audience, jwks },
  'issuer resolver': { issuer: (iss) => (iss === issuer ? { jwks } : undefined), audience },
  'audience function': {
    jwks,
    issuer,
    audience: (request) => (request.url?.startsWith(audience) ? audience : undefined),
  },
};

interface Case {
  readonly name: string;
  readonly op: (i: number) => unknown;
}
const cases: Case[] = [];
for (const [name, options] of Object.entries(variants)) {
  for (const cached of [false, true]) {
    const verifier = createVerifier({
      ...options,
      ...(cached ? {} : { cache: false }),
    } as VerifierOptions);
    cases.push({
      name: `${name}, ${cached ? 'warm' : 'cold'}`,
      op: (i) => verifier.authenticate(requests[i % 1000] as Request),
    });
  }
}

async function measure(op: Case['op'], ms: number): Promise<number> {
  for (let i = 0; i < 200; i++) await op(i);
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms * 1e6);
  let ops = 0;
  let now = start;
  while (now < deadline) {
    for (let j = 0; j < 32; j++) await op(ops++);
    now = process.hrtime.bigint();
  }
  return Number(now - start) / 1e3 / ops;
}

const PASSES = 9;
const samples = new Map<Case, number[]>();
for (let pass = 0; pass < PASSES; pass++) {
  for (const c of pass % 2 === 0 ? cases : [...cases].reverse()) {
    samples.set(c, [...(samples.get(c) ?? []), await measure(c.op, 300)]);
  }
}
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const baseline = (temperature: string) =>
  median(
    samples.get(cases.find((c) => c.name === `static issuer and audience, ${temperature}`) as Case) ?? [],
  );
for (const c of cases) {
  const us = median(samples.get(c) ?? []);
  const temperature = c.name.endsWith('warm') ? 'warm' : 'cold';
  console.log(
    `${c.name.padEnd(36)} ${us.toFixed(2).padStart(7)} µs/request  ${(us / baseline(temperature)).toFixed(2)}×`,
  );
}
