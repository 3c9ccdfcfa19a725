import { vouchedFor } from '../decisions.js';
import { AuthError } from '../errors.js';
import type { AuthenticateRequest } from '../extract.js';
import { andThen, type Maybe } from '../lib/maybe.js';
import type { TokenValidator } from '../options.js';
import type { AccessToken } from '../types.js';

/**
 * The application's own check (`validate`), last, on every use of a token (cache hits too): `false` or a string
 * (the description) refuses with `validation_failed`; a throw refuses with what was thrown.
 */
export function applyValidator<T extends AccessToken<object>>(
  validate: TokenValidator | undefined,
  token: T,
  request: AuthenticateRequest | undefined,
): Maybe<T> {
  if (validate === undefined) return token;
  const refuse = (error: unknown) => {
    vouchedFor(error, token.claims);
    throw error;
  };
  let verdict: ReturnType<TokenValidator>;
  try {
    verdict = validate(token as unknown as AccessToken<Record<string, unknown>>, request);
  } catch (error) {
    return refuse(error);
  }
  return andThen(verdict, (result) => {
    if (result === false) return refuse(new AuthError('validation_failed'));
    if (typeof result === 'string')
      return refuse(new AuthError('validation_failed', { description: result }));
    return token;
  });
}
