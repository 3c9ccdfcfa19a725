import { isScopeToken } from '@audguard/core/protocol';
import type { AccessTokenFormat, AuthorizationServerConfig, ResourceConfig } from '../config.js';
import { ConfigurationError } from '../errors.js';
import { isResourceIndicator } from '../resource-indicators.js';
import { OFFLINE_ACCESS } from '../scopes.js';
import type { Client, Resource } from '../settings.js';
import { entry, list, nonEmptyString, optionNames, refuseUnknown } from './fields.js';

const RESOURCE_OPTIONS = optionNames<ResourceConfig>({
  id: true,
  name: true,
  scopes: true,
  requireResourceIndicator: true,
  introspectionClients: true,
  accessTokenFormat: true,
});

const FORMATS: readonly AccessTokenFormat[] = ['jwt', 'reference'];

/** `introspectionClients`: distinct non-empty client ids (checked against the clients by checkIntrospectors). */
function introspectionClientIds(value: unknown, field: string): Set<string> {
  if (value === undefined) return new Set();
  const ids = new Set<string>();
  list(value, field).forEach((id, j) => {
    const name = nonEmptyString(id, `${field}[${j}]`);
    if (ids.has(name)) throw new ConfigurationError(`${field}[${j}]`, `"${name}" is listed twice`);
    ids.add(name);
  });
  return ids;
}

function accessTokenFormat(value: unknown, field: string): AccessTokenFormat {
  if (value === undefined) return 'jwt';
  if (!FORMATS.includes(value as AccessTokenFormat)) {
    throw new ConfigurationError(field, `use 'jwt' (the default) or 'reference'`);
  }
  return value as AccessTokenFormat;
}

/** Checks `resources`: at least one, ids absolute URIs declared once, each with valid scopes. */
export function checkResources(config: AuthorizationServerConfig): Map<string, Resource> {
  const declared = list(config.resources, 'resources');
  if (declared.length === 0) throw new ConfigurationError('resources', 'declare at least one resource');
  const resources = new Map<string, Resource>();
  declared.forEach((value, i) => {
    const field = `resources[${i}]`;
    const raw = entry(value, field);
    refuseUnknown(raw, RESOURCE_OPTIONS, field);
    const { id, name, scopes, requireResourceIndicator, introspectionClients } = raw;
    const resourceId = nonEmptyString(id, `${field}.id`);
    if (!isResourceIndicator(resourceId)) {
      throw new ConfigurationError(
        `${field}.id`,
        `"${resourceId}" must be an absolute URI without a fragment (RFC 8707 §2), e.g. https://api.example.com or urn:invoices`,
      );
    }
    if (resources.has(resourceId))
      throw new ConfigurationError(`${field}.id`, `"${resourceId}" is declared twice`);
    const scopeList = list(scopes, `${field}.scopes`);
    if (scopeList.length === 0) throw new ConfigurationError(`${field}.scopes`, 'declare at least one scope');
    scopeList.forEach((scope, j) => {
      const scopeField = `${field}.scopes[${j}]`;
      if (!isScopeToken(scope)) {
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
    const introspectors = introspectionClientIds(introspectionClients, `${field}.introspectionClients`);
    const format = accessTokenFormat(raw.accessTokenFormat, `${field}.accessTokenFormat`);
    if (format === 'reference' && introspectors.size === 0) {
      throw new ConfigurationError(
        `${field}.introspectionClients`,
        "accessTokenFormat 'reference' needs the client the API introspects with; without one no API can read its tokens",
      );
    }
    resources.set(resourceId, {
      id: resourceId,
      name: name === undefined ? resourceId : nonEmptyString(name, `${field}.name`),
      scopes: new Set(scopeList as string[]),
      requireResourceIndicator: requireResourceIndicator === true,
      introspectionClients: introspectors,
      accessTokenFormat: format,
    });
  });
  return resources;
}

/** Every client id some resource names in `introspectionClients`. */
export function introspectionClientsOf(resources: ReadonlyMap<string, Resource>): Set<string> {
  return new Set([...resources.values()].flatMap((resource) => [...resource.introspectionClients]));
}

/**
 * Checks that each of `introspectionClients` is a configured confidential client (introspection callers must
 * authenticate, RFC 7662 §2.1), and returns, per such client, the resources it speaks for.
 */
export function checkIntrospectors(
  resources: ReadonlyMap<string, Resource>,
  clients: ReadonlyMap<string, Client>,
): Map<string, Resource[]> {
  const introspectors = new Map<string, Resource[]>();
  [...resources.values()].forEach((resource, i) => {
    [...resource.introspectionClients].forEach((clientId, j) => {
      const field = `resources[${i}].introspectionClients[${j}]`;
      const client = clients.get(clientId);
      if (client === undefined) {
        throw new ConfigurationError(field, `"${clientId}" is not a configured client; add it to clients`);
      }
      if (client.clientSecret === undefined && client.keys === undefined) {
        throw new ConfigurationError(
          field,
          `"${clientId}" is a public client; give it a clientSecret or jwks (introspection callers must authenticate)`,
        );
      }
      introspectors.set(clientId, [...(introspectors.get(clientId) ?? []), resource]);
    });
  });
  return introspectors;
}
