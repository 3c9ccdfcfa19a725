/**
 * The verifier's policies beyond issuer and signature: per-request audiences (and the cache that must never let a
 * token through for another audience), ignored audiences, issuers without `aud`, exact required claims, the
 * `validate` hook, scope claims and ID tokens.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { refusal } from '../test/refusal.js';
import { AUDIENCE, ISSUER, mint, OTHER_API, type TestKey, testKey } from '../test/tokens.js';
import {
  type AccessToken,
  AuthError,
  type AuthenticateRequest,
  ConfigurationError,
  createVerifier,
  type VerifierOptions,
} from './index.js';

let key: TestKey;
beforeAll(async () => {
  key = await testKey('ES256');
});

const verifier = (options: Record<string, unknown> = {}) =>
  createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [key.jwk] },
    ...options,
  } as VerifierOptions);
const token = (claims: Record<string, unknown> = {}) => mint(key, { claims });
const web = (url: string, authorization?: string) =>
  new Request(url, authorization === undefined ? {} : { headers: { authorization } });

describe('audience per request (the seed: a resource per tenant)', () => {
  const tenantAudience = (request: Request | { url?: string | undefined }) => {
    const tenant = /\/tenant\/([a-z0-9]+)/.exec(request.url ?? '')?.[1] ?? 'none';
    return `https://api.saas.com/data/tenant/${tenant}`;
  };
  const acme = 'https://api.saas.com/data/tenant/acme';

  it("accepts a token at its own tenant's path and refuses it at another's, cache hits included", async () => {
    const v = verifier({ audience: tenantAudience });
    const t = await token({ aud: acme });
    for (let i = 0; i < 2; i++) {
      await expect(
        v.authenticate(web('https://api.saas.com/data/tenant/acme/records', `Bearer ${t}`)),
      ).resolves.toBeDefined();
      // The same token, now cached, on a request for another tenant: refused every time.
      expect(
        await refusal(v.authenticate(web('https://api.saas.com/data/tenant/globex/records', `Bearer ${t}`))),
      ).toMatchObject({
        status: 401,
        reason: 'audience_mismatch',
      });
    }
  });

  it('verify() takes the audience per call, and needs it when the audience depends on the request', async () => {
    const t = await token({ aud: acme });
    await expect(verifier().verify(t, { audience: acme })).resolves.toBeDefined();
    expect((await refusal(verifier().verify(t))).reason).toBe('audience_mismatch');
    await expect(verifier({ audience: tenantAudience }).verify(t)).rejects.toThrow(ConfigurationError);
    // The per-call audience also governs cache hits.
    const v = verifier();
    await v.verify(t, { audience: acme });
    expect((await refusal(v.verify(t, { audience: 'https://api.saas.com/data/tenant/globex' }))).reason).toBe(
      'audience_mismatch',
    );
  });

  it('refuses every token when the audience function finds no resource in the request (undefined or [])', async () => {
    for (const answer of [undefined, []]) {
      const v = verifier({ audience: () => answer });
      const error = await refusal(v.authenticate(web('https://x.example/', `Bearer ${await token()}`)));
      expect(error).toMatchObject({ status: 401, reason: 'audience_mismatch' });
    }
  });
});

describe('ignoredAudiences (Auth0 /userinfo, Keycloak account)', () => {
  const USERINFO = 'https://tenant.eu.auth0.com/userinfo';
  for (const audiencePolicy of ['any', 'exclusive'] as const) {
    it(`${audiencePolicy}: tolerates them beside this API, never alone`, async () => {
      const v = verifier({ audiencePolicy, ignoredAudiences: [USERINFO, 'account'] });
      await expect(v.verify(await token({ aud: [AUDIENCE, USERINFO] }))).resolves.toBeDefined();
      await expect(v.verify(await token({ aud: [AUDIENCE, 'account'] }))).resolves.toBeDefined();
      expect((await refusal(v.verify(await token({ aud: USERINFO })))).reason).toBe('audience_mismatch');
      expect((await refusal(v.verify(await token({ aud: [USERINFO, 'account'] })))).reason).toBe(
        'audience_mismatch',
      );
    });
  }
  it('exclusive still refuses a token that also names another API', async () => {
    const v = verifier({ audiencePolicy: 'exclusive', ignoredAudiences: [USERINFO] });
    expect((await refusal(v.verify(await token({ aud: [AUDIENCE, USERINFO, OTHER_API] })))).reason).toBe(
      'audience_not_exclusive',
    );
  });
});

describe('issuers without aud (AWS Cognito): clientId', () => {
  const cognito = {
    audience: undefined,
    clientId: ['app-client-1'],
    requiredClaims: { token_use: 'access' },
  };
  const access = (claims: Record<string, unknown> = {}) =>
    token({ aud: undefined, client_id: 'app-client-1', token_use: 'access', ...claims });

  it('accepts an access token without aud when its client is listed', async () => {
    const t = await verifier(cognito).verify(await access());
    expect(t).toMatchObject({ clientId: 'app-client-1', audience: [] });
  });
  it("refuses another client's token, and a token naming no client", async () => {
    expect(
      (await refusal(verifier(cognito).verify(await access({ client_id: 'app-client-2' })))).reason,
    ).toBe('client_not_allowed');
    expect((await refusal(verifier(cognito).verify(await access({ client_id: undefined })))).reason).toBe(
      'missing_claim',
    );
  });
  it('refuses the pool’s ID tokens (aud = the client id, token_use: id), even with audience set to the client', async () => {
    const idToken = () => token({ aud: 'app-client-1', client_id: undefined, token_use: 'id' });
    expect((await refusal(verifier(cognito).verify(await idToken()))).reason).toBe('id_token_not_accepted');
    const naive = verifier({ audience: 'app-client-1' });
    expect((await refusal(naive.verify(await idToken()))).reason).toBe('id_token_not_accepted');
  });
  it('still checks aud when a token has one', async () => {
    expect((await refusal(verifier(cognito).verify(await access({ aud: OTHER_API })))).reason).toBe(
      'audience_mismatch',
    );
  });
  it('with an audience too, a token without aud is refused: only with no audience at all may aud be absent', async () => {
    const v = verifier({ clientId: 'app-client-1' });
    expect(await refusal(v.verify(await access()))).toMatchObject({ reason: 'missing_claim', claim: 'aud' });
  });
  it('with an audience too, requires the listed client for every token', async () => {
    const v = verifier({ clientId: 'client-1' });
    await expect(v.verify(await token())).resolves.toBeDefined();
    expect((await refusal(v.verify(await token({ client_id: 'client-2' })))).reason).toBe(
      'client_not_allowed',
    );
  });
});

describe('requiredClaims', () => {
  it('needs each claim with exactly its value', async () => {
    const v = verifier({ requiredClaims: { token_use: 'access', ver: '2.0' } });
    await expect(v.verify(await token({ token_use: 'access', ver: '2.0' }))).resolves.toBeDefined();
    expect(await refusal(v.verify(await token({ ver: '2.0' })))).toMatchObject({
      reason: 'missing_claim',
      claim: 'token_use',
    });
    expect(await refusal(v.verify(await token({ token_use: 'access', ver: '1.0' })))).toMatchObject({
      status: 401,
      reason: 'invalid_claim',
      claim: 'ver',
    });
  });
});

describe('validate', () => {
  it('refuses with 401 when it answers false, with its own words when it answers a string', async () => {
    const no = await refusal(verifier({ validate: () => false }).verify(await token()));
    expect(no).toMatchObject({ status: 401, code: 'invalid_token', reason: 'validation_failed' });
    const why = await refusal(
      verifier({ validate: () => 'This tenant is suspended.' }).verify(await token()),
    );
    expect(why).toMatchObject({ reason: 'validation_failed', description: 'This tenant is suspended.' });
  });
  it('may be asynchronous, sees the request, and may throw its own AuthError', async () => {
    const seen: (string | undefined)[] = [];
    const v = verifier({
      validate: async (t: AccessToken, request: AuthenticateRequest | undefined) => {
        seen.push(request?.url);
        if (t.claims.tenant !== 'acme') throw new AuthError('invalid_claim', { claim: 'tenant' });
      },
    });
    await expect(
      v.authenticate(web('https://api.example.com/x', `Bearer ${await token({ tenant: 'acme' })}`)),
    ).resolves.toBeDefined();
    expect(await refusal(v.verify(await token({ tenant: 'globex' })))).toMatchObject({ claim: 'tenant' });
    expect(seen).toEqual(['https://api.example.com/x', undefined]);
  });
  it('runs on cache hits too', async () => {
    let suspended = false;
    const v = verifier({ validate: () => !suspended });
    const t = await token();
    await v.verify(t);
    suspended = true;
    expect((await refusal(v.verify(t))).reason).toBe('validation_failed');
  });
  it('passes errors that are not AuthErrors on untouched (the app decides)', async () => {
    const boom = new Error('database down');
    await expect(
      verifier({
        validate: () => {
          throw boom;
        },
      }).verify(await token()),
    ).rejects.toBe(boom);
  });
});

describe('scope claims', () => {
  it('reads permissions (Auth0 RBAC) and roles (Entra app roles) when configured', async () => {
    const t = await token({ scope: 'openid', permissions: ['orders:read'], roles: ['Orders.Admin'] });
    const auth0 = await verifier({ scopeClaims: ['scope', 'permissions'] }).verify(t, {
      scopes: ['orders:read'],
    });
    expect([...auth0.scopes]).toEqual(['openid', 'orders:read']);
    const entra = await verifier({ scopeClaims: ['roles'] }).verify(t, { scopes: ['Orders.Admin'] });
    expect([...entra.scopes]).toEqual(['Orders.Admin']);
    expect((await refusal(verifier().verify(t, { scopes: ['orders:read'] }))).status).toBe(403);
  });
});

describe('ID tokens are never access tokens', () => {
  for (const claims of [{ token_use: 'id' }, { typ: 'ID' }, { at_hash: 'aGFzaA' }]) {
    for (const tokenType of ['default', 'strict'] as const) {
      it(`refuses ${JSON.stringify(claims)} (${tokenType})`, async () => {
        expect((await refusal(verifier({ tokenType }).verify(await token(claims)))).reason).toBe(
          'id_token_not_accepted',
        );
      });
    }
  }
});
