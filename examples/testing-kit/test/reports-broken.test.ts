import { AudienceEnforcementError, expectAudienceEnforced, startTestIssuer } from '@audguard/testing';
import supertest from 'supertest';
import { afterAll, expect, it } from 'vitest';
import { reportsApi } from '../src/reports-broken.js';

const REPORTS = 'https://reports.example.com';
const issuer = await startTestIssuer({ resources: [REPORTS, 'https://orders.example.com'] });
afterAll(() => issuer.close());

it('passes the valid-token test every team already has', async () => {
  const token = await issuer.token({ resource: REPORTS, scopes: ['reports:read'] });
  const app = reportsApi({ issuer: issuer.issuer, audience: REPORTS });
  await supertest(app).get('/reports').set('authorization', `Bearer ${token}`).expect(200);
});

it('fails the kit, whose report names the attacks that get in', async () => {
  const app = reportsApi({ issuer: issuer.issuer, audience: REPORTS });
  const error = await expectAudienceEnforced({
    issuer,
    resource: REPORTS,
    route: '/reports',
    requiredScopes: ['reports:read'],
    request: ({ path, headers }) => supertest(app).get(path).set(headers),
  }).catch((error: unknown) => error);
  expect(error).toBeInstanceOf(AudienceEnforcementError);
  // What the kit prints when a refactor drops `audience` (a valid-token test still passes):
  expect(
    (error as Error).message,
  ).toBe(`GET /reports failed 2 of 14 checks (resource https://reports.example.com):

        check                                                            expected  received
  ok    valid token for this API                                         2xx       200
  ok    no token                                                         401       401
  FAIL  token for another API (https://orders.example.com)               401       200
  FAIL  token for several other APIs (aud array)                         401       200
  ok    token for this API and another (https://orders.example.com)      2xx/401   200
  ok    expired token (exp 1 hour ago)                                   401       401
  ok    token not valid yet (nbf in 1 hour)                              401       401
  ok    token from another issuer sharing its key (iss: …/other-tenant)  401       401
  ok    unsigned token (alg: none)                                       401       401
  ok    HS256 token keyed with the issuer's public key                   401       401
  ok    token signed with an unpublished key (unknown kid)               401       401
  ok    token with an edited payload (sub: admin)                        401       401
  ok    JWT of another type (typ: logout+jwt)                            401       401
  ok    token without the route's scopes (reports:read)                  403       403

Notes:
  - token for this API and another (https://orders.example.com): accepted: this API takes a token also valid at another API (audguard's default, audiencePolicy 'any'); declare audiencePolicy to hold it to a policy.

To fix:
  - token for another API (https://orders.example.com): tokens minted for other APIs get in: check that \`aud\` names this API (https://reports.example.com).
  - token for several other APIs (aud array): an \`aud\` array naming only other APIs gets in: check every entry of an array \`aud\`.`);
});
