/** Shared setup: keys, tokens, the JWKS server and the target servers, all on loopback. */
import type { JsonWebKey } from 'node:crypto';
import type { Mode } from './config.js';
import { ALGS, type Alg, generateSigningKey, type SigningKey, signTokens } from './keys.js';
import { type Child, DRIVER_CORE, SERVER_CORE, startChild } from './procs.js';
import { ROUTE, type TargetKind, type TargetSpec } from './protocol.js';

export const ISSUER = 'https://as.bench.example';
export const AUDIENCE = 'https://orders.bench.example';
const START_TIMEOUT_MS = 30_000;

export interface Context {
  mode: Mode;
  keys: Record<Alg, SigningKey>;
  publicKeys: JsonWebKey[];
  /** Lifetime handed to every child, so none can outlive the run. */
  lifetimeMs: number;
  log: (line: string) => void;
  /** Targets that could not run, with why. */
  skipped: string[];
}

export function createContext(mode: Mode, log: (line: string) => void): Context {
  const keys = { RS256: generateSigningKey('RS256', 'rsa-1'), ES256: generateSigningKey('ES256', 'ec-1') };
  return {
    mode,
    keys,
    publicKeys: ALGS.map((alg) => keys[alg].publicJwk),
    lifetimeMs: (mode.deadlineS + 30) * 1000,
    log,
    skipped: [],
  };
}

export interface JwksServer {
  child: Child;
  port: number;
  /** Fetches so far of `/jwks/<name>.json`. */
  fetches(name: string): Promise<number>;
}

/** Starts a JWKS server process on the driver's core. */
export async function startJwksServer(ctx: Context, name: string): Promise<JwksServer> {
  const child = startChild(
    name,
    'jwks-server',
    [JSON.stringify({ jwks: { keys: ctx.publicKeys }, lifetimeMs: ctx.lifetimeMs })],
    DRIVER_CORE,
  );
  const ready = await child.ready(START_TIMEOUT_MS);
  if (ready.type !== 'ready') throw new Error(`${name} did not start`);
  return {
    child,
    port: ready.port,
    fetches: async (target) => (await child.stats()).fetches?.[`/jwks/${target}.json`] ?? 0,
  };
}

/** Starts the speed probe (probe.ts) on the server core. */
export async function startProbe(ctx: Context): Promise<Child> {
  const child = startChild('probe', 'probe', [JSON.stringify({ lifetimeMs: ctx.lifetimeMs })], SERVER_CORE);
  const ready = await child.ready(START_TIMEOUT_MS);
  if (ready.type !== 'ready') throw new Error('the speed probe did not start');
  return child;
}

export interface Target {
  /** Unique label, e.g. `audguard-express (cache off)`. */
  name: string;
  kind: TargetKind;
  child: Child;
  port: number;
  /** Name of its JWKS path at the JWKS server. */
  jwksName: string;
}

let nextId = 0;

/** Starts one server under test on the server core; `undefined` when it cannot run yet (missing adapter). */
export async function startTarget(
  ctx: Context,
  jwks: JwksServer,
  kind: TargetKind,
  options: {
    label?: string;
    cache?: false | { max: number };
    jwksMaxAgeMs?: number;
    /** Extra Node options for the server process (e.g. `--cpu-prof`). */
    nodeArgs?: string[];
  } = {},
): Promise<Target | undefined> {
  const name = options.label ?? kind;
  const jwksName = `t${nextId++}`;
  const spec: TargetSpec = {
    kind,
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: `http://127.0.0.1:${jwks.port}/jwks/${jwksName}.json`,
    publicKeys: ctx.publicKeys,
    lifetimeMs: ctx.lifetimeMs,
    ...(options.cache === undefined ? {} : { cache: options.cache }),
    ...(options.jwksMaxAgeMs === undefined ? {} : { jwksMaxAgeMs: options.jwksMaxAgeMs }),
  };
  const child = startChild(name, 'server', [JSON.stringify(spec)], SERVER_CORE, options.nodeArgs);
  const ready = await child.ready(START_TIMEOUT_MS);
  if (ready.type === 'unavailable') {
    ctx.log(`  skipped ${name}: ${ready.reason}`);
    if (!ctx.skipped.some((s) => s.startsWith(kind))) ctx.skipped.push(`${kind}: ${ready.reason}`);
    await child.stop();
    return undefined;
  }
  if (ready.type !== 'ready') throw new Error(`${name} did not start`);
  return { name, kind, child, port: ready.port, jwksName };
}

type TargetOptions = NonNullable<Parameters<typeof startTarget>[3]>;

/** Starts targets together (module loading waits on the disk as much as on the core); in `list`'s order. */
export async function startTargets(
  ctx: Context,
  jwks: JwksServer,
  list: readonly (TargetKind | [TargetKind, TargetOptions])[],
): Promise<Target[]> {
  const started = await Promise.all(
    list.map((entry) =>
      typeof entry === 'string' ? startTarget(ctx, jwks, entry) : startTarget(ctx, jwks, entry[0], entry[1]),
    ),
  );
  return started.filter((t): t is Target => t !== undefined);
}

/** One request, for the sanity checks. */
export async function get(port: number, token: string | undefined): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}${ROUTE}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return response.status;
}

export interface Tokens {
  /** 1,000 distinct valid tokens per algorithm. */
  rotated: Record<Alg, string[]>;
  /** More distinct valid tokens than audguard's default cache holds (full mode). */
  overflow: Record<Alg, string[]>;
  /** A valid-looking token for another API, per algorithm. */
  foreign: Record<Alg, string>;
  /** 200 tokens whose `kid`s the issuer never published (signed with a key it does not publish). */
  unknownKids: string[];
}

export function signWorkloadTokens(ctx: Context): Tokens {
  const claims = { iss: ISSUER, aud: AUDIENCE };
  const rotated = {
    RS256: signTokens(ctx.keys.RS256, claims, 1000),
    ES256: signTokens(ctx.keys.ES256, claims, 1000),
  };
  const n = ctx.mode.overflowTokens;
  const overflow = {
    RS256: n > 0 ? signTokens(ctx.keys.RS256, claims, n) : [],
    ES256: n > 0 ? signTokens(ctx.keys.ES256, claims, n) : [],
  };
  const foreignClaims = { iss: ISSUER, aud: 'https://invoices.bench.example' };
  const foreign = {
    RS256: signTokens(ctx.keys.RS256, foreignClaims, 1)[0] as string,
    ES256: signTokens(ctx.keys.ES256, foreignClaims, 1)[0] as string,
  };
  const rogue = generateSigningKey('RS256', 'unpublished');
  const unknownKids: string[] = [];
  for (let i = 0; i < 200; i++) unknownKids.push(...signTokens(rogue, claims, 1, `rotated-${i}`));
  return { rotated, overflow, foreign, unknownKids };
}
