import type { VerifierSettings } from '../config/settings.js';
import { vouchedFor } from '../decisions.js';
import type { AccessToken } from '../types.js';
import { type AudiencePolicy, checkAudience, readAudience } from './audience.js';
import { checkClaims } from './claims.js';
import { checkClient, clientIdOf } from './client.js';
import { checkTimes, readTimeClaims, type TimeClaims } from './time.js';
import { checkAccessTokenKind } from './token-kind.js';

/** A token whose claims passed every check that depends on them alone (what the caches keep). */
export interface Prepared {
  readonly token: AccessToken<Record<string, unknown>>;
  readonly times: TimeClaims;
  readonly audience: readonly string[] | undefined;
}

/**
 * Every check of a token's claims, in order — time, kind, audience, client, shapes, required values — for a JWT
 * after its signature and for an opaque token after its introspection answer. A refusal carries the claims (their
 * signature or the authorization server vouched for them) to the decision log. `audiencePolicy` is asked only
 * once the checks before the audience passed (it may run the application's per-request audience function).
 */
export function checkPayload(
  payload: Record<string, unknown>,
  now: number,
  settings: VerifierSettings,
  audiencePolicy: () => AudiencePolicy,
): Pick<Prepared, 'times' | 'audience'> {
  try {
    const times = readTimeClaims(payload);
    checkTimes(times, now, settings.time);
    checkAccessTokenKind(payload);
    const audience = readAudience(payload.aud);
    checkAudience(audience, audiencePolicy());
    checkClient(clientIdOf(payload), settings.clientIds);
    checkClaims(payload, { tokenType: settings.header.tokenType, ...settings });
    return { times, audience };
  } catch (error) {
    vouchedFor(error, payload);
    throw error;
  }
}

/**
 * What a remembered token (a cache hit, a cached introspection answer) must still meet on every use: the clock,
 * and the audience this request expects.
 */
export function recheckPrepared(
  prepared: Prepared,
  now: number,
  settings: VerifierSettings,
  audiencePolicy: () => AudiencePolicy,
): void {
  try {
    checkTimes(prepared.times, now, settings.time);
    checkAudience(prepared.audience, audiencePolicy());
  } catch (error) {
    vouchedFor(error, prepared.token.claims);
    throw error;
  }
}
