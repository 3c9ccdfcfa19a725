import {
  type AuthError,
  ConfigurationError,
  createVerifier,
  isAuthError,
  type Verifier,
  type VerifierOptions,
} from '@audguard/core';
import { isVerifier } from '@audguard/core/adapter';
import { OAuthError, OAuthErrorCode, type OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { toAuthInfo } from './auth-info.js';

/** Options of {@link mcpTokenVerifier}, beside the verifier's own. */
export interface McpTokenVerifierOptions {
  /**
   * This MCP server's resource identifier (its canonical URI, e.g. `https://mcp.example.com/mcp`), reported as
   * `AuthInfo.resource`. Default: the one audience of the token that this verifier accepts, when there is exactly
   * one; otherwise what {@link toAuthInfo} reports. Set it when the verifier accepts several audiences, so the SDK
   * gate's `expectedResource` compares the right one.
   */
  resource?: string;
}

/**
 * A token verifier for the MCP SDK's bearer gate (`requireBearerAuth` from `@modelcontextprotocol/server` or
 * `@modelcontextprotocol/express`), built on audguard's: every check of `createVerifier` (signature, issuer,
 * audience, expiry, type, ...), then {@link toAuthInfo}. The SDK's exact-match `requiredScopes` and per-tool
 * `requireScopes()` then see the implied scopes too.
 *
 * Refusals become the SDK's `OAuthError`, which its gate renders: every 401 reason (`audience_mismatch`,
 * `expired`, ...) is `invalid_token` (401, with the gate's `resource_metadata`), carrying audguard's safe
 * description and the `AuthError` as `cause`. When the issuer's keys cannot be had (`keys_unavailable`,
 * `issuer_lookup_failed`), the gate answers 500 `server_error`: it has no 503. audguard's own guards answer 503
 * with `Retry-After` there; see the README. Other errors are rethrown as they are (the gate answers 500).
 *
 * @param verifierOrOptions - A verifier from `createVerifier()` (to share its caches), or its options plus
 *   {@link McpTokenVerifierOptions}. Options are checked here, once: a mistake throws a `ConfigurationError`.
 * @param options - {@link McpTokenVerifierOptions}, when the first argument is a verifier.
 *
 * @example
 * ```ts
 * const verifier = mcpTokenVerifier({ issuer: 'https://as.example.com', audience: 'https://mcp.example.com/mcp' });
 * const gate = requireBearerAuth({ verifier, resourceMetadataUrl });
 * ```
 */
export function mcpTokenVerifier(
  verifierOrOptions: Verifier | (VerifierOptions & McpTokenVerifierOptions),
  options?: McpTokenVerifierOptions,
): OAuthTokenVerifier {
  let verifier: Verifier;
  let settings: McpTokenVerifierOptions;
  if (isVerifier(verifierOrOptions)) {
    verifier = verifierOrOptions;
    settings = options ?? {};
  } else if (typeof verifierOrOptions === 'object' && verifierOrOptions !== null) {
    if (options !== undefined) {
      throw new ConfigurationError(
        'audguard: mcpTokenVerifier() takes a second argument only after a verifier; put resource into the options.',
      );
    }
    const { resource, ...verifierOptions } = verifierOrOptions;
    verifier = createVerifier(verifierOptions);
    settings = resource === undefined ? {} : { resource };
  } else {
    throw new ConfigurationError(
      'audguard: mcpTokenVerifier() needs a verifier from createVerifier() or its options ({ issuer, audience, ... }).',
    );
  }
  const resource = checkResource(settings.resource);
  return {
    async verifyAccessToken(token: string) {
      let verified: Awaited<ReturnType<Verifier['verify']>>;
      try {
        verified = await verifier.verify(token);
      } catch (error) {
        throw isAuthError(error) ? toOAuthError(error) : error;
      }
      const accepted = resource ?? acceptedAudience(verified.audience, verifier.audiences);
      return toAuthInfo(verified, accepted === undefined ? {} : { resource: accepted });
    },
  };
}

/** The one audience of the token that the verifier accepts, if there is exactly one. */
function acceptedAudience(audience: readonly string[], accepted: readonly string[]): string | undefined {
  const matched = audience.filter((value) => accepted.includes(value));
  return matched.length === 1 ? matched[0] : undefined;
}

function checkResource(resource: string | undefined): string | undefined {
  if (resource !== undefined && !(typeof resource === 'string' && URL.canParse(resource))) {
    throw new ConfigurationError(
      `audguard: mcpTokenVerifier() resource ${JSON.stringify(resource)} must be an absolute URL (the MCP server's canonical URI).`,
    );
  }
  return resource;
}

/**
 * The SDK's error for an audguard refusal; its gate turns the code into the status and the challenge. `verify()`
 * refuses with 401 `invalid_token`, or 503 when keys cannot be had (400s come from header parsing, which the SDK's
 * gate does itself; 403s only from `scopes`, which are not asked for here).
 */
function toOAuthError(error: AuthError): OAuthError {
  const code = error.status === 503 ? OAuthErrorCode.ServerError : OAuthErrorCode.InvalidToken;
  const mapped = new OAuthError(code, error.description);
  mapped.cause = error;
  return mapped;
}
