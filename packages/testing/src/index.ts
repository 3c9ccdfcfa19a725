/**
 * @audguard/testing — prove, in your own integration tests, that your API refuses replayed and forged tokens: a
 * test issuer on a loopback port (`startTestIssuer`), named forgeries, and a runner that attacks a route with all of
 * them and reports what got in (`expectAudienceEnforced`). No test-runner import: vitest, jest and `node:test` alike.
 *
 * @packageDocumentation
 */
export {
  AudienceEnforcementError,
  type CheckId,
  type CheckResult,
  type ExpectAudienceEnforcedOptions,
  expectAudienceEnforced,
  type SendRequest,
  type TestRequest,
  type TestResponse,
} from './expect.js';
export {
  forgeAlgNone,
  forgeExpired,
  forgeForeignAudience,
  forgeKeyConfusion,
  forgeMissingScope,
  forgeMultiAudience,
  forgeNotYetValid,
  forgeTampered,
  forgeUnknownKey,
  forgeWrongIssuer,
  forgeWrongType,
} from './forgeries.js';
export {
  DEFAULT_CLIENT,
  DEFAULT_SUBJECT,
  startTestIssuer,
  type TestIssuer,
  type TestIssuerOptions,
  type TestResource,
  type TestTokenOptions,
} from './issuer.js';
