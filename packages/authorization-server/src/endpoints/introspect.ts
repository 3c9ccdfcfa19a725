import { SignJWT } from 'jose';
import { readIssuedToken } from '../access-token.js';
import { authenticateClient } from '../client-auth.js';
import { OAuthError } from '../errors.js';
import { readForm, refuseDuplicates } from '../http/body.js';
import { jsonResponse, noStoreResponse } from '../http/responses.js';
import { issuerOf, type ServerContext } from '../server-context.js';
import type { Client, Resource } from '../settings.js';

/** RFC 9701 §4: the media type of a signed introspection answer, also its JWT `typ` (without `application/`). */
export const SIGNED_INTROSPECTION = 'application/token-introspection+jwt';

/** RFC 7662 §2.2: all that is said of a token that is not shown, whatever the reason. */
const INACTIVE = Object.freeze({ active: false });

/** Whether `Accept` asks for a signed answer (RFC 9701 §4): the media type listed with a q above 0. */
function wantsSignedAnswer(accept: string | null): boolean {
  if (accept === null) return false;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== SIGNED_INTROSPECTION) return false;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function audiencesOf(aud: unknown): readonly unknown[] {
  return Array.isArray(aud) ? aud : [aud];
}

/**
 * The answer for `token` as `caller` may see it: its claims with `active: true` and `token_type` (`DPoP` for a
 * token bound to a key by `cnf.jkt`, RFC 9449 §6.2; else `Bearer`) when this server issued it, it has not expired
 * nor been revoked, and one of the caller's resources is in its `aud`; `{"active": false}` otherwise, never saying
 * which (RFC 7662 §2.2, §4).
 */
async function answerFor(
  ctx: ServerContext,
  token: string,
  resources: readonly Resource[],
): Promise<Record<string, unknown>> {
  if (resources.length === 0) return INACTIVE;
  const issued = await readIssuedToken(ctx, token);
  if (issued === undefined) return INACTIVE;
  const { claims } = issued;
  const audiences = audiencesOf(claims.aud);
  if (!resources.some((resource) => audiences.includes(resource.id))) return INACTIVE;
  if (typeof claims.jti !== 'string' || (await ctx.records.isAccessTokenRevoked(claims.jti))) return INACTIVE;
  const cnf = claims.cnf as { jkt?: unknown } | undefined;
  const tokenType = typeof cnf?.jkt === 'string' ? 'DPoP' : 'Bearer';
  return { active: true, ...claims, token_type: tokenType };
}

/** RFC 9701 §5: the answer in a JWT signed with the server's current key, addressed to the caller. */
async function signedAnswer(
  ctx: ServerContext,
  client: Client,
  answer: Record<string, unknown>,
): Promise<Response> {
  const key = await ctx.keys.signingKey();
  const jwt = await new SignJWT({ token_introspection: answer })
    .setProtectedHeader({ alg: key.alg, typ: 'token-introspection+jwt', kid: key.kid })
    .setIssuer(issuerOf(ctx))
    .setAudience(client.clientId)
    .setIssuedAt(Math.floor(ctx.settings.now() / 1000))
    .sign(key.privateKey);
  return noStoreResponse(jwt, SIGNED_INTROSPECTION, { Vary: 'Accept' });
}

/** Whether the client proved who it is: a secret or an assertion, not a public client's bare `client_id`. */
function isConfidential(client: Client): boolean {
  return (
    client.clientSecret !== undefined ||
    client.clientSecretHash !== undefined ||
    client.authMethod === 'private_key_jwt'
  );
}

/**
 * `POST /introspect` (RFC 7662): the caller authenticates as at `/token` — a public client is `invalid_client` —
 * and names a `token`; `token_type_hint` is accepted and changes nothing (only access tokens are introspected). A
 * client that a resource lists in `introspectionClients` is shown the tokens whose `aud` names one of its
 * resources; everyone else, and every expired, revoked, unknown or garbled token, gets `{"active": false}`. With
 * `Accept: application/token-introspection+jwt` the answer is an RFC 9701 signed JWT.
 */
export async function introspectEndpoint(ctx: ServerContext, request: Request): Promise<Response> {
  const params = await readForm(request);
  refuseDuplicates(params);
  const client = await authenticateClient(ctx, request, params);
  if (!isConfidential(client)) {
    throw new OAuthError('invalid_client', 'Introspection needs client authentication (RFC 7662 §2.1).');
  }
  const token = params.get('token');
  if (token === undefined) throw new OAuthError('invalid_request', 'The token parameter is missing.');
  const answer = await answerFor(ctx, token, ctx.settings.introspectors.get(client.clientId) ?? []);
  if (wantsSignedAnswer(request.headers.get('accept'))) return signedAnswer(ctx, client, answer);
  return jsonResponse(answer, 200, { Vary: 'Accept' });
}
