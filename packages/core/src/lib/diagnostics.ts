import type { AuthErrorReason } from '../errors.js';
import { builtinModule } from './builtin.js';

/**
 * What audguard tells operators, through Node's own channels: every decision on `audguard:decision`, every key-set
 * fetch on `audguard:keys` (`node:diagnostics_channel`; nothing is built when nobody subscribes), and configuration
 * near misses and key-set failures once per cause through `process.emitWarning`. All of it is loaded without a
 * static Node import, as the crypto backend is, so the core still runs where there is no Node.
 */

/** Published on `audguard:decision` for every request the verifier accepts or refuses. Never carries the token. */
export interface DecisionEvent {
  /** `'anonymous'`: a request without credentials let through (`credentialsRequired: false`). */
  readonly outcome: 'accepted' | 'refused' | 'anonymous';
  /** Why it was refused (absent when accepted). */
  readonly reason?: AuthErrorReason;
  /** The HTTP status the refusal renders as (200 is not claimed for an acceptance: the route decides). */
  readonly status?: number;
  /**
   * The token's claims, when its signature was verified (accepted, or refused for its claims, audience or scope);
   * absent for tokens refused before that, whose claims nobody vouches for.
   */
  readonly issuer?: string;
  readonly client?: string;
  readonly subject?: string;
  readonly audience?: readonly string[];
  readonly jti?: string;
  readonly scopes?: readonly string[];
  /**
   * For operators, never for clients: why a refusal happened beyond its reason (a near miss of the configured
   * issuer or audience; why keys could not be fetched).
   */
  readonly detail?: string;
  /** The request's method and path (never its query: it may carry a token). Absent for `verify()`. */
  readonly method?: string;
  readonly path?: string;
}

/** Published on `audguard:keys` for key-set and discovery fetches. */
export interface KeysEvent {
  readonly type: 'fetched' | 'fetch_failed' | 'discovered' | 'discovery_failed';
  /** The URL fetched (a JWKS, or the issuer for discovery). */
  readonly url: string;
  /** For `fetched`: how many keys the set holds. For `discovered`: absent. */
  readonly keys?: number;
  /** For `discovered`: the `jwks_uri` found. */
  readonly jwksUri?: string;
  /** For failures: what went wrong, for logs (URLs and socket errors included; never sent to clients). */
  readonly error?: string;
}

interface Channel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

const node = (globalThis as { process?: NodeProcess }).process;

interface NodeProcess {
  emitWarning?: (warning: string, options: { type?: string; code?: string; detail?: string }) => void;
}

function channel(name: string): Channel | undefined {
  return builtinModule<{ channel(name: string): Channel }>('node:diagnostics_channel')?.channel(name);
}

const decisions = channel('audguard:decision');
const keys = channel('audguard:keys');

/** Whether anyone listens on `audguard:decision` (so the event is only built when someone will read it). */
export function decisionsObserved(): boolean {
  return decisions?.hasSubscribers === true;
}

export function publishDecision(event: DecisionEvent): void {
  decisions?.publish(event);
}

export function publishKeys(event: () => KeysEvent): void {
  if (keys?.hasSubscribers) keys.publish(event());
}

/** Warning codes audguard emits; filter on them (`process.on('warning', w => w.code === …)`). */
export type WarningCode =
  | 'AUDGUARD_ISSUER_NEAR_MISS'
  | 'AUDGUARD_AUDIENCE_NEAR_MISS'
  | 'AUDGUARD_KEYS_UNAVAILABLE'
  | 'AUDGUARD_INTROSPECTION_UNAVAILABLE';

const warned = new Set<string>();
const MAX_CAUSES = 256;

/**
 * `process.emitWarning` once per cause, with a `code` operators can filter on. Causes are bounded, so a flood of
 * distinct failures cannot grow memory or the log.
 */
export function warnOnce(code: WarningCode, cause: string, message: string, detail: string): void {
  const key = `${code}\0${cause}`;
  if (warned.has(key) || warned.size >= MAX_CAUSES) return;
  warned.add(key);
  node?.emitWarning?.(message, { type: 'AudguardWarning', code, detail });
}

/**
 * How `observed` differs from `configured` when it is a near miss (same but for a trailing slash, the scheme or
 * letter case), or `undefined` when they are simply different. Identifiers are compared exactly everywhere; this only
 * explains a refusal to the operator.
 */
export function nearMiss(observed: string, configured: string): string | undefined {
  if (observed === configured) return undefined;
  const parts = (value: string) => {
    const match = /^(https?:\/\/)?(.*?)(\/*)$/is.exec(value) as RegExpExecArray;
    return { scheme: match[1]?.toLowerCase(), rest: match[2] as string, slash: (match[3] as string) !== '' };
  };
  const o = parts(observed);
  const c = parts(configured);
  if (o.rest.toLowerCase() !== c.rest.toLowerCase()) return undefined;
  const differences = [
    ...(o.slash === c.slash ? [] : ['a trailing slash']),
    ...(o.scheme === c.scheme ? [] : ['the scheme']),
    ...(o.rest === c.rest ? [] : ['letter case']),
  ];
  return differences.length > 0 ? differences.join(' and ') : undefined;
}

/** The cause chain as one line, for operators (network errors, near misses). */
export function causeText(cause: unknown): string {
  const parts: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof AggregateError) parts.push(current.errors.map((e) => causeText(e)).join('; '));
    else parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.filter((p) => p !== '').join(': ');
}

/** Resets the once-per-cause memory. For tests. @internal */
export function resetWarnings(): void {
  warned.clear();
}

/**
 * Reports a key-set or discovery failure: on `audguard:keys`, and once per URL and cause as a warning, since an
 * endpoint that answers 404 looks like an outage (503) to clients while the fix is in the configuration.
 */
export function reportKeysFailure(
  type: 'fetch_failed' | 'discovery_failed',
  url: string,
  error: unknown,
): void {
  const text = causeText(error);
  publishKeys(() => ({ type, url, error: text }));
  const what = type === 'fetch_failed' ? `the key set at ${url}` : `discovery for the issuer ${url}`;
  warnOnce(
    'AUDGUARD_KEYS_UNAVAILABLE',
    `${url}\0${text}`,
    `audguard: ${what} failed; tokens from it are answered 503 until it works`,
    text,
  );
}
