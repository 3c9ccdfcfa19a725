import { createDpopProofCheck, type DpopProofCheck } from '@audguard/core/protocol';
import type { AuthorizationServerConfig, DpopConfig } from '../config.js';
import { DEFAULTS } from '../defaults.js';
import { ConfigurationError } from '../errors.js';
import { entry, optionNames, refuseUnknown } from './fields.js';

/** `dpop`, checked. @internal */
export interface DpopSettings {
  /** The resource server's proof check, with this server's options. */
  readonly proofs: DpopProofCheck;
  /** Whether a token request without a proof is refused. */
  readonly required: boolean;
}

const DPOP_OPTIONS = optionNames<DpopConfig>({
  algorithms: true,
  maxAge: true,
  clockTolerance: true,
  replayCache: true,
  nonce: true,
  required: true,
});

/** `dpop: boolean | DpopConfig`, checked by the core's own rules; `undefined` when off. */
export function checkDpop(
  value: AuthorizationServerConfig['dpop'],
  now: () => number,
): DpopSettings | undefined {
  if (value === undefined || value === false) return undefined;
  const options: DpopConfig = value === true ? {} : (entry(value, 'dpop') as DpopConfig);
  refuseUnknown(options, DPOP_OPTIONS, 'dpop');
  const { required = DEFAULTS.dpop.required, ...rules } = options;
  if (typeof required !== 'boolean') throw new ConfigurationError('dpop.required', 'give true or false');
  try {
    const proofs = createDpopProofCheck({
      maxAge: DEFAULTS.dpop.maxAge,
      clockTolerance: DEFAULTS.dpop.clockTolerance,
      ...rules,
      now,
    });
    return { proofs, required };
  } catch (error) {
    // The core says what to fix ("audguard: dpop.maxAge must be a positive number."): keep it, name the field.
    const message = error instanceof Error ? error.message.replace(/^audguard: /, '') : String(error);
    const field = /^(dpop(?:\.\w+)*)/.exec(message)?.[1] ?? 'dpop';
    throw new ConfigurationError(field, message.slice(field.length).replace(/^:?\s*/, ''));
  }
}
