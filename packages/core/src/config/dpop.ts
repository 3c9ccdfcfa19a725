import type { DpopOptions } from '../dpop/options.js';
import { ASYMMETRIC_ALGORITHMS, isSupportedAlgorithm, isSymmetric } from '../lib/crypto.js';
import { MemoryReplayCache, type ReplayCache } from '../replay-cache.js';
import type { JwsAlgorithm } from '../types.js';
import { fail, nonNegative, oneOf, optionObject, positive } from './values.js';

/** The `dpop` option checked, defaults applied. */
export interface DpopSettings {
  readonly mode: 'allowed' | 'required';
  readonly algorithms: ReadonlySet<JwsAlgorithm>;
  /** Seconds after `iat` a proof is accepted. */
  readonly maxAge: number;
  /** Seconds of skew, both ways. */
  readonly clockTolerance: number;
  /** Normalised public origin (scheme and host lower-case, no default port, no trailing slash). */
  readonly origin: string;
  readonly replayCache: ReplayCache;
  readonly nonce: { readonly secret: Uint8Array; readonly stepSeconds: number } | undefined;
}

const DPOP_OPTIONS = [
  'mode',
  'algorithms',
  'maxAge',
  'clockTolerance',
  'origin',
  'replayCache',
  'nonce',
] as const satisfies readonly (keyof DpopOptions)[];

/**
 * `dpop: 'allowed' | 'required' | { mode, … }`. `audiences`: every statically configured audience, for the
 * default origin.
 */
export function resolveDpop(
  value: 'allowed' | 'required' | DpopOptions | undefined,
  audiences: readonly string[] | undefined,
  clockTolerance: number,
  now: () => number,
): DpopSettings | undefined {
  if (value === undefined) return undefined;
  const options: Partial<DpopOptions> =
    typeof value === 'string' ? { mode: value } : optionObject(value, DPOP_OPTIONS, 'dpop');
  const mode = oneOf(options.mode, ['allowed', 'required'], 'dpop (or dpop.mode)');
  return {
    mode,
    algorithms: proofAlgorithms(options.algorithms),
    maxAge: positive(options.maxAge ?? 60, 'dpop.maxAge'),
    clockTolerance: nonNegative(options.clockTolerance ?? clockTolerance, 'dpop.clockTolerance'),
    origin: resolveOrigin(options.origin, audiences),
    replayCache: replayCache(options.replayCache, now),
    nonce: resolveNonce(options.nonce),
  };
}

function proofAlgorithms(value: readonly JwsAlgorithm[] | undefined): ReadonlySet<JwsAlgorithm> {
  if (value === undefined) return new Set(ASYMMETRIC_ALGORITHMS);
  if (!Array.isArray(value) || value.length === 0) fail('dpop.algorithms must be a non-empty array.');
  for (const alg of value as unknown[]) {
    if (typeof alg !== 'string' || !isSupportedAlgorithm(alg) || isSymmetric(alg)) {
      fail(
        `dpop.algorithms: ${JSON.stringify(alg)} is not an asymmetric algorithm audguard supports; RFC 9449 allows ` +
          `asymmetric signatures only: use some of ${ASYMMETRIC_ALGORITHMS.join(', ')}.`,
      );
    }
  }
  return new Set(value);
}

/** The configured origin, or the one origin every static audience shares. */
function resolveOrigin(value: unknown, audiences: readonly string[] | undefined): string {
  if (value !== undefined) {
    const origin = httpOrigin(value);
    const url = origin === undefined ? undefined : new URL(value as string);
    if (url === undefined || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
      fail(
        `dpop.origin ${JSON.stringify(value)} must be an http(s) origin with no path, e.g. 'https://api.example.com'.`,
      );
    }
    return origin as string;
  }
  const origins = new Set((audiences ?? []).map(httpOrigin));
  const [only] = origins;
  if (origins.size === 1 && only !== undefined) return only;
  return fail(
    "dpop.origin is required: set it to this API's public origin, e.g. { mode: 'required', origin: " +
      "'https://api.example.com' }. A DPoP proof names the URL the client called (htu), and the audience does " +
      'not say which origin that is here (it is not one http(s) URL, or depends on the request).',
  );
}

/** The origin of an http(s) URL as RFC 3986 §6.2.3 normalises it, or `undefined`. */
function httpOrigin(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

function replayCache(value: ReplayCache | undefined, now: () => number): ReplayCache {
  if (value === undefined) return new MemoryReplayCache({ now });
  if (typeof value !== 'object' || value === null || typeof value.add !== 'function') {
    fail('dpop.replayCache must be a ReplayCache ({ add(key, ttlSeconds) }), e.g. createRedisReplayCache().');
  }
  return value;
}

function resolveNonce(value: DpopOptions['nonce']): DpopSettings['nonce'] {
  if (value === undefined) return undefined;
  const options = optionObject(value, ['secret', 'stepSeconds'], 'dpop.nonce');
  const secret =
    typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
  if (!(secret instanceof Uint8Array) || secret.byteLength < 32) {
    fail(
      'dpop.nonce.secret must be at least 32 bytes (a string or a Uint8Array), the same on every instance.',
    );
  }
  return { secret, stepSeconds: positive(options.stepSeconds ?? 60, 'dpop.nonce.stepSeconds') };
}
