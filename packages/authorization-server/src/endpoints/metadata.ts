import { wellKnownPath } from '@audguard/core/protocol';
import { ASSERTION_ALGORITHMS } from '../clients/client-assertion.js';
import { endpointUrl, issuerOf, type ServerContext } from '../server-context.js';

const WELL_KNOWN = 'oauth-authorization-server';

/**
 * The RFC 8414 §3.1 metadata location for an issuer: the well-known suffix inserted before the issuer's path. An
 * issuer not known yet (set by `listen()`) is a bare origin, so the document sits at the root.
 */
export function metadataPath(issuer: string | undefined): string {
  return issuer === undefined ? `/.well-known/${WELL_KNOWN}` : wellKnownPath(issuer, WELL_KNOWN);
}

/**
 * `GET /.well-known/oauth-authorization-server[/path]` (RFC 8414 §3), with RFC 9207's
 * `authorization_response_iss_parameter_supported`, and when turned on `client_id_metadata_document_supported`
 * (with `private_key_jwt` and its algorithms), `registration_endpoint` (RFC 7591) and
 * `dpop_signing_alg_values_supported` (RFC 9449 §5.1); when a resource lists `introspectionClients`,
 * `introspection_endpoint` (RFC 7662) with RFC 9701's `introspection_signing_alg_values_supported`.
 */
export function metadataEndpoint(ctx: ServerContext): Response {
  const { settings } = ctx;
  const clients = [...settings.clients.values()];
  const documents = settings.metadataDocuments !== undefined;
  const registration = settings.registration !== undefined;
  const introspection = settings.introspectors.size > 0;
  const introspectionAuthMethods = ['client_secret_basic', 'client_secret_post'];
  const introspectorKeys = [...settings.introspectors.keys()].some(
    (id) => settings.clients.get(id)?.keys !== undefined,
  );
  if (introspectorKeys) introspectionAuthMethods.push('private_key_jwt');
  const authMethods = ['client_secret_basic', 'client_secret_post'];
  // Self-described and registered clients may be public.
  if (documents || registration || clients.some((client) => client.clientSecret === undefined)) {
    authMethods.push('none');
  }
  // Self-described clients may declare private_key_jwt; configured ones with jwks use it.
  const assertions = documents || clients.some((client) => client.keys !== undefined);
  if (assertions) authMethods.push('private_key_jwt');
  const signing = assertions
    ? {
        token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
        revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
      }
    : {};
  const document = {
    issuer: issuerOf(ctx),
    authorization_endpoint: endpointUrl(ctx, '/authorize'),
    token_endpoint: endpointUrl(ctx, '/token'),
    jwks_uri: endpointUrl(ctx, '/jwks'),
    revocation_endpoint: endpointUrl(ctx, '/revoke'),
    ...(introspection ? { introspection_endpoint: endpointUrl(ctx, '/introspect') } : {}),
    ...(registration ? { registration_endpoint: endpointUrl(ctx, '/register') } : {}),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: settings.grantTypesSupported,
    token_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: authMethods,
    ...signing,
    ...(introspection
      ? {
          // Introspection callers are configured confidential clients: a secret, or jwks (RFC 7662 §2.1).
          introspection_endpoint_auth_methods_supported: introspectionAuthMethods,
          ...(introspectionAuthMethods.includes('private_key_jwt')
            ? { introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS }
            : {}),
          introspection_signing_alg_values_supported: [settings.signingAlgorithm],
        }
      : {}),
    code_challenge_methods_supported: ['S256'],
    scopes_supported: settings.scopesSupported,
    authorization_response_iss_parameter_supported: true,
    ...(documents ? { client_id_metadata_document_supported: true } : {}),
    ...(settings.dpop === undefined
      ? {}
      : { dpop_signing_alg_values_supported: settings.dpop.proofs.algorithms }),
  };
  return new Response(JSON.stringify(document), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300' },
  });
}
