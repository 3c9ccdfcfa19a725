import type { MetadataDocuments } from './clients/metadata-document.js';
import { OAuthError } from './errors.js';
import type { KeyRing } from './keys.js';
import type { Records } from './records.js';
import type { Settings } from './settings.js';

/** What every endpoint needs: settings, keys, state and the issuer. @internal */
export interface ServerContext {
  readonly settings: Settings;
  readonly keys: KeyRing;
  readonly records: Records;
  /** Client ID Metadata Documents: fetched, checked and cached; `undefined` when turned off. */
  readonly documents: MetadataDocuments | undefined;
  /** The issuer; `undefined` until `listen()` when the configuration leaves it out. */
  issuer: string | undefined;
}

/** The issuer, or 503 while it is not known yet. */
export function issuerOf(ctx: ServerContext): string {
  if (ctx.issuer === undefined) {
    throw new OAuthError('temporarily_unavailable', 'The server is not listening yet.');
  }
  return ctx.issuer;
}

/** The URL of an endpoint below the issuer, e.g. `endpointUrl(ctx, '/token')`. */
export function endpointUrl(ctx: ServerContext, path: string): string {
  return issuerOf(ctx).replace(/\/$/, '') + path;
}
