/** What else the machine's cores were doing: other processes' CPU on each core during a run (from `os.cpus()`). */
import { cpus } from 'node:os';

export interface CoreSample {
  at: number;
  /** Busy milliseconds per core (everything but idle). */
  busyMs: number[];
}

export function sampleCores(): CoreSample {
  return { at: performance.now(), busyMs: cpus().map(({ times: t }) => t.user + t.nice + t.sys + t.irq) };
}

/**
 * Share of `core`'s time between two samples spent on work other than `ownCpuUs` (CPU time of our own processes on
 * that core, in µs). Coarse (the kernel counts in 10 ms ticks), but enough to flag runs another workload disturbed.
 */
export function foreignShare(before: CoreSample, after: CoreSample, core: number, ownCpuUs: number): number {
  const wallMs = after.at - before.at;
  const busy = (after.busyMs[core] ?? 0) - (before.busyMs[core] ?? 0);
  if (wallMs <= 0) return Number.NaN;
  return Math.max(0, (busy - ownCpuUs / 1000) / wallMs);
}
