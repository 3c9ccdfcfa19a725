import type { AuthorizationServerConfig } from '../config.js';
import { DEFAULTS } from '../defaults.js';
import { ConfigurationError } from '../errors.js';
import type { User } from '../settings.js';
import { entry, list, nonEmptyString } from './fields.js';

/** Checks `users`: usernames declared once, passwords non-empty; `subject` defaults to the username. */
export function checkUsers(config: AuthorizationServerConfig): Map<string, User> {
  const users = new Map<string, User>();
  list(config.users ?? DEFAULTS.users, 'users').forEach((value, i) => {
    const field = `users[${i}]`;
    const raw = entry(value, field);
    const username = nonEmptyString(raw.username, `${field}.username`);
    if (users.has(username))
      throw new ConfigurationError(`${field}.username`, `"${username}" is declared twice`);
    users.set(username, {
      username,
      password: nonEmptyString(raw.password, `${field}.password`),
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
