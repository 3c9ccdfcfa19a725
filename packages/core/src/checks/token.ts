import { AuthError } from '../errors.js';
import type { AccessToken, JwsHeader, JwtClaims } from '../types.js';
import { clientIdOf } from './client.js';
import { expandScopes, grantedScopes } from './scopes.js';

/** Tokens the verifier produced: adapters and `checkScopes` trust nothing else that looks like one. */
const produced = new WeakSet<object>();

/** The token as given: a non-empty string of at most `maxTokenLength` characters, before anything parses it. */
export function checkTokenString(token: unknown, maxTokenLength: number): asserts token is string {
  if (typeof token !== 'string' || token.length === 0) throw new AuthError('malformed_token');
  if (token.length > maxTokenLength) {
    throw new AuthError('token_too_large', {
      description: `The token is longer than ${maxTokenLength} characters.`,
    });
  }
}

/**
 * The verified token, frozen: the cache hands the same object to every request with the same token, so nothing
 * may change it.
 */
export function freezeToken<Claims extends object>(
  token: string,
  header: JwsHeader,
  claims: JwtClaims,
  issuer: string,
  audience: readonly string[] | undefined,
  scopeClaims: readonly string[],
  impliedScopes: ReadonlyMap<string, readonly string[]>,
): AccessToken<Claims> {
  const frozen: AccessToken<Claims> = Object.freeze({
    token,
    header: Object.freeze(header),
    claims: Object.freeze(claims) as Readonly<JwtClaims & Claims>,
    issuer,
    subject: claims.sub,
    clientId: clientIdOf(claims),
    audience: Object.freeze([...(audience ?? [])]),
    scopes: new ReadonlyScopeSet(expandScopes(grantedScopes(claims, scopeClaims), impliedScopes)),
    expiresAt: new Date((claims.exp as number) * 1000),
    issuedAt: claims.iat === undefined ? undefined : new Date(claims.iat * 1000),
  });
  produced.add(frozen);
  return frozen;
}

/** Whether `value` is a token this module froze (not a look-alike assembled by application code). */
export function isVerifiedToken(value: unknown): value is AccessToken<object> {
  return typeof value === 'object' && value !== null && produced.has(value);
}

/** A Set that cannot be changed after construction (the token object is shared through the cache). */
class ReadonlyScopeSet extends Set<string> {
  private sealed = false;
  constructor(values: Iterable<string>) {
    super(values);
    this.sealed = true;
  }
  override add(value: string): this {
    if (this.sealed) throw new TypeError('AccessToken.scopes is read-only');
    return super.add(value);
  }
  override delete(): boolean {
    throw new TypeError('AccessToken.scopes is read-only');
  }
  override clear(): void {
    throw new TypeError('AccessToken.scopes is read-only');
  }
}
