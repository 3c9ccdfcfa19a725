import { readdirSync, readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AudienceEnforcementError,
  type ExpectAudienceEnforcedOptions,
  expectAudienceEnforced,
  type SendRequest,
  type TestRequest,
} from './expect.js';
import { startTestIssuer, type TestIssuer } from './issuer.js';

const ORDERS = 'https://orders.example.com';
const INVOICES = 'https://invoices.example.com';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer({
    resources: [{ id: ORDERS, scopes: ['orders:read', 'orders:write'] }, INVOICES],
  });
});
afterAll(() => issuer.close());

/** Answers the checks in order with `statuses`, recording each request. */
function scripted(statuses: number[], seen: TestRequest[] = []): SendRequest {
  let i = 0;
  return (request) => {
    seen.push(request);
    return { status: statuses[i++] ?? 401 };
  };
}

const ALL_GOOD = [200, 401, 401, 401, 200, 401, 401, 401, 401, 401, 401, 401, 401, 403];

async function failure(options: Partial<ExpectAudienceEnforcedOptions>): Promise<AudienceEnforcementError> {
  const error = await expectAudienceEnforced({
    issuer,
    resource: ORDERS,
    route: '/orders',
    request: scripted(ALL_GOOD),
    ...options,
  }).then(
    () => expect.fail('expected a failure'),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(AudienceEnforcementError);
  return error as AudienceEnforcementError;
}

describe('expectAudienceEnforced', () => {
  it('sends each check to the route, one at a time, with the token in headers.authorization', async () => {
    const seen: TestRequest[] = [];
    await expectAudienceEnforced({
      issuer,
      resource: ORDERS,
      route: 'post /orders/1',
      requiredScopes: ['orders:write'],
      request: scripted(ALL_GOOD, seen),
    });
    expect(seen).toHaveLength(14);
    expect(seen.every(({ method, path }) => method === 'POST' && path === '/orders/1')).toBe(true);
    expect(seen[1]?.headers).toEqual({});
    const valid = decodeJwt(seen[0]?.headers.authorization?.replace('Bearer ', '') ?? '');
    expect(valid).toMatchObject({ aud: ORDERS, scope: 'orders:write', iss: issuer.issuer });
    // Tokens for other APIs carry the scopes this route needs: only the audience can keep them out.
    expect(decodeJwt(seen[2]?.headers.authorization?.replace('Bearer ', '') ?? '')).toMatchObject({
      aud: INVOICES,
      scope: 'orders:write',
    });
  });

  it('defaults foreignResources to the issuer’s other resources, and skips the scope check without requiredScopes', async () => {
    const results = await expectAudienceEnforced({
      issuer,
      resource: ORDERS,
      route: '/orders',
      request: scripted(ALL_GOOD),
    });
    expect(results.map((result) => result.check)).toContain(
      'token for another API (https://invoices.example.com)',
    );
    expect(results.map((result) => result.id)).not.toContain('missing-scope');
  });

  it('says when the valid token itself is refused, and what that means for the rest', async () => {
    const error = await failure({ audiencePolicy: 'any', request: scripted([401, 401, 401, 401, 401]) });
    expect(error.failures.map((result) => result.id)).toEqual(['valid', 'shared-audience']);
    expect(error.message).toContain(
      `  - valid token for this API: a valid token was refused, so the other checks prove nothing: configure the API's verifier with issuer ${issuer.issuer} and audience ${ORDERS}, and pass the route's scopes as requiredScopes.\n` +
        '  - token for this API and another (https://invoices.example.com): refused like the valid token: fix that first.',
    );
  });

  it('holds an API to RFC 6750 statuses: 401 for bad tokens, 403 for a missing scope, and no 5xx', async () => {
    const statuses = [...ALL_GOOD];
    statuses[1] = 200; // no token
    statuses[5] = 403; // expired
    statuses[8] = 500; // alg none
    statuses[13] = 401; // missing scope
    const error = await failure({ requiredScopes: ['orders:read'], request: scripted(statuses) });
    expect(error.message.split('To fix:\n')[1]).toBe(
      [
        '  - no token: requests without a token get in: put the guard in front of this route.',
        '  - expired token (exp 1 hour ago): refused, but with 403: RFC 6750 §3.1 answers a missing or bad token with 401.',
        '  - unsigned token (alg: none): the API failed with 500 instead of refusing with 401.',
        "  - token without the route's scopes (orders:read): a valid token without the scope was answered 401: RFC 6750 §3.1 calls for 403 insufficient_scope.",
      ].join('\n'),
    );
  });

  it('checks the exclusive audience policy when asked to', async () => {
    const error = await failure({ audiencePolicy: 'exclusive' });
    expect(error.message).toContain(
      '  FAIL  token for this API and another (https://invoices.example.com)    401       200',
    );
    expect(error.message).toContain(
      "refuse an `aud` that names other APIs (audguard: audiencePolicy: 'exclusive')",
    );
  });

  it('without a declared audience policy, takes 2xx or 401 for a token shared with another API, and nothing else', async () => {
    const refused = [...ALL_GOOD];
    refused[4] = 401;
    const results = await expectAudienceEnforced({
      issuer,
      resource: ORDERS,
      route: '/orders',
      request: scripted(refused),
    });
    expect(results.find((result) => result.id === 'shared-audience')).toMatchObject({
      expected: '2xx/401',
      passed: true,
    });

    const forbidden = [...ALL_GOOD];
    forbidden[4] = 403;
    const error = await failure({ request: scripted(forbidden) });
    expect(error.failures.map((result) => result.id)).toEqual(['shared-audience']);
    expect(error.message).toContain(
      '  - token for this API and another (https://invoices.example.com): answered 403: a token for this API and another must be accepted (2xx) or refused with 401; to hold the API to one, pass audiencePolicy.',
    );
  });

  it('tells in the report which audience policy the API showed, when none was declared', async () => {
    const statuses = [...ALL_GOOD];
    statuses[1] = 200; // no token: something to fail on
    const error = await failure({ request: scripted(statuses) });
    expect(error.message).toContain(
      '\n\nNotes:\n  - token for this API and another (https://invoices.example.com): accepted: this API takes a token also valid at another API',
    );
  });

  it('reports a request() that throws, once per distinct error', async () => {
    const error = await failure({
      request: () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
    });
    expect(error.failures).toHaveLength(13);
    expect(error.message).toMatch(/ {2}FAIL {2}no token +401 {7}error\n/);
    expect(
      error.message.endsWith('To fix:\n  - 13 checks: request() failed: connect ECONNREFUSED 127.0.0.1:1'),
    ).toBe(true);
  });

  it('accepts a response or a promise of one (a fetch Response, supertest’s), and needs a numeric status', async () => {
    let i = 0;
    await expectAudienceEnforced({
      issuer,
      resource: ORDERS,
      route: '/orders',
      request: () => {
        const response = new Response('{}', { status: ALL_GOOD[i] ?? 401 });
        return i++ % 2 === 0 ? Promise.resolve(response) : response;
      },
    });
    const error = await failure({ request: () => ({}) as { status: number } });
    expect(error.message).toContain('request() must resolve to a response with a numeric status');
  });

  it('refuses options that cannot prove anything, saying what to change', async () => {
    const run = (options: Partial<ExpectAudienceEnforcedOptions>) =>
      expectAudienceEnforced({
        issuer,
        resource: ORDERS,
        route: '/orders',
        request: scripted([]),
        ...options,
      });
    await expect(run({ resource: 'https://nope.example.com' })).rejects.toThrow(
      'resource "https://nope.example.com" is not one of the issuer\'s resources (https://orders.example.com, https://invoices.example.com).',
    );
    await expect(run({ foreignResources: [] })).rejects.toThrow(
      'name at least one other API in foreignResources',
    );
    await expect(run({ foreignResources: [ORDERS] })).rejects.toThrow("lists the API's own resource");
    await expect(run({ foreignResources: ['https://shipping.example.com'] })).rejects.toThrow(
      'is not declared',
    );
    await expect(run({ route: 'orders' })).rejects.toThrow(
      "route must be a path, optionally after a method: '/orders'",
    );
    await expect(run({ request: undefined as unknown as SendRequest })).rejects.toThrow(
      'request must be a function',
    );
    await expect(run({ issuer: {} as TestIssuer })).rejects.toThrow('startTestIssuer');
  });
});

describe('the package', () => {
  it('imports no test runner, so it works in vitest, jest and node:test alike', () => {
    const dir = new URL('./', import.meta.url);
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
    );
    const imports = files.flatMap((file) =>
      [...readFileSync(new URL(file, dir), 'utf8').matchAll(/from '([^']+)'/g)].map((match) => match[1]),
    );
    const external = new Set(imports.filter((specifier) => !specifier?.startsWith('.')));
    expect([...external].sort()).toEqual([
      '@audguard/authorization-server',
      '@audguard/core/protocol',
      'jose',
      'node:http',
      'node:net',
    ]);
  });
});
