import type { AuthorizationServerConfig, GrantType, SigningAlgorithm } from './config.js';
import { ConfigurationError } from './errors.js';
import { isResourceIndicator } from './resource-indicators.js';
import { isScopeToken, OFFLINE_ACCESS } from './scopes.js';
import { MemoryStore, type Store } from './store.js';

/** A checked resource. @internal */
export interface Resource {
  readonly id: string;
  readonly name: string;
  readonly scopes: ReadonlySet<string>;
  readonly requireResourceIndicator: boolean;
}

/** A checked client. @internal */
export interface Client {
  readonly clientId: string;
  readonly clientSecret: string | undefined;
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
  readonly password: string;
  readonly subject: string;
}

/** The configuration after checking, with defaults applied. @internal */
export interface Settings {
  readonly resources: ReadonlyMap<string, Resource>;
  readonly clients: ReadonlyMap<string, Client>;
  readonly users: ReadonlyMap<string, User>;
  readonly autoApproveSubject: string | undefined;
  readonly accessTokenLifetime: number;
  readonly refreshTokenLifetime: number;
  readonly authorizationCodeLifetime: number;
  readonly interactionLifetime: number;
  readonly signingAlgorithm: SigningAlgorithm;
  readonly store: Store;
  readonly now: () => number;
  /** Every scope offered, `offline_access` last when some client may refresh. */
  readonly scopesSupported: readonly string[];
  readonly grantTypesSupported: readonly GrantType[];
}

const grantTypes: readonly GrantType[] = ['authorization_code', 'client_credentials', 'refresh_token'];
const algorithms: readonly SigningAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/**
 * Checks an issuer identifier (RFC 8414 §2): absolute http(s) URL, no query, no fragment, no credentials, and a
 * path of plain characters (it becomes part of the routes).
 */
export function checkIssuer(issuer: unknown): string {
  const field = 'issuer';
  if (typeof issuer !== 'string' || issuer === '') {
    throw new ConfigurationError(
      field,
      'give the issuer identifier as a URL string, e.g. https://as.example.com',
    );
  }
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigurationError(
      field,
      `"${issuer}" is not an absolute URL; use e.g. https://as.example.com`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(field, 'use an https: URL (http: only for local development)');
  }
  if (issuer.includes('?') || issuer.includes('#')) {
    throw new ConfigurationError(field, 'remove the query and fragment; RFC 8414 §2 forbids them');
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigurationError(field, 'remove the user name and password from the URL');
  }
  if (!/^[A-Za-z0-9\-._~/]*$/.test(url.pathname)) {
    throw new ConfigurationError(field, 'use only letters, digits, "-", ".", "_", "~" and "/" in the path');
  }
  return issuer;
}

function lifetime(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigurationError(field, 'give a whole number of seconds greater than 0');
  }
  return value;
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '')
    throw new ConfigurationError(field, 'give a non-empty string');
  return value;
}

function stringList(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new ConfigurationError(field, 'give an array');
  return value;
}

function checkResources(config: AuthorizationServerConfig): Map<string, Resource> {
  const list = stringList(config.resources, 'resources');
  if (list.length === 0) throw new ConfigurationError('resources', 'declare at least one resource');
  const resources = new Map<string, Resource>();
  list.forEach((entry: unknown, i) => {
    const field = `resources[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new ConfigurationError(field, 'give an object');
    const { id, name, scopes, requireResourceIndicator } = entry as Record<string, unknown>;
    const resourceId = nonEmptyString(id, `${field}.id`);
    if (!isResourceIndicator(resourceId)) {
      throw new ConfigurationError(
        `${field}.id`,
        `"${resourceId}" must be an absolute URI without a fragment (RFC 8707 §2), e.g. https://api.example.com or urn:invoices`,
      );
    }
    if (resources.has(resourceId))
      throw new ConfigurationError(`${field}.id`, `"${resourceId}" is declared twice`);
    const scopeList = stringList(scopes, `${field}.scopes`);
    if (scopeList.length === 0) throw new ConfigurationError(`${field}.scopes`, 'declare at least one scope');
    scopeList.forEach((scope, j) => {
      const scopeField = `${field}.scopes[${j}]`;
      if (typeof scope !== 'string' || !isScopeToken(scope)) {
        throw new ConfigurationError(
          scopeField,
          'a scope is a non-empty string without spaces, quotes or backslashes',
        );
      }
      if (scope === OFFLINE_ACCESS) {
        throw new ConfigurationError(
          scopeField,
          'offline_access is reserved for refresh tokens; rename the scope',
        );
      }
    });
    if (requireResourceIndicator !== undefined && typeof requireResourceIndicator !== 'boolean') {
      throw new ConfigurationError(`${field}.requireResourceIndicator`, 'give true or false');
    }
    resources.set(resourceId, {
      id: resourceId,
      name: name === undefined ? resourceId : nonEmptyString(name, `${field}.name`),
      scopes: new Set(scopeList as string[]),
      requireResourceIndicator: requireResourceIndicator === true,
    });
  });
  return resources;
}

