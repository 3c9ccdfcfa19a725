/**
 * What the driver and its child processes (target servers, the JWKS server, the micro-benchmark) say to each other
 * over Node's IPC channel.
 */
import type { JsonWebKey } from 'node:crypto';
import type { Alg } from './keys.js';

/** Every server the harness can start. The first three are the unprotected baselines. */
export const TARGET_KINDS = [
  'express',
  'hono',
  'koa',
  'audguard-express',
  'audguard-hono',
  'audguard-koa',
  'express-oauth2-jwt-bearer',
  'express-jwt+jwks-rsa',
  'hono-jwk',
  'koa-jwt+jwks-rsa',
  'express+jose',
  'express+node:crypto',
  // Diagnostic only (compare.ts): what any middleware costs in Express, authentication aside.
  'express+async-noop',
  'express+noop',
] as const;

export type TargetKind = (typeof TARGET_KINDS)[number];
export type Framework = 'express' | 'hono' | 'koa';

export const FRAMEWORK_OF: Record<TargetKind, Framework> = {
  express: 'express',
  hono: 'hono',
  koa: 'koa',
  'audguard-express': 'express',
  'audguard-hono': 'hono',
  'audguard-koa': 'koa',
  'express-oauth2-jwt-bearer': 'express',
  'express-jwt+jwks-rsa': 'express',
  'hono-jwk': 'hono',
  'koa-jwt+jwks-rsa': 'koa',
  'express+jose': 'express',
  'express+node:crypto': 'express',
  'express+async-noop': 'express',
  'express+noop': 'express',
};

export const BASELINES: readonly TargetKind[] = ['express', 'hono', 'koa'];
export const AUDGUARD: readonly TargetKind[] = ['audguard-express', 'audguard-hono', 'audguard-koa'];
export const REFERENCE: TargetKind = 'express+node:crypto';
/** Targets that verify no token: the unprotected baselines and the diagnostic no-op middlewares. */
export const NON_VERIFYING: readonly TargetKind[] = [...BASELINES, 'express+noop', 'express+async-noop'];

/** How one server process is set up. Sent as its first argument, JSON-encoded. */
export interface TargetSpec {
  kind: TargetKind;
  issuer: string;
  audience: string;
  jwksUri: string;
  /** Public keys, for the node:crypto reference (which imports them once, at start). */
  publicKeys: JsonWebKey[];
  /** audguard's verified-token cache: `undefined` for the default, `false` for none. */
  cache?: false | { max: number };
  /** Key-set max age in ms for every target that has one (the outage test makes it small). */
  jwksMaxAgeMs?: number;
  /** The process exits by itself after this long, whatever happens to the driver. */
  lifetimeMs: number;
}

export const ROUTE = '/orders/42';
export const BODY = { id: 42, status: 'shipped' };

/** Driver → child. `probe` goes to the speed probe only (probe.ts). */
export type Command =
  | { type: 'stats'; seq: number }
  | { type: 'probe'; seq: number; ms: number }
  | { type: 'exit' };

/** Child → driver. */
export type Report =
  | { type: 'ready'; port: number }
  | { type: 'unavailable'; reason: string }
  | { type: 'stats'; seq: number; stats: ProcessStats }
  | { type: 'probe'; seq: number; sample: ProbeSample }
  | { type: 'micro'; results: MicroResult[] };

/** One micro-benchmark case. */
export interface MicroResult {
  name: string;
  alg: string;
  opsPerSec: number;
  usPerOp: number;
}

/** One reading of the speed probe: raw `crypto.verify` on the server core, per algorithm. */
export interface ProbeSample {
  /** Milliseconds since the probe started (for the report). */
  at: number;
  /** Raw verifies per wall-clock second: the host's speed right now. */
  perSec: Record<Alg, number>;
  /** Server CPU time of one raw verify, µs (`process.cpuUsage()`, the clock the targets' figures use). */
  cpuUs: Record<Alg, number>;
}

export interface ProcessStats {
  /** `process.cpuUsage()` in microseconds. */
  user: number;
  system: number;
  rss: number;
  heapUsed: number;
  /** Requests answered by the route handler (so: authenticated). */
  served: number;
  /** JWKS server only: fetches per path. */
  fetches?: Record<string, number>;
}
