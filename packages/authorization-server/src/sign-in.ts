import { verifyPassword } from './passwords.js';
import type { ServerContext } from './server-context.js';
import type { User } from './settings.js';
import { clientSignInLimit, reserveAttempt, userLimit } from './throttle.js';

/** The outcome of {@link signIn}. */
export type SignIn =
  | { readonly user: User }
  | { readonly locked: false }
  | { readonly locked: true; readonly retryAfter: number };

/**
 * Checks a username and password typed on a login page of `clientId`, within the attempt limits: the username's
 * (counted first, so hammering a locked username spends nothing of the client's) and the client's. A locked
 * username or client is refused without checking the password. Unknown usernames are hashed against a decoy and
 * counted like known ones, so neither the time taken nor a lock tells which exist.
 */
export async function signIn(
  ctx: ServerContext,
  clientId: string,
  username: string | undefined,
  password: string | undefined,
): Promise<SignIn> {
  const attempt = await reserveAttempt(ctx, [
    ...(username === undefined ? [] : [userLimit(ctx, username)]),
    clientSignInLimit(ctx, clientId),
  ]);
  if (attempt.locked) return attempt;
  const user = username === undefined ? undefined : ctx.settings.users.get(username);
  const matches = await verifyPassword(
    password ?? '',
    user === undefined ? undefined : await user.passwordHash,
  );
  if (user === undefined || password === undefined || !matches) return { locked: false };
  await attempt.succeeded();
  return { user };
}
