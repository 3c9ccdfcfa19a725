import { unknownOption } from '@audguard/core/protocol';
import type { CheckId, ExpectAudienceEnforcedOptions, Expected } from '../expect.js';
import {
  forgeAlgNone,
  forgeExpired,
  forgeKeyConfusion,
  forgeMissingScope,
  forgeNotYetValid,
  forgeTampered,
  forgeUnknownKey,
  forgeWrongIssuer,
  forgeWrongType,
} from '../forgeries.js';
import { type IssuerInternals, internalsOf } from './internals.js';
import type { RunContext } from './report.js';

/** A check before it runs. @internal */
export interface PlannedCheck {
  readonly id: CheckId;
  readonly check: string;
  readonly expected: Expected;
  /** The `Authorization` header value, or `undefined` for none. */
  readonly authorization: () => Promise<string | undefined>;
}

const ANOTHER_API = 'https://another-api.invalid';

const EXPECT_OPTIONS = Object.keys({
  issuer: true,
  request: true,
  resource: true,
  foreignResources: true,
  route: true,
  requiredScopes: true,
  audiencePolicy: true,
} satisfies Record<keyof ExpectAudienceEnforcedOptions, true>);

/** Checks the options of {@link expectAudienceEnforced} and lays out the matrix. @internal */
export function planChecks(options: ExpectAudienceEnforcedOptions): {
  plan: PlannedCheck[];
  context: RunContext;
} {
  const fail = (message: string): never => {
    throw new TypeError(`audguard/testing: expectAudienceEnforced(): ${message}`);
  };
  if (typeof options !== 'object' || options === null) fail('pass an options object.');
  const typo = unknownOption(options, EXPECT_OPTIONS, 'expectAudienceEnforced()');
  if (typo !== undefined) throw new TypeError(`audguard/testing: ${typo}`);
  const internals = internalsOf(options.issuer);
  const { resource, request, audiencePolicy } = options;
  if (typeof request !== 'function') {
    fail('request must be a function that sends { method, path, headers } to your API.');
  }
  const declared = [...internals.resources.keys()];
  if (typeof resource !== 'string' || !internals.resources.has(resource)) {
    fail(
      `resource ${JSON.stringify(resource)} is not one of the issuer's resources (${declared.join(', ')}).`,
    );
  }
  const foreign = [...(options.foreignResources ?? declared.filter((id) => id !== resource))];
  if (foreign.length === 0) {
    fail(
      'name at least one other API in foreignResources, and declare it in startTestIssuer({ resources }).',
    );
  }
  for (const id of foreign) {
    if (id === resource) fail(`foreignResources lists the API's own resource ${resource}.`);
    if (!internals.resources.has(id)) {
      fail(
        `foreign resource ${JSON.stringify(id)} is not declared; add it to startTestIssuer({ resources }).`,
      );
    }
  }
  if (audiencePolicy !== undefined && audiencePolicy !== 'any' && audiencePolicy !== 'exclusive')
    fail("audiencePolicy must be 'any', 'exclusive', or left out.");
  const match =
    typeof options.route === 'string' ? /^(?:([A-Za-z]+)\s+)?(\/\S*)$/.exec(options.route.trim()) : null;
  if (match === null) fail("route must be a path, optionally after a method: '/orders' or 'POST /orders'.");
  const method = (match?.[1] ?? 'GET').toUpperCase();
  const path = match?.[2] ?? '/';
  const requiredScopes = [...(options.requiredScopes ?? [])];

  const { issuer } = options;
  // Every token carries what the route needs, so only the one broken thing can be the reason for a refusal.
  const scopes = requiredScopes.length > 0 ? requiredScopes : [...(internals.resources.get(resource) ?? [])];
  const base = { resource, scopes };
  const lazy = (make: () => Promise<string>) => async () => `Bearer ${await make()}`;

  const plan: PlannedCheck[] = [
    {
      id: 'valid',
      check: 'valid token for this API',
      expected: '2xx',
      authorization: lazy(() => mint(internals, [resource], scopes)),
    },
    { id: 'no-token', check: 'no token', expected: 401, authorization: async () => undefined },
    ...foreign.map(
      (id): PlannedCheck => ({
        id: 'foreign-audience',
        check: `token for another API (${id})`,
        expected: 401,
        authorization: lazy(() => mint(internals, [id], scopes)),
      }),
    ),
    {
      id: 'multi-audience',
      check: 'token for several other APIs (aud array)',
      expected: 401,
      authorization: lazy(() =>
        mint(internals, foreign.length > 1 ? foreign : [...foreign, ANOTHER_API], scopes),
      ),
    },
    {
      id: 'shared-audience',
      check: `token for this API and another (${foreign[0]})`,
      expected: audiencePolicy === 'exclusive' ? 401 : audiencePolicy === 'any' ? '2xx' : '2xx/401',
      authorization: lazy(() => mint(internals, [resource, foreign[0] as string], scopes)),
    },
    {
      id: 'expired',
      check: 'expired token (exp 1 hour ago)',
      expected: 401,
      authorization: lazy(() => forgeExpired(issuer, base)),
    },
    {
      id: 'not-yet-valid',
      check: 'token not valid yet (nbf in 1 hour)',
      expected: 401,
      authorization: lazy(() => forgeNotYetValid(issuer, base)),
    },
    {
      id: 'wrong-issuer',
      check: 'token from another issuer sharing its key (iss: …/other-tenant)',
      expected: 401,
      authorization: lazy(() => forgeWrongIssuer(issuer, base)),
    },
    {
      id: 'alg-none',
      check: 'unsigned token (alg: none)',
      expected: 401,
      authorization: lazy(() => forgeAlgNone(issuer, base)),
    },
    {
      id: 'key-confusion',
      check: "HS256 token keyed with the issuer's public key",
      expected: 401,
      authorization: lazy(() => forgeKeyConfusion(issuer, base)),
    },
    {
      id: 'unknown-key',
      check: 'token signed with an unpublished key (unknown kid)',
      expected: 401,
      authorization: lazy(() => forgeUnknownKey(issuer, base)),
    },
    {
      id: 'tampered',
      check: 'token with an edited payload (sub: admin)',
      expected: 401,
      authorization: lazy(() => forgeTampered(issuer, base)),
    },
    {
      id: 'wrong-type',
      check: 'JWT of another type (typ: logout+jwt)',
      expected: 401,
      authorization: lazy(() => forgeWrongType(issuer, base)),
    },
  ];
  if (requiredScopes.length > 0) {
    plan.push({
      id: 'missing-scope',
      check: `token without the route's scopes (${requiredScopes.join(' ')})`,
      expected: 403,
      authorization: lazy(() => forgeMissingScope(issuer, { resource, requiredScopes })),
    });
  }
  return {
    plan,
    context: { route: `${method} ${path}`, resource, issuer: internals.issuer, requiredScopes },
  };
}

/** A genuine token from the issuer for any audience, declared or not, with any scopes. */
function mint(
  internals: IssuerInternals,
  audience: readonly string[],
  scopes: readonly string[],
): Promise<string> {
  return internals.mint({
    audience,
    scopes,
    subject: internals.defaultSubject,
    clientId: internals.defaultClientId,
    expiresIn: internals.accessTokenLifetime,
  });
}
