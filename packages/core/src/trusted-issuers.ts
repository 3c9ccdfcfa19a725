import type { AudiencePolicy } from './checks/audience.js';
import type { VerifierSettings } from './config/settings.js';
import { AuthError } from './errors.js';
import { type KeySet, KeySets } from './keys/index.js';

/** An issuer this API trusts: the audience its tokens must name here, and where its keys come from. */
export interface TrustedIssuer {
  readonly issuer: string;
  readonly audience: AudiencePolicy;
  readonly keys: KeySet;
}

/** The configured issuers, looked up by a token's `iss`. */
export class TrustedIssuers {
  private readonly byIssuer = new Map<string, TrustedIssuer>();
  /** Every audience accepted, across issuers (for metadata documents). */
  readonly audiences: readonly string[];

  constructor(settings: VerifierSettings) {
    const keySets = new KeySets(settings.keySets);
    for (const { issuer, audience, source } of settings.issuers.values()) {
      this.byIssuer.set(issuer, {
        issuer,
        audience: { accepted: audience, mode: settings.audiencePolicy },
        keys: keySets.forSource(issuer, source),
      });
    }
    this.audiences = [...new Set([...settings.issuers.values()].flatMap((i) => i.audience))];
  }

  /** The issuer named by `iss`, compared exactly; an unknown one is refused without any network call. */
  lookUp(iss: string): TrustedIssuer {
    const issuer = this.byIssuer.get(iss);
    if (!issuer) throw new AuthError('unknown_issuer');
    return issuer;
  }
}
