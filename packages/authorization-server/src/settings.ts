import type {
  AccessTokenFormat,
  AttemptLimits,
  AuthorizationServerConfig,
  GrantType,
  SigningAlgorithm,
} from './config.js';
import { DEFAULTS } from './defaults.js';
import { ConfigurationError } from './errors.js';
import { type KeyStore, MemoryKeyStore } from './key-store.js';
import type { PasswordHash } from './passwords.js';
import { OFFLINE_ACCESS } from './scopes.js';
import { checkAttemptLimits } from './settings/attempt-limits.js';
import { checkClients, GRANT_TYPES } from './settings/clients.js';
import { checkDpop, type DpopSettings } from './settings/dpop.js';
import { lifetime, MIN_SECRET_BYTES, optionNames, refuseUnknown, secretKey } from './settings/fields.js';
import { checkIntrospectors, checkResources, introspectionClientsOf } from './settings/resources.js';
import {
  checkMetadataDocuments,
  checkRegistration,
  SELF_SERVICE_GRANT_TYPES,
} from './settings/self-service.js';
import { checkAutoApprove, checkUsers } from './settings/users.js';
import { guardStorage } from './storage-guard.js';
import { MemoryStore, type Store } from './store.js';

export { checkIssuer } from './settings/fields.js';

/** A checked resource. @internal */
export interface Resource {
  readonly id: string;
  readonly name: string;
  readonly scopes: ReadonlySet<string>;
  readonly requireResourceIndicator: boolean;
  /** Client ids that may introspect this resource's tokens. */
  readonly introspectionClients: ReadonlySet<string>;
  readonly accessTokenFormat: AccessTokenFormat;
}

/**
 * Where a client comes from: the configuration, a dynamic registration (RFC 7591), or its Client ID Metadata
 * Document. The consent page says which. @internal
 */
export type ClientKind = 'configured' | 'registered' | 'metadata-document';

/** The client authentication methods the token endpoint knows. @internal */
export type AuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none' | 'private_key_jwt';

/** A client's public keys for `private_key_jwt`: inline, or at a URL. @internal */
export type ClientKeys = { readonly jwks: { keys: readonly object[] } } | { readonly jwksUri: string };

/** A checked client. @internal */
export interface Client {
  readonly kind: ClientKind;
  readonly clientId: string;
  /** A configured client's secret. */
  readonly clientSecret: string | undefined;
  /** A registered client's secret, as base64url SHA-256 (the secret itself is never stored). */
  readonly clientSecretHash: string | undefined;
  /** The one method a self-service client declared; `undefined` for configured clients (either secret method). */
  readonly authMethod: AuthMethod | undefined;
  /** The keys of a `private_key_jwt` client. */
  readonly keys: ClientKeys | undefined;
  readonly name: string;
  readonly grantTypes: ReadonlySet<GrantType>;
  readonly redirectUris: readonly string[];
  /** Resource scopes the client may ask for, in configuration order. */
  readonly scopes: readonly string[];
  /** Resources the client may target. */
  readonly resources: readonly Resource[];
}

/** A checked user. @internal */
export interface User {
  readonly username: string;
  /** The scrypt hash of the password, computed at configuration time (the plain password is not kept). */
  readonly passwordHash: Promise<PasswordHash>;
  readonly subject: string;
}

/** What self-service clients may ask for, checked: resources and their scopes. @internal */
export interface ClientPolicySettings {
  readonly resources: readonly Resource[];
  readonly scopes: readonly string[];
}

/** `clientIdMetadataDocuments`, checked. @internal */
export interface MetadataDocumentSettings extends ClientPolicySettings {
  readonly allowLoopback: boolean;
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly ca: readonly string[];
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly minCacheSeconds: number;
  readonly maxCacheSeconds: number;
}

