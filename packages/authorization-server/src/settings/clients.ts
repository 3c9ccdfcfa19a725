import { checkKeys } from '../clients/metadata-document.js';
import type { AuthorizationServerConfig, ClientConfig, GrantType } from '../config.js';
import { ConfigurationError } from '../errors.js';
import { OFFLINE_ACCESS } from '../scopes.js';
import type { Client, ClientKeys, Resource } from '../settings.js';
import { checkRedirectUri, entry, list, nonEmptyString, optionNames, refuseUnknown } from './fields.js';

const CLIENT_OPTIONS = optionNames<ClientConfig>({
  clientId: true,
  clientSecret: true,
  jwks: true,
  name: true,
  grantTypes: true,
  redirectUris: true,
  scopes: true,
  resources: true,
});

/** Every grant type the token endpoint implements, in the order the metadata lists them. */
export const GRANT_TYPES: readonly GrantType[] = [
  'authorization_code',
  'client_credentials',
  'refresh_token',
];

function checkGrantTypes(
  value: unknown,
  field: string,
  confidential: boolean,
  introspects: boolean,
): Set<GrantType> {
  const grants = list(value, field);
  if (grants.length === 0 && !introspects) {
    throw new ConfigurationError(
      field,
      "allow at least one grant type (only a client named in a resource's introspectionClients may have none)",
    );
  }
  for (const grant of grants) {
    if (!GRANT_TYPES.includes(grant as GrantType)) {
      throw new ConfigurationError(field, `use only ${GRANT_TYPES.join(', ')}`);
    }
  }
  const allowed = new Set(grants as GrantType[]);
  if (allowed.has('client_credentials') && !confidential) {
    throw new ConfigurationError(
      field,
      'a public client (no clientSecret) cannot use client_credentials; add a clientSecret (or jwks) or remove the grant',
    );
  }
  if (allowed.has('refresh_token') && !allowed.has('authorization_code')) {
    throw new ConfigurationError(
      field,
      'refresh_token needs authorization_code (refresh tokens come from code redemption)',
    );
  }
  return allowed;
}

function checkClientResources(value: unknown, field: string, resources: Map<string, Resource>): Resource[] {
  if (value === undefined) return [...resources.values()];
  return list(value, field).map((id, j) => {
    const resource = typeof id === 'string' ? resources.get(id) : undefined;
    if (resource === undefined) {
      throw new ConfigurationError(`${field}[${j}]`, 'name the id of a declared resource');
    }
    return resource;
  });
}

/**
 * The client's resource scopes, in configuration order, each owned by a resource the client may target.
 * `offline_access` may be listed too, as Duende and oidc-provider configurations do, by a client that may use the
 * `refresh_token` grant: it then says what that grant type already allows, and is not kept as a resource scope.
 */
function checkClientScopes(
  value: unknown,
  field: string,
  allowedResources: readonly Resource[],
  grantTypes: ReadonlySet<GrantType>,
): string[] {
  const scopes = list(value, field).flatMap((scope, j) => {
    const scopeField = `${field}[${j}]`;
    if (scope === OFFLINE_ACCESS) {
      if (grantTypes.has('refresh_token')) return [];
      throw new ConfigurationError(
        scopeField,
        'offline_access asks for refresh tokens, and this client may not use the refresh_token grant; add refresh_token to grantTypes or remove offline_access',
      );
    }
    if (typeof scope !== 'string' || !allowedResources.some((resource) => resource.scopes.has(scope))) {
      throw new ConfigurationError(scopeField, 'name a scope of a resource this client may target');
    }
    return [scope];
  });
  // A client that only introspects asks for no tokens, so it needs no scope.
  if (scopes.length === 0 && grantTypes.size > 0) {
    throw new ConfigurationError(field, 'allow at least one resource scope');
  }
  return [...new Set(scopes)];
}

/** `jwks` of a configured `private_key_jwt` client: public keys only, and no secret beside them. */
function clientKeys(value: unknown, field: string, clientSecret: string | undefined): ClientKeys | undefined {
  if (value === undefined) return undefined;
  if (clientSecret !== undefined) {
    throw new ConfigurationError(
      field,
      'give clientSecret or jwks, not both: a client has one way to authenticate',
    );
  }
  return checkKeys({ jwks: value }, (why) => new ConfigurationError(field, why));
}

/**
 * Checks `clients`: ids registered once, grant types that fit the client, redirect URIs, resources and scopes. None
 * at all is a mistake unless self-service clients (metadata documents, registration) are turned on. A client in
 * `introspectors` (named by a resource's `introspectionClients`) may have no grant types and no scopes.
 */
export function checkClients(
  config: AuthorizationServerConfig,
  resources: Map<string, Resource>,
  selfService: boolean,
  introspectors: ReadonlySet<string> = new Set(),
): Map<string, Client> {
  const registered = config.clients === undefined ? [] : list(config.clients, 'clients');
  if (registered.length === 0 && !selfService) {
    throw new ConfigurationError(
      'clients',
      'register at least one client (or turn on clientIdMetadataDocuments or clientRegistration)',
    );
  }
  const clients = new Map<string, Client>();
  registered.forEach((value, i) => {
    const field = `clients[${i}]`;
    const raw = entry(value, field);
    refuseUnknown(raw, CLIENT_OPTIONS, field);
    const clientId = nonEmptyString(raw.clientId, `${field}.clientId`);
    if (clients.has(clientId))
      throw new ConfigurationError(`${field}.clientId`, `"${clientId}" is registered twice`);
    const clientSecret =
      raw.clientSecret === undefined ? undefined : nonEmptyString(raw.clientSecret, `${field}.clientSecret`);
    const keys = clientKeys(raw.jwks, `${field}.jwks`, clientSecret);
    const grantTypes = checkGrantTypes(
      raw.grantTypes,
      `${field}.grantTypes`,
      clientSecret !== undefined || keys !== undefined,
      introspectors.has(clientId),
    );
    const redirectUris = list(raw.redirectUris ?? [], `${field}.redirectUris`).map((uri, j) =>
      checkRedirectUri(uri, `${field}.redirectUris[${j}]`),
    );
    if (grantTypes.has('authorization_code') && redirectUris.length === 0) {
      throw new ConfigurationError(
        `${field}.redirectUris`,
        'authorization_code needs at least one redirect URI',
      );
    }
    const allowedResources = checkClientResources(raw.resources, `${field}.resources`, resources);
    clients.set(clientId, {
      kind: 'configured',
      clientId,
      clientSecret,
      clientSecretHash: undefined,
      authMethod: keys === undefined ? undefined : 'private_key_jwt',
      keys,
      name: raw.name === undefined ? clientId : nonEmptyString(raw.name, `${field}.name`),
      grantTypes,
      redirectUris,
      scopes: checkClientScopes(raw.scopes, `${field}.scopes`, allowedResources, grantTypes),
      resources: allowedResources,
    });
  });
  return clients;
}
