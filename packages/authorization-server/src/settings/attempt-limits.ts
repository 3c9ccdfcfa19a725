import type { AttemptLimits } from '../config.js';
import { DEFAULTS } from '../defaults.js';
import { ConfigurationError } from '../errors.js';
import type { AttemptLimitSettings } from '../settings.js';
import { entry, lifetime, optionNames, refuseUnknown } from './fields.js';

const LIMIT_OPTIONS = optionNames<AttemptLimits>({
  perInteraction: true,
  perUser: true,
  perClient: true,
  clientAuthentication: true,
  windowSeconds: true,
});

/** Checks `attemptLimits`: each a whole number > 0, defaults from {@link DEFAULTS.attemptLimits}. */
export function checkAttemptLimits(value: AttemptLimits | undefined): AttemptLimitSettings {
  if (value === undefined) return DEFAULTS.attemptLimits;
  const raw = entry(value, 'attemptLimits');
  refuseUnknown(raw, LIMIT_OPTIONS, 'attemptLimits');
  const limit = (name: keyof AttemptLimits) => {
    const given = raw[name];
    if (given === undefined) return DEFAULTS.attemptLimits[name];
    if (typeof given !== 'number' || !Number.isInteger(given) || given <= 0) {
      throw new ConfigurationError(`attemptLimits.${name}`, 'give a whole number greater than 0');
    }
    return given;
  };
  return Object.freeze({
    perInteraction: limit('perInteraction'),
    perUser: limit('perUser'),
    perClient: limit('perClient'),
    clientAuthentication: limit('clientAuthentication'),
    windowSeconds: lifetime(
      raw.windowSeconds,
      'attemptLimits.windowSeconds',
      DEFAULTS.attemptLimits.windowSeconds,
    ),
  });
}