/** `clientRegistration`, checked. @internal */
export interface RegistrationSettings extends ClientPolicySettings {
  readonly lifetime: number;
  readonly maxRedirectUris: number;
  readonly maxBodyBytes: number;
  readonly perAddress: number;
  readonly total: number;
  readonly windowSeconds: number;
  readonly defaultApplicationType: 'web' | 'native';
  readonly clientAddress: ((request: Request) => string | undefined) | undefined;
}

/** The attempt limits, checked. @internal */
export type AttemptLimitSettings = Readonly<Required<AttemptLimits>>;

/** The configuration after checking, with defaults applied. @internal */
export interface Settings {
  readonly resources: ReadonlyMap<string, Resource>;
  /** The configured clients; self-service ones are found with `findClient` (clients/lookup.ts). */
  readonly clients: ReadonlyMap<string, Client>;
  /** Client ID Metadata Documents, when turned on. */
  readonly metadataDocuments: MetadataDocumentSettings | undefined;
  /** Dynamic client registration, when turned on. */
  readonly registration: RegistrationSettings | undefined;
  readonly users: ReadonlyMap<string, User>;
  readonly autoApproveSubject: string | undefined;
  readonly accessTokenLifetime: number;
  readonly refreshTokenLifetime: number;
  readonly authorizationCodeLifetime: number;
  readonly interactionLifetime: number;
  /** The HMAC key of the pending requests carried in login forms. */
  readonly interactionSecret: Uint8Array;
  readonly attemptLimits: AttemptLimitSettings;
  readonly signingAlgorithm: SigningAlgorithm;
  /** The configured store, its failures turned into 503s. */
  readonly store: Store;
  /** The configured key store, its failures turned into 503s. */
  readonly keyStore: KeyStore;
  /** DPoP at the token endpoint, when turned on. */
  readonly dpop: DpopSettings | undefined;
  readonly now: () => number;
  /** The clients allowed at `/introspect` and, for each, the resources it speaks for. */
  readonly introspectors: ReadonlyMap<string, readonly Resource[]>;
  /** Every scope offered, `offline_access` last when some client may refresh. */
  readonly scopesSupported: readonly string[];
  readonly grantTypesSupported: readonly GrantType[];
}

const algorithms: readonly SigningAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** The store methods the server calls; a configured store must have them all. */
const STORE_METHODS = [
  'set',
  'get',
  'consume',
  'delete',
  'increment',
] as const satisfies readonly (keyof Store)[];

/** The key-store methods the server calls. */
const KEY_STORE_METHODS = ['load', 'add', 'remove'] as const satisfies readonly (keyof KeyStore)[];

function checkStorage<T extends object, M extends keyof T & string>(
  field: 'store' | 'keyStore',
  storage: T,
  methods: readonly M[],
  kind: string,
): Pick<T, M> {
  if (typeof storage !== 'object' || storage === null) {
    throw new ConfigurationError(field, `give an object implementing the ${kind} interface`);
  }
  for (const method of methods) {
    if (typeof storage[method] !== 'function') {
      throw new ConfigurationError(field, `it has no ${method}() method; implement the ${kind} interface`);
    }
  }
  return guardStorage(field, storage, methods);
}

function checkStore(config: AuthorizationServerConfig, now: () => number): Store {
  return checkStorage('store', config.store ?? new MemoryStore({ now }), STORE_METHODS, 'Store');
}

function checkKeyStore(config: AuthorizationServerConfig): KeyStore {
  return checkStorage('keyStore', config.keyStore ?? new MemoryKeyStore(), KEY_STORE_METHODS, 'KeyStore');
}

/**
 * The name of every {@link AuthorizationServerConfig} option, for wrappers that take the same options and check
 * names themselves (`@audguard/testing`'s `startTestIssuer`), so the list is written once.
 */
