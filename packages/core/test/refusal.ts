import { expect } from 'vitest';
import { AuthError } from '../src/errors.js';

/** What a refusal is expected to carry; only the members given are compared. */
export type ExpectedRefusal = Partial<
  Pick<AuthError, 'reason' | 'code' | 'status' | 'claim' | 'scheme' | 'retryAfter' | 'description'>
>;

/**
 * The {@link AuthError} `promise` is refused with, for the test to look into; with `expected`, also checks its
 * members. Fails the test when the promise is fulfilled (the token was accepted) or rejected with anything that
 * is not an AuthError (a crash is not a refusal).
 */
export async function refusal(promise: Promise<unknown>, expected?: ExpectedRefusal): Promise<AuthError> {
  let accepted = false;
  const error = await promise.then(
    () => {
      accepted = true;
    },
    (reason: unknown) => reason,
  );
  if (accepted) throw new Error('expected a refusal (an AuthError), but it was accepted');
  if (!(error instanceof AuthError)) {
    throw new Error(`expected a refusal (an AuthError), got ${String(error)}`, { cause: error });
  }
  if (expected !== undefined) expect(error).toMatchObject(expected);
  return error;
}
