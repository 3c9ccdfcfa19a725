import type { AudiencePolicy } from './checks/audience.js';
import type { VerifierSettings } from './config/settings.js';
import { fail, stringList } from './config/values.js';
import type { AuthenticateRequest } from './extract.js';
import type { TrustedIssuer } from './trusted-issuers.js';
import type { CallContext, VerifyOptions } from './verifier-api.js';

/**
 * The audience a call expects of an issuer's tokens: the call's own (`verify(t, { audience })`), the issuer's, or
 * the verifier's — a list, or a function of the request. Policies that do not depend on the request are computed
 * once per issuer.
 */
export class AudiencePolicies {
  private readonly staticPolicies = new WeakMap<TrustedIssuer, AudiencePolicy>();

  constructor(private readonly settings: VerifierSettings) {}

  for(issuer: TrustedIssuer, context: CallContext): AudiencePolicy {
    const configured = this.settings.audience;
    if (
      context.audience === undefined &&
      (issuer.audience !== undefined || typeof configured !== 'function')
    ) {
      let policy = this.staticPolicies.get(issuer);
      if (!policy) {
        policy = this.policy(issuer.audience ?? (configured as readonly string[] | undefined) ?? []);
        this.staticPolicies.set(issuer, policy);
      }
      return policy;
    }
    if (context.audience !== undefined) return this.policy(context.audience);
    const request = context.request;
    if (request === undefined) {
      fail("verify(): this verifier's audience depends on the request; pass { audience } to verify().");
    }
    const resolver = configured as (request: AuthenticateRequest) => string | readonly string[];
    // Nothing (undefined or []) means this request names no resource this API serves: every token is refused.
    const answer = resolver(request) as string | readonly string[] | undefined;
    return this.policy(answer === undefined ? [] : stringList(answer, "the audience function's answer"));
  }

  private policy(accepted: readonly string[]): AudiencePolicy {
    const { audiencePolicy, ignoredAudiences, clientIds } = this.settings;
    // Tokens without `aud` pass on their client alone only where no audience is configured at all (Cognito).
    const optional = clientIds !== undefined && accepted.length === 0 && this.settings.audience === undefined;
    return { accepted, mode: audiencePolicy, ignored: ignoredAudiences, optional };
  }
}

/** A per-call `audience`, checked (a programming error throws a `ConfigurationError`). */
export function callAudience(options: VerifyOptions): readonly string[] | undefined {
  if (options.audience === undefined) return undefined;
  const audience = stringList(options.audience, 'verify(): audience');
  if (audience.length === 0) fail('verify(): audience must name at least one identifier.');
  return audience;
}
