import { AuthError } from '../errors.js';

/**
 * Refuses JWTs that say, in their claims, that they are not access tokens — whatever the `typ` policy, since the
 * header of an ID token often says just `JWT`:
 * - `token_use: "id"` (AWS Cognito ID tokens; access tokens say `"access"`);
 * - `typ: "ID"` in the payload (Keycloak ID tokens; its access tokens say `"Bearer"`), and Keycloak's refresh and
 *   logout tokens (`"Refresh"`, `"Offline"`, `"Logout"`);
 * - `at_hash` or `c_hash`, which OpenID Connect Core §3.1.3.6 and §3.3.2.11 define for ID tokens only.
 */
export function checkAccessTokenKind(payload: Record<string, unknown>): void {
  if (payload.token_use !== undefined && payload.token_use !== 'access') {
    if (payload.token_use === 'id') throw idToken();
    throw new AuthError('type_not_allowed', {
      description: 'The token is not an access token ("token_use").',
    });
  }
  if (typeof payload.typ === 'string') {
    const typ = payload.typ.toLowerCase();
    if (typ === 'id') throw idToken();
    if (typ === 'refresh' || typ === 'offline' || typ === 'logout') {
      throw new AuthError('type_not_allowed', {
        description: 'The token is not an access token ("typ" claim).',
      });
    }
  }
  if (payload.at_hash !== undefined || payload.c_hash !== undefined) throw idToken();
}

function idToken(): AuthError {
  return new AuthError('id_token_not_accepted');
}
