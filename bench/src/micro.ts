/**
 * Micro-benchmarks on the server core, without HTTP: the raw `crypto.verify` floor per algorithm, the node:crypto
 * reference verifier, and audguard's core `verify` with its cache off and on. argv[2]: JSON `{ msPerCase }`.
 * Prints nothing; sends `{ type: 'micro', results }` over IPC.
 */
import { createVerifier } from '@audguard/core';
import { ALGS, generateSigningKey, rawVerify, signTokens } from './keys.js';
import type { MicroResult, Report } from './protocol.js';
import { createReferenceVerifier } from './reference.js';

const { msPerCase } = JSON.parse(process.argv[2] ?? '{"msPerCase":500}') as { msPerCase: number };
const issuer = 'https://as.bench.example';
const audience = 'https://orders.bench.example';
const MAX_OPS = 5_000_000;

async function measure(
  name: string,
  alg: string,
  op: (i: number) => unknown,
  ms: number,
): Promise<MicroResult> {
  // Warm-up: let the JIT settle.
  for (let i = 0; i < 200; i++) await op(i);
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(ms * 1e6));
  let ops = 0;
  let now = start;
  while (ops < MAX_OPS) {
    for (let j = 0; j < 32; j++) {
      const result = op(ops++);
      if (result instanceof Promise) await result;
    }
    now = process.hrtime.bigint();
    if (now >= deadline) break;
  }
  const seconds = Number(now - start) / 1e9;
  return { name, alg, opsPerSec: ops / seconds, usPerOp: (seconds * 1e6) / ops };
}

interface Case {
  name: string;
  alg: string;
  op: (i: number) => unknown;
}

const cases: Case[] = [];
for (const alg of ALGS) {
  const key = generateSigningKey(alg, `micro-${alg}`);
  const tokens = signTokens(key, { iss: issuer, aud: audience }, 1000);
  const raw = rawVerify(key, tokens[0] as string);
  const reference = createReferenceVerifier({ issuer, audience, keys: [key.publicJwk] });
  const jwks = { keys: [key.publicJwk as Record<string, unknown> & { kty: string }] };
  const cold = createVerifier({ issuer, audience, jwks, cache: false });
  const warm = createVerifier({ issuer, audience, jwks });
  const nth = (i: number) => tokens[i % tokens.length] as string;
  cases.push(
    { name: 'crypto.verify (raw floor)', alg, op: raw },
    { name: 'node:crypto reference verifier', alg, op: (i) => reference(nth(i)) },
    { name: 'audguard core verify, cache off', alg, op: (i) => cold.verify(nth(i)) },
    { name: 'audguard core verify, cache hit', alg, op: (i) => warm.verify(nth(i)) },
  );
}

// Interleaved passes, median per case: a slow moment of the machine hits every case alike.
const PASSES = 5;
const samples = new Map<Case, MicroResult[]>();
for (let pass = 0; pass < PASSES; pass++) {
  for (const c of cases) {
    const result = await measure(c.name, c.alg, c.op, msPerCase / PASSES);
    samples.set(c, [...(samples.get(c) ?? []), result]);
  }
}
const results: MicroResult[] = cases.map((c) => {
  const sorted = (samples.get(c) ?? []).sort((a, b) => a.usPerOp - b.usPerOp);
  return sorted[sorted.length >> 1] as MicroResult;
});
const message: Report = { type: 'micro', results };
process.send?.(message);
process.disconnect?.();