function checkRedirectUri(value: unknown, field: string): string {
  const uri = nonEmptyString(value, field);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new ConfigurationError(field, `"${uri}" is not an absolute URI (RFC 6749 §3.1.2)`);
  }
  if (uri.includes('#') || url.hash !== '') {
    throw new ConfigurationError(field, 'remove the fragment (RFC 6749 §3.1.2)');
  }
  return uri;
}

function checkClients(
  config: AuthorizationServerConfig,
  resources: Map<string, Resource>,
): Map<string, Client> {
  const list = stringList(config.clients, 'clients');
  if (list.length === 0) throw new ConfigurationError('clients', 'register at least one client');
  const clients = new Map<string, Client>();
  list.forEach((entry: unknown, i) => {
    const field = `clients[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new ConfigurationError(field, 'give an object');
    const raw = entry as Record<string, unknown>;
    const clientId = nonEmptyString(raw.clientId, `${field}.clientId`);
    if (clients.has(clientId))
      throw new ConfigurationError(`${field}.clientId`, `"${clientId}" is registered twice`);
    const clientSecret =
      raw.clientSecret === undefined ? undefined : nonEmptyString(raw.clientSecret, `${field}.clientSecret`);

    const grants = stringList(raw.grantTypes, `${field}.grantTypes`);
    if (grants.length === 0)
      throw new ConfigurationError(`${field}.grantTypes`, 'allow at least one grant type');
    for (const grant of grants) {
      if (!grantTypes.includes(grant as GrantType)) {
        throw new ConfigurationError(`${field}.grantTypes`, `use only ${grantTypes.join(', ')}`);
      }
    }
    const allowedGrants = new Set(grants as GrantType[]);
    if (allowedGrants.has('client_credentials') && clientSecret === undefined) {
      throw new ConfigurationError(
        `${field}.grantTypes`,
        'a public client (no clientSecret) cannot use client_credentials; add a clientSecret or remove the grant',
      );
    }
    if (allowedGrants.has('refresh_token') && !allowedGrants.has('authorization_code')) {
      throw new ConfigurationError(
        `${field}.grantTypes`,
        'refresh_token needs authorization_code (refresh tokens come from code redemption)',
      );
    }

    const redirectUris = stringList(raw.redirectUris ?? [], `${field}.redirectUris`).map((uri, j) =>
      checkRedirectUri(uri, `${field}.redirectUris[${j}]`),
    );
    if (allowedGrants.has('authorization_code') && redirectUris.length === 0) {
      throw new ConfigurationError(
        `${field}.redirectUris`,
        'authorization_code needs at least one redirect URI',
      );
    }

    const allowedResources =
      raw.resources === undefined
        ? [...resources.values()]
        : stringList(raw.resources, `${field}.resources`).map((id, j) => {
            const resource = typeof id === 'string' ? resources.get(id) : undefined;
            if (resource === undefined) {
              throw new ConfigurationError(`${field}.resources[${j}]`, 'name the id of a declared resource');
            }
            return resource;
          });

    const scopes = stringList(raw.scopes, `${field}.scopes`).map((scope, j) => {
      const scopeField = `${field}.scopes[${j}]`;
      if (scope === OFFLINE_ACCESS) {
        throw new ConfigurationError(
          scopeField,
          'remove offline_access: the refresh_token grant type allows it',
        );
      }
      if (typeof scope !== 'string' || !allowedResources.some((resource) => resource.scopes.has(scope))) {
        throw new ConfigurationError(scopeField, 'name a scope of a resource this client may target');
      }
      return scope;
    });
    if (scopes.length === 0) throw new ConfigurationError(`${field}.scopes`, 'allow at least one scope');

    clients.set(clientId, {
      clientId,
      clientSecret,
      name: raw.name === undefined ? clientId : nonEmptyString(raw.name, `${field}.name`),
      grantTypes: allowedGrants,
      redirectUris,
      scopes: [...new Set(scopes)],
      resources: allowedResources,
    });
  });
  return clients;
}

function checkUsers(config: AuthorizationServerConfig): Map<string, User> {
  const users = new Map<string, User>();
  stringList(config.users ?? [], 'users').forEach((entry: unknown, i) => {
    const field = `users[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new ConfigurationError(field, 'give an object');
    const raw = entry as Record<string, unknown>;
    const username = nonEmptyString(raw.username, `${field}.username`);
    if (users.has(username))
      throw new ConfigurationError(`${field}.username`, `"${username}" is declared twice`);
    users.set(username, {
      username,
      password: nonEmptyString(raw.password, `${field}.password`),
      subject: raw.subject === undefined ? username : nonEmptyString(raw.subject, `${field}.subject`),
    });
  });
  return users;
}

function checkAutoApprove(config: AuthorizationServerConfig, users: Map<string, User>): string | undefined {
  const value = config.autoApprove;
  if (value === undefined || value === false) return undefined;
  if (value === true) {
    const first = users.values().next();
    if (first.done === true) {
      throw new ConfigurationError(
        'autoApprove',
        'true approves as the first user; add users or give a subject',
      );
    }
    return first.value.subject;
  }
  return nonEmptyString(value, 'autoApprove');
}

/** Checks the configuration and applies the defaults. Throws {@link ConfigurationError}. @internal */
export function resolveSettings(config: AuthorizationServerConfig): Settings {
  if (typeof config !== 'object' || config === null) {
    throw new ConfigurationError('config', 'pass a configuration object');
  }
  const resources = checkResources(config);
  const clients = checkClients(config, resources);
  const users = checkUsers(config);
  const autoApproveSubject = checkAutoApprove(config, users);
  const usesCode = [...clients.values()].some((client) => client.grantTypes.has('authorization_code'));
  if (usesCode && users.size === 0 && autoApproveSubject === undefined) {
    throw new ConfigurationError(
      'users',
      'a client uses authorization_code but nobody can log in; add users or set autoApprove',
    );
  }
  const signingAlgorithm = config.signingAlgorithm ?? 'RS256';
  if (!algorithms.includes(signingAlgorithm)) {
    throw new ConfigurationError('signingAlgorithm', `use one of ${algorithms.join(', ')}`);
  }
  if (config.now !== undefined && typeof config.now !== 'function') {
    throw new ConfigurationError('now', 'give a function returning milliseconds since the epoch');
  }
  const now = config.now ?? Date.now;
  const store = config.store ?? new MemoryStore({ now });
  for (const method of ['set', 'get', 'consume', 'delete'] as const) {
    if (typeof store[method] !== 'function') {
      throw new ConfigurationError(
        'store',
        `the store has no ${method}() method; implement the Store interface`,
      );
    }
  }

  const allClients = [...clients.values()];
  const scopesSupported = [...new Set([...resources.values()].flatMap((resource) => [...resource.scopes]))];
  if (allClients.some((client) => client.grantTypes.has('refresh_token')))
    scopesSupported.push(OFFLINE_ACCESS);

  return {
    resources,
    clients,
    users,
    autoApproveSubject,
    accessTokenLifetime: lifetime(config.accessTokenLifetime, 'accessTokenLifetime', 300),
    refreshTokenLifetime: lifetime(config.refreshTokenLifetime, 'refreshTokenLifetime', 1_209_600),
    authorizationCodeLifetime: lifetime(config.authorizationCodeLifetime, 'authorizationCodeLifetime', 60),
    interactionLifetime: lifetime(config.interactionLifetime, 'interactionLifetime', 600),
    signingAlgorithm,
    store,
    now,
    scopesSupported,
    grantTypesSupported: grantTypes.filter((grant) =>
      allClients.some((client) => client.grantTypes.has(grant)),
    ),
  };
}
