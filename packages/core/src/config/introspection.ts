import type { IntrospectionOptions } from '../introspection/options.js';
import { isSupportedAlgorithm, isSymmetric } from '../lib/crypto.js';
import type { FetchJsonOptions } from '../lib/fetch-json.js';
import type { JsonWebKey, JwsAlgorithm } from '../types.js';
import { isLoopback } from './issuers.js';
import { absoluteUrl, fail, oneOf, optionObject, positive } from './values.js';

/** How requests to the endpoint are authenticated. */
export type ClientAuthentication =
  | { readonly method: 'client_secret_basic' | 'client_secret_post'; readonly secret: string }
  | { readonly method: 'private_key_jwt'; readonly key: JsonWebKey; readonly alg: JwsAlgorithm };

/** The `introspection` option checked, defaults applied. */
export interface IntrospectionSettings {
  readonly endpoint: string;
  readonly clientId: string;
  readonly auth: ClientAuthentication;
  readonly issuer: string;
  readonly jwts: boolean;
  readonly signedResponses: boolean;
  /** Seconds. */
  readonly maxResponseAge: number;
  readonly http: FetchJsonOptions;
  readonly errorBackoffMs: number;
  /** 0: no cache. */
  readonly cacheMax: number;
  readonly cacheTtlMs: number;
}

const INTROSPECTION_OPTIONS = [
  'endpoint',
  'clientId',
  'clientSecret',
  'privateKey',
  'authMethod',
  'issuer',
  'jwts',
  'signedResponses',
  'maxResponseAge',
  'timeoutMs',
  'maxBytes',
  'errorBackoffMs',
  'cache',
  'fetch',
] as const satisfies readonly (keyof IntrospectionOptions)[];

/** `issuers`: the statically configured issuer identifiers (none with a resolver). */
export function resolveIntrospection(
  value: IntrospectionOptions | undefined,
  issuers: readonly string[],
  defaultFetch: typeof globalThis.fetch,
): IntrospectionSettings | undefined {
  if (value === undefined) return undefined;
  const options = optionObject(value, INTROSPECTION_OPTIONS, 'introspection');
  const endpoint = absoluteUrl(options.endpoint, 'introspection.endpoint');
  if (!endpoint.startsWith('https:') && !isLoopback(endpoint)) {
    fail('introspection.endpoint must be https: tokens and client credentials travel in the request.');
  }
  if (typeof options.clientId !== 'string' || options.clientId.length === 0) {
    fail("introspection.clientId is required: this API's client id at the authorization server.");
  }
  const cache =
    options.cache === false ? false : optionObject(options.cache, ['max', 'ttlMs'], 'introspection.cache');
  const fetchImpl = options.fetch ?? defaultFetch;
  if (typeof fetchImpl !== 'function') fail('introspection.fetch must be a function.');
  return {
    endpoint,
    clientId: options.clientId,
    auth: clientAuthentication(options),
    issuer: introspectionIssuer(options.issuer, issuers),
    jwts: flag(options.jwts, 'introspection.jwts'),
    signedResponses: flag(options.signedResponses, 'introspection.signedResponses'),
    maxResponseAge: positive(options.maxResponseAge ?? 60, 'introspection.maxResponseAge'),
    http: {
      fetch: fetchImpl,
      timeoutMs: positive(options.timeoutMs ?? 5000, 'introspection.timeoutMs'),
      maxBytes: positive(options.maxBytes ?? 65_536, 'introspection.maxBytes'),
    },
    errorBackoffMs: positive(options.errorBackoffMs ?? 1000, 'introspection.errorBackoffMs'),
    cacheMax: cache === false ? 0 : positive(cache.max ?? 10_000, 'introspection.cache.max'),
    cacheTtlMs: cache === false ? 0 : positive(cache.ttlMs ?? 60_000, 'introspection.cache.ttlMs'),
  };
}

function flag(value: unknown, name: string): boolean {
  if (value !== undefined && typeof value !== 'boolean') fail(`${name} must be true or false.`);
  return value === true;
}

function clientAuthentication(options: Partial<IntrospectionOptions>): ClientAuthentication {
  const { clientSecret, privateKey } = options;
  if ((clientSecret === undefined) === (privateKey === undefined)) {
    fail('introspection needs exactly one credential: clientSecret, or privateKey (for private_key_jwt).');
  }
  const method = oneOf(
    options.authMethod ?? (privateKey === undefined ? 'client_secret_basic' : 'private_key_jwt'),
    ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    'introspection.authMethod',
  );
  if (method === 'private_key_jwt') {
    if (privateKey === undefined) fail('introspection.authMethod private_key_jwt needs privateKey.');
    const key = privateKey as JsonWebKey;
    const alg = key.alg;
    if (typeof key !== 'object' || key === null || key.d === undefined) {
      fail('introspection.privateKey must be a private JWK (with "d").');
    }
    if (typeof alg !== 'string' || !isSupportedAlgorithm(alg) || isSymmetric(alg)) {
      fail('introspection.privateKey needs "alg", an asymmetric algorithm such as "ES256" or "RS256".');
    }
    return { method, key, alg: alg as JwsAlgorithm };
  }
  if (typeof clientSecret !== 'string' || clientSecret.length === 0) {
    fail(`introspection.authMethod ${method} needs clientSecret (a non-empty string).`);
  }
  return { method, secret: clientSecret as string };
}

function introspectionIssuer(value: unknown, issuers: readonly string[]): string {
  if (value === undefined) {
    if (issuers.length === 1) return issuers[0] as string;
    return fail(
      'introspection.issuer is required when several issuers are trusted, or with an issuer resolver: the issuer ' +
        'whose tokens the endpoint answers for.',
    );
  }
  if (typeof value !== 'string' || (issuers.length > 0 && !issuers.includes(value))) {
    fail(`introspection.issuer ${JSON.stringify(value)} must be one of the trusted issuers.`);
  }
  return value as string;
}
