/**
 * The speed probe, in its own process on the server core: asked between runs, it times the micro-benchmark's raw
 * `crypto.verify` per algorithm and reports verifies per wall-clock second (how fast the host runs right now) and
 * CPU time per verify (one signature check on the clock the targets' figures use). argv[2]: JSON `{ lifetimeMs }`.
 */
import { ALGS, type Alg, generateSigningKey, rawVerify, signToken } from './keys.js';
import { report, serveCommands } from './procs.js';
import type { Command, ProbeSample } from './protocol.js';

const { lifetimeMs } = JSON.parse(process.argv[2] ?? '{}') as { lifetimeMs: number };
const started = performance.now();
const cases = ALGS.map((alg) => {
  const key = generateSigningKey(alg, `probe-${alg}`);
  return { alg, op: rawVerify(key, signToken(key, { iss: 'https://as.probe', aud: 'https://api.probe' })) };
});

/** Times `op` for `ms` milliseconds, after a short warm-up (the process sat idle since the last reading). */
function time(op: () => boolean, ms: number): { perSec: number; cpuUs: number } {
  for (let i = 0; i < 50; i++) op();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(ms * 1e6));
  let ops = 0;
  let now = start;
  do {
    for (let j = 0; j < 16; j++) op();
    ops += 16;
    now = process.hrtime.bigint();
  } while (now < deadline);
  const used = process.cpuUsage(cpu);
  return { perSec: ops / (Number(now - start) / 1e9), cpuUs: (used.user + used.system) / ops };
}

/** `ms` in all, shared between the algorithms. */
function sample(ms: number): ProbeSample {
  const at = performance.now() - started;
  const perSec = {} as Record<Alg, number>;
  const cpuUs = {} as Record<Alg, number>;
  for (const { alg, op } of cases) {
    const timed = time(op, ms / cases.length);
    perSec[alg] = timed.perSec;
    cpuUs[alg] = timed.cpuUs;
  }
  return { at, perSec, cpuUs };
}

serveCommands(lifetimeMs);
process.on('message', (command: Command) => {
  if (command.type === 'probe') report({ type: 'probe', seq: command.seq, sample: sample(command.ms) });
});
report({ type: 'ready', port: 0 });
