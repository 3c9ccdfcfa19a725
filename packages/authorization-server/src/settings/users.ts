import type { AuthorizationServerConfig, UserConfig } from '../config.js';
import { DEFAULTS } from '../defaults.js';
import { ConfigurationError } from '../errors.js';
import { hashForConfig, type PasswordHash, parsePasswordHash } from '../passwords.js';
import type { User } from '../settings.js';
import { entry, list, nonEmptyString, optionNames, refuseUnknown } from './fields.js';

const USER_OPTIONS = optionNames<UserConfig>({
  username: true,
  password: true,
  passwordHash: true,
  subject: true,
});

function checkPassword(raw: Record<string, unknown>, field: string): Promise<PasswordHash> {
  if (raw.password !== undefined && raw.passwordHash !== undefined) {
    throw new ConfigurationError(`${field}.passwordHash`, 'give password or passwordHash, not both');
  }
  if (raw.passwordHash === undefined) {
    // Hashed now, at configuration time: the plain password is not kept.
    return hashForConfig(nonEmptyString(raw.password, `${field}.password`));
  }
  const parsed = parsePasswordHash(nonEmptyString(raw.passwordHash, `${field}.passwordHash`));
  if (typeof parsed === 'string') throw new ConfigurationError(`${field}.passwordHash`, parsed);
  return Promise.resolve(parsed);
}

/**
 * Checks `users`: usernames declared once, a password or a scrypt `passwordHash` each; `subject` defaults to the
 * username. Plain passwords are hashed with scrypt here (the hashes resolve in the background; the server awaits
 * them before it starts).
 */
export function checkUsers(config: AuthorizationServerConfig): Map<string, User> {
  const users = new Map<string, User>();
  list(config.users ?? DEFAULTS.users, 'users').forEach((value, i) => {
    const field = `users[${i}]`;
    const raw = entry(value, field);
    refuseUnknown(raw, USER_OPTIONS, field);
    const username = nonEmptyString(raw.username, `${field}.username`);
    if (users.has(username))
      throw new ConfigurationError(`${field}.username`, `"${username}" is declared twice`);
    const passwordHash = checkPassword(raw, field);
    // Awaited by createAuthorizationServer; never left to reject unobserved.
    passwordHash.catch(() => {});
    users.set(username, {
      username,
      passwordHash,
      subject: raw.subject === undefined ? username : nonEmptyString(raw.subject, `${field}.subject`),
    });
  });
  return users;
}

/** The subject `autoApprove` approves as, or `undefined` when users log in themselves. */
export function checkAutoApprove(
  config: AuthorizationServerConfig,
  users: Map<string, User>,
): string | undefined {
  const value = config.autoApprove ?? DEFAULTS.autoApprove;
  if (value === false) return undefined;
  if (value === true) {
    const first = users.values().next();
    if (first.done === true) {
      throw new ConfigurationError(
        'autoApprove',
        'true approves as the first user; add users or give a subject',
      );
    }
    return first.value.subject;
  }
  return nonEmptyString(value, 'autoApprove');
}
