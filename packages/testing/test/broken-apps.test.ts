import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AudienceEnforcementError,
  expectAudienceEnforced,
  startTestIssuer,
  type TestIssuer,
} from '../src/index.js';
import { type Flaw, naiveApi, sendTo } from './naive-api.js';

const ORDERS = 'https://orders.example.com';
const INVOICES = 'https://invoices.example.com';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer({
    resources: [{ id: ORDERS, scopes: ['orders:read', 'orders:write'] }, INVOICES],
  });
});
afterAll(() => issuer.close());

/** The report the kit throws for a hand-written API with `flaw`. */
async function reportFor(flaw: Flaw): Promise<AudienceEnforcementError> {
  const api = naiveApi({ issuer: issuer.issuer, audience: ORDERS, scope: 'orders:read', flaw });
  const run = expectAudienceEnforced({
    issuer,
    resource: ORDERS,
    route: '/orders',
    requiredScopes: ['orders:read'],
    request: sendTo(api),
  });
  const error = await run.then(
    () => expect.fail('the flawed API passed'),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(AudienceEnforcementError);
  return error as AudienceEnforcementError;
}

/** The note on the shared-audience check these APIs (which accept such a token) get, no policy being declared. */
const NOTES = [
  'Notes:',
  "  - token for this API and another (https://invoices.example.com): accepted: this API takes a token also valid at another API (audguard's default, audiencePolicy 'any'); declare audiencePolicy to hold it to a policy.",
  '',
];

/** The table (as in the first test) with `failing` rows (by 0-based index) marked FAIL and answered 200. */
function table(failing: number[]): string[] {
  const rows: [string, string, string][] = [
    ['valid token for this API', '2xx', '200'],
    ['no token', '401', '401'],
    ['token for another API (https://invoices.example.com)', '401', '401'],
    ['token for several other APIs (aud array)', '401', '401'],
    ['token for this API and another (https://invoices.example.com)', '2xx/401', '200'],
    ['expired token (exp 1 hour ago)', '401', '401'],
    ['token not valid yet (nbf in 1 hour)', '401', '401'],
    ['token from another issuer sharing its key (iss: …/other-tenant)', '401', '401'],
    ['unsigned token (alg: none)', '401', '401'],
    ["HS256 token keyed with the issuer's public key", '401', '401'],
    ['token signed with an unpublished key (unknown kid)', '401', '401'],
    ['token with an edited payload (sub: admin)', '401', '401'],
    ['JWT of another type (typ: logout+jwt)', '401', '401'],
    ["token without the route's scopes (orders:read)", '403', '403'],
  ];
  return [
    '        check                                                            expected  received',
    ...rows.map(
      ([check, expected, received], i) =>
        `  ${failing.includes(i) ? 'FAIL' : 'ok  '}  ${check.padEnd(63)}  ${expected.padEnd(8)}  ${failing.includes(i) ? '200' : received}`,
    ),
  ];
}

describe('the report against a flawed API', () => {
  it('names the audience checks an API without one lets through', async () => {
    const error = await reportFor('skips-audience');
    expect(error.message).toBe(`GET /orders failed 2 of 14 checks (resource https://orders.example.com):

        check                                                            expected  received
  ok    valid token for this API                                         2xx       200
  ok    no token                                                         401       401
  FAIL  token for another API (https://invoices.example.com)             401       200
  FAIL  token for several other APIs (aud array)                         401       200
  ok    token for this API and another (https://invoices.example.com)    2xx/401   200
  ok    expired token (exp 1 hour ago)                                   401       401
  ok    token not valid yet (nbf in 1 hour)                              401       401
  ok    token from another issuer sharing its key (iss: …/other-tenant)  401       401
  ok    unsigned token (alg: none)                                       401       401
  ok    HS256 token keyed with the issuer's public key                   401       401
  ok    token signed with an unpublished key (unknown kid)               401       401
  ok    token with an edited payload (sub: admin)                        401       401
  ok    JWT of another type (typ: logout+jwt)                            401       401
  ok    token without the route's scopes (orders:read)                   403       403

Notes:
  - token for this API and another (https://invoices.example.com): accepted: this API takes a token also valid at another API (audguard's default, audiencePolicy 'any'); declare audiencePolicy to hold it to a policy.

To fix:
  - token for another API (https://invoices.example.com): tokens minted for other APIs get in: check that \`aud\` names this API (https://orders.example.com).
  - token for several other APIs (aud array): an \`aud\` array naming only other APIs gets in: check every entry of an array \`aud\`.`);
    expect(error.failures.map((failure) => failure.id)).toEqual(['foreign-audience', 'multi-audience']);
  });

  it('names the unsigned token an API accepting alg: none lets through', async () => {
    const error = await reportFor('accepts-alg-none');
    expect(error.message).toBe(
      [
        'GET /orders failed 1 of 14 checks (resource https://orders.example.com):',
        '',
        ...table([8]),
        '',
        ...NOTES,
        'To fix:',
        '  - unsigned token (alg: none): unsigned tokens get in: never accept `alg: none`; allow-list the algorithms.',
      ].join('\n'),
    );
  });

  it('names the expired token an API ignoring exp lets through', async () => {
    const error = await reportFor('ignores-expiry');
    expect(error.message).toBe(
      [
        'GET /orders failed 1 of 14 checks (resource https://orders.example.com):',
        '',
        ...table([5]),
        '',
        ...NOTES,
        'To fix:',
        '  - expired token (exp 1 hour ago): expired tokens get in: check `exp`.',
      ].join('\n'),
    );
  });
});
