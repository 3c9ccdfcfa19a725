/**
 * One row of the attack matrix (an attack and the outcome it must get), and the small helpers rows share.
 */

import { mint, now } from './forge.js';
import type { Kit, Route } from './targets.js';
import type { AttackRequest } from './wire.js';

export type Outcome = 'ok' | 'no_token' | 'invalid_request' | 'invalid_token';

export interface Attack {
  name: string;
  route?: Route;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: (k: Kit) => string;
  /** Or the whole request (its path is below the route). */
  request?: (k: Kit, route: Route) => AttackRequest;
  expect: Outcome;
  /** Checked after the request: the attacker's server got no hit. */
  noFetch?: boolean;
}

export const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
export const valid = (k: Kit) => mint(k.ec);
export const t = now;

export function foreignSegments(
  token: string,
  replace: { header?: string; payload?: string; signature?: string },
) {
  const [h, p, s] = token.split('.') as [string, string, string];
  return [replace.header ?? h, replace.payload ?? p, replace.signature ?? s].join('.');
}
