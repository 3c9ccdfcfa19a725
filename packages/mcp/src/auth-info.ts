import type { AccessToken } from '@audguard/core';
import type { AuthInfo } from '@modelcontextprotocol/server';

/** Options of {@link toAuthInfo}. */
export interface AuthInfoOptions {
  /**
   * The MCP server's resource identifier (RFC 8707), reported as `AuthInfo.resource`. The SDK compares it with a
   * gate's `expectedResource` and derives the `resource_metadata` of its per-tool scope challenges from it. Default:
   * the token's audience when `aud` names exactly one http(s) URL; otherwise none.
   */
  resource?: string | URL;
  /**
   * The RFC 9728 metadata URL, reported as `AuthInfo.resourceMetadataUrl`: the SDK's per-tool scope challenges
   * (403 `insufficient_scope`) advertise it as `resource_metadata`. Default: none, and the SDK then derives the
   * path-inserted URL from `resource`.
   */
  resourceMetadataUrl?: string;
}

/**
 * What {@link toAuthInfo} puts into `AuthInfo.extra`, for tool handlers: who the token speaks for and who minted it.
 */
export interface AuthInfoExtra {
  /** `sub`: the user (or, for client-credentials tokens, the client). */
  subject: string | undefined;
  /** `iss`. */
  issuer: string;
  /** `aud`, always an array. */
  audience: string[];
  /** Every claim of the token, as verified. */
  claims: Readonly<Record<string, unknown>>;
  [key: string]: unknown;
}

/**
 * The MCP SDK's `AuthInfo` for a token audguard verified: what the SDK's transports hand to tool handlers as
 * `ctx.http.authInfo`, and what its per-tool `requireScopes()` checks read.
 *
 * `scopes` lists every granted scope with the ones they imply under the verifier's `impliedScopes` already expanded,
 * so the SDK's exact-match scope checks honour the hierarchy (MCP 2026-07-28 requires that a broader scope satisfy a
 * narrower one). `expiresAt` is in seconds, as the SDK expects. `clientId` is the token's client (`client_id`, else
 * `azp`, `cid`, `appid`), or `''` when the token names none.
 *
 * @example
 * ```ts
 * app.all('/mcp', (c) => handler.fetch(c.req.raw, { authInfo: toAuthInfo(c.get('auth')) }));
 * ```
 */
export function toAuthInfo(token: AccessToken, options: AuthInfoOptions = {}): AuthInfo {
  const extra: AuthInfoExtra = {
    subject: token.subject,
    issuer: token.issuer,
    audience: [...token.audience],
    claims: token.claims,
  };
  const info: AuthInfo = {
    token: token.token,
    clientId: token.clientId ?? '',
    scopes: [...token.scopes],
    expiresAt: token.expiresAt.getTime() / 1000,
    extra,
  };
  const resource = options.resource ?? soleUrlAudience(token.audience);
  if (resource !== undefined) info.resource = new URL(resource);
  if (options.resourceMetadataUrl !== undefined) info.resourceMetadataUrl = options.resourceMetadataUrl;
  return info;
}

/** The token's audience when it is exactly one http(s) URL: then it can only be this server. */
function soleUrlAudience(audience: readonly string[]): string | undefined {
  if (audience.length !== 1) return undefined;
  const only = audience[0] as string;
  return URL.canParse(only) && /^https?:/i.test(only) ? only : undefined;
}
