import { ConfigurationError } from './errors.js';
import { isSupportedAlgorithm, isSymmetric } from './lib/crypto.js';
import { wellKnownPath } from './lib/well-known.js';
import type { JwsAlgorithm } from './types.js';

/** Input for {@link protectedResourceMetadata} (RFC 9728 §2). */
export interface ProtectedResourceMetadataOptions {
  /** This API's resource identifier — what clients send as `resource` and what tokens carry in `aud`. */
  resource: string;
  /** Issuer identifiers of the authorization servers that mint tokens for this API. */
  authorizationServers: readonly string[];
  /** Scopes this API understands. */
  scopesSupported?: readonly string[];
  /** Human-readable name. */
  resourceName?: string;
  /** Where to read about the API. */
  resourceDocumentation?: string;
  /** Token locations accepted. Default `['header']`. */
  bearerMethodsSupported?: readonly ('header' | 'body' | 'query')[];
  /** Signing algorithms accepted for tokens. `none` is never listed. */
  signingAlgorithms?: readonly JwsAlgorithm[];
  /**
   * RFC 9449: the algorithms accepted for DPoP proofs (asymmetric only), as `dpop_signing_alg_values_supported`;
   * pass the verifier's `dpop.algorithms` (default: every asymmetric one, `ASYMMETRIC_ALGORITHMS`). Default: not
   * listed.
   */
  dpopSigningAlgorithms?: readonly JwsAlgorithm[];
  /**
   * RFC 9449: `true` when this API accepts DPoP-bound tokens only (its verifier has `dpop: 'required'`), as
   * `dpop_bound_access_tokens_required`. Default: not listed, which RFC 9728 reads as `false`.
   */
  dpopBoundAccessTokensRequired?: boolean;
}

/** The RFC 9728 document, as JSON. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  bearer_methods_supported: string[];
  scopes_supported?: string[];
  resource_name?: string;
  resource_documentation?: string;
  resource_signing_alg_values_supported?: string[];
  dpop_signing_alg_values_supported?: string[];
  dpop_bound_access_tokens_required?: boolean;
}

/**
 * Builds the RFC 9728 protected-resource metadata document for this API (what MCP clients read to find the
 * authorization server). Serve it at {@link protectedResourceMetadataPath}.
 */
export function protectedResourceMetadata(
  options: ProtectedResourceMetadataOptions,
): ProtectedResourceMetadata {
  const resource = checkResource(options.resource);
  if (!Array.isArray(options.authorizationServers) || options.authorizationServers.length === 0) {
    throw new ConfigurationError(
      'audguard: authorizationServers must list at least one issuer (RFC 9728 §2).',
    );
  }
  const doc: ProtectedResourceMetadata = {
    resource,
    authorization_servers: [...options.authorizationServers],
    bearer_methods_supported: [...(options.bearerMethodsSupported ?? ['header'])],
  };
  if (options.scopesSupported) doc.scopes_supported = [...options.scopesSupported];
  if (options.resourceName !== undefined) doc.resource_name = options.resourceName;
  if (options.resourceDocumentation !== undefined) doc.resource_documentation = options.resourceDocumentation;
  if (options.signingAlgorithms) doc.resource_signing_alg_values_supported = [...options.signingAlgorithms];
  if (options.dpopSigningAlgorithms !== undefined) {
    doc.dpop_signing_alg_values_supported = dpopAlgorithms(options.dpopSigningAlgorithms);
  }
  if (options.dpopBoundAccessTokensRequired !== undefined) {
    if (typeof options.dpopBoundAccessTokensRequired !== 'boolean') {
      throw new ConfigurationError('audguard: dpopBoundAccessTokensRequired must be true or false.');
    }
    doc.dpop_bound_access_tokens_required = options.dpopBoundAccessTokensRequired;
  }
  return doc;
}

/**
 * The path of the metadata document for `resource` (RFC 9728 §3.1: the well-known suffix is inserted between the
 * host and the resource's path): `https://api.example.com/v1` → `/.well-known/oauth-protected-resource/v1`.
 */
export function protectedResourceMetadataPath(resource: string): string {
  return wellKnownPath(checkResource(resource), 'oauth-protected-resource');
}

/** The absolute URL of the metadata document for `resource`, for the `resourceMetadata` verifier option. */
export function protectedResourceMetadataUrl(resource: string): string {
  return new URL(protectedResourceMetadataPath(resource), resource).href;
}

function dpopAlgorithms(algorithms: readonly JwsAlgorithm[]): string[] {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new ConfigurationError('audguard: dpopSigningAlgorithms must list at least one algorithm.');
  }
  for (const alg of algorithms as unknown[]) {
    if (typeof alg !== 'string' || !isSupportedAlgorithm(alg) || isSymmetric(alg)) {
      throw new ConfigurationError(
        `audguard: dpopSigningAlgorithms: ${JSON.stringify(alg)} is not an asymmetric algorithm (RFC 9449 §4.2).`,
      );
    }
  }
  return [...algorithms];
}

function checkResource(resource: string): string {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new ConfigurationError(
      `audguard: resource ${JSON.stringify(resource)} must be an absolute https URL.`,
    );
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash) {
    throw new ConfigurationError(`audguard: resource ${resource} must be an http(s) URL without a fragment.`);
  }
  return resource;
}
