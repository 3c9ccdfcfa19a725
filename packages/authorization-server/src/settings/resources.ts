import { isScopeToken } from '@audguard/core/protocol';
import type { AuthorizationServerConfig, ResourceConfig } from '../config.js';
import { ConfigurationError } from '../errors.js';
import { isResourceIndicator } from '../resource-indicators.js';
import { OFFLINE_ACCESS } from '../scopes.js';
import type { Resource } from '../settings.js';
import { entry, list, nonEmptyString, optionNames, refuseUnknown } from './fields.js';

const RESOURCE_OPTIONS = optionNames<ResourceConfig>({
  id: true,
  name: true,
  scopes: true,
  requireResourceIndicator: true,
});

/** Checks `resources`: at least one, ids absolute URIs declared once, each with valid scopes. */
export function checkResources(config: AuthorizationServerConfig): Map<string, Resource> {
  const declared = list(config.resources, 'resources');
  if (declared.length === 0) throw new ConfigurationError('resources', 'declare at least one resource');
  const resources = new Map<string, Resource>();
  declared.forEach((value, i) => {
    const field = `resources[${i}]`;
    const raw = entry(value, field);
    refuseUnknown(raw, RESOURCE_OPTIONS, field);
    const { id, name, scopes, requireResourceIndicator } = raw;
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
    resources.set(resourceId, {
      id: resourceId,
      name: name === undefined ? resourceId : nonEmptyString(name, `${field}.name`),
      scopes: new Set(scopeList as string[]),
      requireResourceIndicator: requireResourceIndicator === true,
    });
  });
  return resources;
}
