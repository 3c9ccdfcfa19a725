import type {
  ClientIdMetadataDocumentOptions,
  ClientPolicy,
  ClientRegistrationOptions,
} from '../client-options.js';
import type { GrantType } from '../config.js';
import { DEFAULTS } from '../defaults.js';
import { ConfigurationError } from '../errors.js';
import type {
  ClientPolicySettings,
  MetadataDocumentSettings,
  RegistrationSettings,
  Resource,
} from '../settings.js';
import { entry, list, optionNames, refuseUnknown } from './fields.js';

/** The grants self-service clients may use: the user-facing ones. `client_credentials` is never among them. */
export const SELF_SERVICE_GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token'];

const POLICY = { resources: true, scopes: true } as const satisfies Record<keyof ClientPolicy, true>;

const DOCUMENT_OPTIONS = optionNames<ClientIdMetadataDocumentOptions>({
  ...POLICY,
  allowLoopback: true,
  fetch: true,
  ca: true,
  timeoutMs: true,
  maxBytes: true,
  minCacheSeconds: true,
  maxCacheSeconds: true,
});

const REGISTRATION_OPTIONS = optionNames<ClientRegistrationOptions>({
  ...POLICY,
  lifetime: true,
  maxRedirectUris: true,
  maxBodyBytes: true,
  perAddress: true,
  total: true,
  windowSeconds: true,
  defaultApplicationType: true,
  clientAddress: true,
});

/** `false`/`undefined` → off; `true` → `{}`; an object → itself (its unknown names refused). */
function options(
  value: unknown,
  field: string,
  known: readonly string[],
): Record<string, unknown> | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return {};
  const raw = entry(value, field);
  refuseUnknown(raw, known, field);
  return raw;
}

function wholeNumber(value: unknown, field: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigurationError(field, `give a whole number of at least ${min}`);
  }
  return value;
}

function fn<T>(value: unknown, field: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new ConfigurationError(field, 'give a function');
  return value as T;
}

/** The policy of a self-service kind: resources (default all) and their scopes (default every one of them). */
function checkPolicy(
  raw: Record<string, unknown>,
  field: string,
  resources: ReadonlyMap<string, Resource>,
): ClientPolicySettings {
  const allowed =
    raw.resources === undefined
      ? [...resources.values()]
      : list(raw.resources, `${field}.resources`).map((id, i) => {
          const resource = typeof id === 'string' ? resources.get(id) : undefined;
          if (resource === undefined) {
            throw new ConfigurationError(`${field}.resources[${i}]`, 'name the id of a declared resource');
          }
          return resource;
        });
  if (allowed.length === 0) throw new ConfigurationError(`${field}.resources`, 'allow at least one resource');
  const owned = [...new Set(allowed.flatMap((resource) => [...resource.scopes]))];
  const scopes =
    raw.scopes === undefined
      ? owned
      : list(raw.scopes, `${field}.scopes`).map((scope, i) => {
          if (typeof scope !== 'string' || !owned.includes(scope)) {
            throw new ConfigurationError(
              `${field}.scopes[${i}]`,
              'name a scope of a resource these clients may target',
            );
          }
          return scope;
        });
  if (scopes.length === 0) throw new ConfigurationError(`${field}.scopes`, 'allow at least one scope');
  return { resources: allowed, scopes: [...new Set(scopes)] };
}

/** Checks `clientIdMetadataDocuments`; `undefined` when off. */
export function checkMetadataDocuments(
  value: unknown,
  resources: ReadonlyMap<string, Resource>,
): MetadataDocumentSettings | undefined {
  const field = 'clientIdMetadataDocuments';
  const raw = options(value, field, DOCUMENT_OPTIONS);
  if (raw === undefined) return undefined;
  const d = DEFAULTS.clientIdMetadataDocuments;
  if (raw.allowLoopback !== undefined && typeof raw.allowLoopback !== 'boolean') {
    throw new ConfigurationError(`${field}.allowLoopback`, 'give true or false');
  }
  const ca = raw.ca === undefined ? [] : typeof raw.ca === 'string' ? [raw.ca] : list(raw.ca, `${field}.ca`);
  if (ca.some((pem) => typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----'))) {
    throw new ConfigurationError(`${field}.ca`, 'give PEM certificates (-----BEGIN CERTIFICATE-----)');
  }
  const minCacheSeconds = wholeNumber(raw.minCacheSeconds, `${field}.minCacheSeconds`, d.minCacheSeconds, 0);
  const maxCacheSeconds = wholeNumber(raw.maxCacheSeconds, `${field}.maxCacheSeconds`, d.maxCacheSeconds);
  if (maxCacheSeconds < minCacheSeconds) {
    throw new ConfigurationError(`${field}.maxCacheSeconds`, 'must not be less than minCacheSeconds');
  }
  return {
    ...checkPolicy(raw, field, resources),
    allowLoopback: raw.allowLoopback === true,
    fetch: fn<typeof globalThis.fetch>(raw.fetch, `${field}.fetch`),
    ca: ca as string[],
    timeoutMs: wholeNumber(raw.timeoutMs, `${field}.timeoutMs`, d.timeoutMs),
    maxBytes: wholeNumber(raw.maxBytes, `${field}.maxBytes`, d.maxBytes),
    minCacheSeconds,
    maxCacheSeconds,
  };
}

/** Checks `clientRegistration`; `undefined` when off. */
export function checkRegistration(
  value: unknown,
  resources: ReadonlyMap<string, Resource>,
): RegistrationSettings | undefined {
  const field = 'clientRegistration';
  const raw = options(value, field, REGISTRATION_OPTIONS);
  if (raw === undefined) return undefined;
  const d = DEFAULTS.clientRegistration;
  const type = raw.defaultApplicationType ?? d.defaultApplicationType;
  if (type !== 'web' && type !== 'native') {
    throw new ConfigurationError(`${field}.defaultApplicationType`, "give 'web' or 'native'");
  }
  return {
    ...checkPolicy(raw, field, resources),
    lifetime: wholeNumber(raw.lifetime, `${field}.lifetime`, d.lifetime),
    maxRedirectUris: wholeNumber(raw.maxRedirectUris, `${field}.maxRedirectUris`, d.maxRedirectUris),
    maxBodyBytes: wholeNumber(raw.maxBodyBytes, `${field}.maxBodyBytes`, d.maxBodyBytes),
    perAddress: wholeNumber(raw.perAddress, `${field}.perAddress`, d.perAddress),
    total: wholeNumber(raw.total, `${field}.total`, d.total),
    windowSeconds: wholeNumber(raw.windowSeconds, `${field}.windowSeconds`, d.windowSeconds),
    defaultApplicationType: type,
    clientAddress: fn<(request: Request) => string | undefined>(raw.clientAddress, `${field}.clientAddress`),
  };
}
