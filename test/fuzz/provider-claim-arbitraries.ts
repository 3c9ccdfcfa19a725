/**
 * The claims of real identity providers that audguard's Real-issuers checks read, as fast-check generators: mostly
 * absent (`token_use` and the `requiredClaims` of the configs: mostly the honest value), sometimes the provider's value, and
 * sometimes what an ID, refresh or logout token says, another client, another type or a near-miss value.
 */

import fc from 'fast-check';
import { nonString, oddString, raw, rawText } from './header-payload-arbitraries.js';
import { CLIENT, OTHER_CLIENT } from './keys.js';
import type { ProviderClaims, ValueSpec } from './token-model.js';

type Weighted = { readonly weight: number; readonly arbitrary: fc.Arbitrary<ValueSpec | undefined> };

const absent = (weight: number): Weighted => ({ weight, arbitrary: fc.constant(undefined) });
const one = (weight: number, value: ValueSpec): Weighted => ({ weight, arbitrary: fc.constant(value) });
const anyOf = (weight: number, values: readonly ValueSpec[]): Weighted => ({
  weight,
  arbitrary: fc.constantFrom(...values),
});

/** Cognito: `"access"` on access tokens, `"id"` on ID tokens; anything else is not an access token either. */
const tokenUse = fc.oneof(
  absent(15),
  one(75, raw('access')),
  one(2, raw('id')),
  anyOf(2, [
    raw('refresh'),
    raw('Access'),
    raw('ID'),
    raw(''),
    rawText('123'),
    rawText('null'),
    rawText('true'),
    rawText('["access"]'),
  ]),
);

/** Keycloak's payload `typ`: `"Bearer"` on access tokens; `"ID"`, `"Refresh"`, `"Offline"`, `"Logout"` otherwise. */
const payloadTyp = fc.oneof(
  absent(100),
  one(8, raw('Bearer')),
  one(1, raw('ID')),
  anyOf(3, [
    raw('id'),
    raw('Id'),
    raw('Refresh'),
    raw('REFRESH'),
    raw('Offline'),
    raw('Logout'),
    raw('logout'),
    raw('at+jwt'),
    raw('ID '),
    raw('IDToken'),
    raw(''),
    rawText('123'),
    rawText('null'),
    rawText('["ID"]'),
  ]),
);

/** `at_hash` / `c_hash` (OpenID Connect Core §3.1.3.6, §3.3.2.11): ID tokens only. */
const idTokenHash = fc.oneof(
  absent(150),
  one(1, raw('HK6E_P6Dh8Y93mRNtsDB1Q')),
  anyOf(1, [raw(''), rawText('null'), rawText('0')]),
);

/** `azp` (OpenID, Keycloak): often the client when `client_id` is absent; sometimes another client, or odd. */
const azp = fc.oneof(
  absent(40),
  one(6, raw(CLIENT)),
  one(2, raw(OTHER_CLIENT)),
  { weight: 1, arbitrary: nonString },
  { weight: 1, arbitrary: oddString.map(raw) },
);

/** `cid` (Okta), `appid` (Entra ID v1). */
const otherClientClaim = fc.oneof(absent(50), one(3, raw(CLIENT)), one(1, raw(OTHER_CLIENT)), {
  weight: 1,
  arbitrary: nonString,
});

/** Auth0 RBAC `permissions`: an array of strings, read as scopes only when `scopeClaims` lists it. */
const permissions = fc.oneof(
  absent(40),
  one(4, raw(['orders:read'])),
  one(1, raw([])),
  one(1, raw('orders:read')),
  { weight: 2, arbitrary: fc.array(oddString, { maxLength: 3 }).map(raw) },
  anyOf(1, [rawText('["orders:read",1]'), rawText('[null]'), rawText('7'), rawText('{}')]),
);

/**
 * The `requiredClaims: 'mixed'` claims (MIXED_REQUIRED: `ver: '2.0'`, `tier: 2`, `mfa: true`): mostly exact, so
 * such configs still accept tokens; sometimes absent, another type, or a spelling that JSON.parse makes equal
 * (`2.0`, `2e0`).
 */
const ver = fc.oneof(
  one(40, raw('2.0')),
  absent(2),
  anyOf(3, [raw('2'), raw('2.0 '), raw(''), rawText('2'), rawText('2.0'), rawText('null')]),
);
const tier = fc.oneof(
  one(40, rawText('2')),
  absent(2),
  anyOf(3, [
    rawText('2.0'),
    rawText('2e0'),
    raw('2'),
    rawText('3'),
    rawText('-2'),
    rawText('2.5'),
    rawText('null'),
    rawText('true'),
  ]),
);
const mfa = fc.oneof(
  one(40, rawText('true')),
  absent(2),
  anyOf(3, [rawText('false'), raw('true'), rawText('1'), rawText('null'), rawText('[true]')]),
);

export const providerClaimsArbitrary: fc.Arbitrary<ProviderClaims> = fc.record({
  token_use: tokenUse,
  typ: payloadTyp,
  at_hash: idTokenHash,
  c_hash: idTokenHash,
  azp,
  cid: otherClientClaim,
  appid: otherClientClaim,
  permissions,
  ver,
  tier,
  mfa,
});