export const CONFIG_OPTION_NAMES: readonly (keyof AuthorizationServerConfig)[] =
  optionNames<AuthorizationServerConfig>({
    issuer: true,
    resources: true,
    clients: true,
    clientIdMetadataDocuments: true,
    clientRegistration: true,
    users: true,
    autoApprove: true,
    accessTokenLifetime: true,
    refreshTokenLifetime: true,
    authorizationCodeLifetime: true,
    interactionLifetime: true,
    interactionSecret: true,
    attemptLimits: true,
    signingAlgorithm: true,
    store: true,
    keyStore: true,
    dpop: true,
    now: true,
  });

/** Checks the configuration and applies the {@link DEFAULTS}. Throws {@link ConfigurationError}. @internal */
export function resolveSettings(config: AuthorizationServerConfig): Settings {
  if (typeof config !== 'object' || config === null) {
    throw new ConfigurationError('config', 'pass a configuration object');
  }
  refuseUnknown(config, CONFIG_OPTION_NAMES, 'config');
  const resources = checkResources(config);
  const metadataDocuments = checkMetadataDocuments(config.clientIdMetadataDocuments, resources);
  const registration = checkRegistration(config.clientRegistration, resources);
  const selfService = metadataDocuments !== undefined || registration !== undefined;
  const clients = checkClients(config, resources, selfService, introspectionClientsOf(resources));
  const introspectors = checkIntrospectors(resources, clients);
  const users = checkUsers(config);
  const autoApproveSubject = checkAutoApprove(config, users);
  const allClients = [...clients.values()];
  if (selfService || allClients.some((client) => client.grantTypes.has('authorization_code'))) {
    if (users.size === 0 && autoApproveSubject === undefined) {
      throw new ConfigurationError(
        'users',
        'a client uses authorization_code (self-service clients always do) but nobody can log in; add users or set autoApprove',
      );
    }
  }
  const signingAlgorithm = config.signingAlgorithm ?? DEFAULTS.signingAlgorithm;
  if (!algorithms.includes(signingAlgorithm)) {
    throw new ConfigurationError('signingAlgorithm', `use one of ${algorithms.join(', ')}`);
  }
  if (config.now !== undefined && typeof config.now !== 'function') {
    throw new ConfigurationError('now', 'give a function returning milliseconds since the epoch');
  }
  const now = config.now ?? Date.now;
  const store = checkStore(config, now);
  const keyStore = checkKeyStore(config);

  const scopesSupported = [...new Set([...resources.values()].flatMap((resource) => [...resource.scopes]))];
  // Self-service clients may use the code flow and refresh tokens.
  const grants = new Set(allClients.flatMap((client) => [...client.grantTypes]));
  if (selfService) for (const grant of SELF_SERVICE_GRANT_TYPES) grants.add(grant);
  if (grants.has('refresh_token')) scopesSupported.push(OFFLINE_ACCESS);

  return {
    resources,
    clients,
    metadataDocuments,
    registration,
    users,
    autoApproveSubject,
    accessTokenLifetime: lifetime(
      config.accessTokenLifetime,
      'accessTokenLifetime',
      DEFAULTS.accessTokenLifetime,
    ),
    refreshTokenLifetime: lifetime(
      config.refreshTokenLifetime,
      'refreshTokenLifetime',
      DEFAULTS.refreshTokenLifetime,
    ),
    authorizationCodeLifetime: lifetime(
      config.authorizationCodeLifetime,
      'authorizationCodeLifetime',
      DEFAULTS.authorizationCodeLifetime,
    ),
    interactionLifetime: lifetime(
      config.interactionLifetime,
      'interactionLifetime',
      DEFAULTS.interactionLifetime,
    ),
    interactionSecret: secretKey(config.interactionSecret, 'interactionSecret', () =>
      crypto.getRandomValues(new Uint8Array(MIN_SECRET_BYTES)),
    ),
    attemptLimits: checkAttemptLimits(config.attemptLimits),
    signingAlgorithm,
    store,
    keyStore,
    dpop: checkDpop(config.dpop, now),
    now,
    introspectors,
    scopesSupported,
    grantTypesSupported: GRANT_TYPES.filter((grant) => grants.has(grant)),
  };
}
