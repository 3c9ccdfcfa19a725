import type { GrantType } from '../config.js';
import type { AuthMethod, Client, ClientKeys, ClientPolicySettings, Resource } from '../settings.js';

/**
 * A self-service client as the store keeps it (JSON): a registration for its lifetime (`client:<id>`), or a
 * checked metadata document for its cache lifetime (`client-metadata:<hash>`), so every instance sharing the store
 * sees the same clients. Resources are kept by id. @internal
 */
export interface StoredClient {
  kind: 'registered' | 'metadata-document';
  clientId: string;
  /** base64url SHA-256 of a registered confidential client's secret. */
  clientSecretHash?: string;
  authMethod: AuthMethod;
  keys?: ClientKeys;
  name: string;
  grantTypes: GrantType[];
  redirectUris: string[];
  /** Resource scopes the client may ask for. */
  scopes: string[];
  /** Resource ids the client may target. */
  resources: string[];
}

/**
 * The {@link Client} a stored record describes, held to the policy as configured now (a resource or scope taken out
 * of it since is no longer the client's).
 */
export function toClient(
  stored: StoredClient,
  policy: ClientPolicySettings,
  resources: ReadonlyMap<string, Resource>,
): Client {
  const allowed = stored.resources.flatMap((id) => {
    const resource = resources.get(id);
    return resource !== undefined && policy.resources.includes(resource) ? [resource] : [];
  });
  return {
    kind: stored.kind,
    clientId: stored.clientId,
    clientSecret: undefined,
    clientSecretHash: stored.clientSecretHash,
    authMethod: stored.authMethod,
    keys: stored.keys,
    name: stored.name,
    grantTypes: new Set(stored.grantTypes),
    redirectUris: stored.redirectUris,
    scopes: stored.scopes.filter(
      (scope) => policy.scopes.includes(scope) && allowed.some((resource) => resource.scopes.has(scope)),
    ),
    resources: allowed,
  };
}
