import { OAuthError } from '../errors.js';
import type { Params } from '../http/params.js';
import { parseResourceIndicators } from '../resource-indicators.js';
import type { Client, Resource, Settings } from '../settings.js';

/**
 * The `resource` of a token request: at most one (one token per audience, RFC 8707 §2.2), valid, known and allowed
 * for the client; otherwise `invalid_target`.
 */
export function tokenTarget(params: Params, client: Client, settings: Settings): Resource | undefined {
  const values = params.getAll('resource');
  if (values.length > 1) {
    throw new OAuthError(
      'invalid_target',
      'Request one resource per token request; a token has one audience.',
    );
  }
  return parseResourceIndicators(values, client.resources, settings.resources)[0];
}

/** The resources a grant was consented for, as configured now. */
export function grantResources(ids: readonly string[], client: Client, settings: Settings): Resource[] {
  return ids.flatMap((id) => {
    const resource = settings.resources.get(id);
    return resource !== undefined && client.resources.includes(resource) ? [resource] : [];
  });
}

/**
 * The `resource` of a code redemption or refresh: as {@link tokenTarget}, and also one of the resources of the
 * original grant (RFC 8707 §2.2, RFC 9700 §4.14.2); another is `invalid_target`.
 */
export function grantTarget(
  params: Params,
  client: Client,
  settings: Settings,
  consented: readonly Resource[],
): Resource | undefined {
  const target = tokenTarget(params, client, settings);
  if (target !== undefined && !consented.includes(target)) {
    throw new OAuthError('invalid_target', 'The resource was not part of the authorization grant.');
  }
  return target;
}
