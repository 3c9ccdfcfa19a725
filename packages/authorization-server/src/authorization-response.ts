import { randomToken, sha256 } from './crypto.js';
import type { OAuthError } from './errors.js';
import { grantLifetime } from './grants/issue-from-grant.js';
import type { InteractionRecord } from './records.js';
import { issuerOf, type ServerContext } from './server-context.js';

/** Where an authorization response goes: the validated redirect URI and the client's `state`. */
export interface ResponseTarget {
  redirectUri: string;
  state: string | undefined;
}

/** The redirect URI with response parameters added to its query, plus `state` and `iss` (RFC 9207). */
export function responseLocation(
  ctx: ServerContext,
  target: ResponseTarget,
  params: Record<string, string>,
): string {
  const url = new URL(target.redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  if (target.state !== undefined) url.searchParams.append('state', target.state);
  url.searchParams.append('iss', issuerOf(ctx));
  return url.href;
}

/** An error response by redirect (RFC 6749 §4.1.2.1), for errors found once client and redirect URI are valid. */
export function errorLocation(ctx: ServerContext, target: ResponseTarget, error: OAuthError): string {
  return responseLocation(ctx, target, { error: error.code, error_description: error.description });
}

/**
 * Records the user's consent as a grant, issues a single-use authorization code for it and returns the redirect
 * location carrying `code`, `state` and `iss`.
 */
export async function approve(
  ctx: ServerContext,
  interaction: InteractionRecord,
  subject: string,
): Promise<string> {
  const grantId = randomToken(16);
  await ctx.records.saveGrant(
    grantId,
    {
      clientId: interaction.clientId,
      subject,
      scopes: interaction.scopes,
      resources: interaction.resources,
      offline: interaction.offline,
      refreshTokenHash: undefined,
      accessTokens: [],
    },
    grantLifetime(ctx, interaction.offline),
  );
  const code = randomToken(32);
  await ctx.records.saveCode(
    await sha256(code),
    {
      grantId,
      clientId: interaction.clientId,
      redirectUri: interaction.redirectUri,
      redirectUriSent: interaction.redirectUriSent,
      codeChallenge: interaction.codeChallenge,
      ...(interaction.dpopJkt === undefined ? {} : { dpopJkt: interaction.dpopJkt }),
    },
    ctx.settings.authorizationCodeLifetime,
  );
  return responseLocation(ctx, interaction, { code });
}
