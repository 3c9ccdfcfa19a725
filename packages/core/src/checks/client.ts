import { AuthError } from '../errors.js';
import type { JwtClaims } from '../types.js';

/** The claims that name the client, in order: RFC 9068 `client_id`, OpenID `azp`, Okta `cid`, Entra v1 `appid`. */
const CLIENT_CLAIMS = ['client_id', 'azp', 'cid', 'appid'] as const;

/** The client a token was issued to, from the first of {@link CLIENT_CLAIMS} that is a string. */
export function clientIdOf(claims: JwtClaims): string | undefined {
  for (const claim of CLIENT_CLAIMS) {
    const value = claims[claim];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** Refuses a token issued to a client not in `allowed` (when a list is configured). */
export function checkClient(client: string | undefined, allowed: ReadonlySet<string> | undefined): void {
  if (allowed === undefined) return;
  if (client === undefined) {
    throw new AuthError('missing_claim', {
      description: 'The token names no client (client_id).',
      claim: 'client_id',
    });
  }
  if (!allowed.has(client)) throw new AuthError('client_not_allowed', { claim: 'client_id' });
}
