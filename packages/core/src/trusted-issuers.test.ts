/**
 * Issuers decided at request time (multi-tenant identity providers): the resolver, its caches, key sets shared by
 * URL and keys scoped to one tenant — against a real JWKS server on loopback whose requests are counted.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type JwksServer, json, type SigningKey, signingKey, startJwksServer } from '../test/jwks-server.js';
import { refusal } from '../test/refusal.js';
import { b64json } from '../test/tokens.js';
import { ConfigurationError, createVerifier, type IssuerResolver } from './index.js';

const AUDIENCE = 'api://orders';
const tenantIssuer = (tid: string) => `https://login.microsoftonline.com/${tid}/v2.0`;
const TENANT_A = '11111111-1111-4111-8111-111111111111';
const TENANT_B = '22222222-2222-4222-8222-222222222222';

let key: SigningKey;
let other: SigningKey;
let server: JwksServer;

beforeAll(async () => {
  [key, other] = await Promise.all([signingKey('RS256', 'shared'), signingKey('RS256', 'tenant-b-only')]);
});
beforeEach(async () => {
  server = await startJwksServer();
});
afterEach(async () => {
  await server.close();
});

/** A token shaped like an Entra ID v2 access token for tenant `tid` (iss per tenant, `tid` claim). */
async function entraToken(
  signer: SigningKey,
  tid: string,
  claims: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: tenantIssuer(tid),
    aud: AUDIENCE,
    tid,
    sub: 's',
    azp: 'app',
    iat: now,
    exp: now + 600,
    ...claims,
  };
  const input = `${b64json({ alg: 'RS256', kid: signer.kid, typ: 'JWT' })}.${b64json(payload)}`;
  const signature = await crypto.subtle.sign(
    'RSASSA-PKCS1-v1_5',
    signer.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

/** A resolver trusting `tenants`, all publishing at the server's common key set; it counts its calls. */
function tenantResolver(tenants: readonly string[]) {
  const calls: string[] = [];
  const resolve: IssuerResolver = (iss) => {
    calls.push(iss);
    const tid = /^https:\/\/login\.microsoftonline\.com\/([0-9a-f-]{36})\/v2\.0$/.exec(iss)?.[1];
    return tid !== undefined && tenants.includes(tid) ? { jwksUri: server.url('/common/keys') } : undefined;
  };
  return { resolve, calls };
}

describe('issuer resolver', () => {
  it('trusts what the resolver vouches for, with one key-set fetch for every tenant on the same jwksUri', async () => {
    server.route('/common/keys', json({ keys: [key.jwk] }));
    const tenants = Array.from(
      { length: 10 },
      (_, i) => `${String(i).repeat(8)}-1111-4111-8111-111111111111`,
    );
    const { resolve, calls } = tenantResolver(tenants);
    const v = createVerifier({ issuer: resolve, audience: AUDIENCE });
    const tokens = await Promise.all(tenants.map((tid) => entraToken(key, tid)));
    const results = await Promise.all(tokens.map((t) => v.verify(t)));
    expect(results.map((t) => t.issuer)).toEqual(tenants.map(tenantIssuer));
    expect(server.hits('/common/keys')).toBe(1);
    // Answers are cached: a second round calls the resolver no more.
    await Promise.all(tenants.map(async (tid) => v.verify(await entraToken(key, tid))));
    expect(calls).toHaveLength(10);
  });

  it('refuses an issuer the resolver does not vouch for, with no fetch, and remembers the refusal', async () => {
    server.route('/common/keys', json({ keys: [key.jwk] }));
    const { resolve, calls } = tenantResolver([TENANT_A]);
    const v = createVerifier({ issuer: resolve, audience: AUDIENCE });
    for (let i = 0; i < 3; i++) {
      expect(await refusal(v.verify(await entraToken(key, TENANT_B)))).toMatchObject({
        status: 401,
        reason: 'unknown_issuer',
      });
    }
    expect(calls).toEqual([tenantIssuer(TENANT_B)]);
    expect(server.totalHits()).toBe(0);
  });

  it('costs nothing for a flood of 1,000 distinct unknown issuers: no fetch, and bounded memory', async () => {
    server.route('/common/keys', json({ keys: [key.jwk] }));
    const { resolve, calls } = tenantResolver([]);
    const v = createVerifier({ issuer: resolve, audience: AUDIENCE, issuerCache: { max: 100 } });
    const issuers = Array.from({ length: 1000 }, (_, i) => `https://attacker.example/${i}`);
    const forged = (iss: string) => `${b64json({ alg: 'RS256' })}.${b64json({ iss, aud: AUDIENCE })}.c2ln`;
    for (const iss of issuers) expect((await refusal(v.verify(forged(iss)))).reason).toBe('unknown_issuer');
    expect(calls).toHaveLength(1000);
    expect(server.totalHits()).toBe(0);
    // The negative cache holds the last 100 refusals, not all 1,000: the newest are remembered...
    for (const iss of issuers.slice(-100)) await refusal(v.verify(forged(iss)));
    expect(calls).toHaveLength(1000);
    // ...and the oldest were evicted (memory stays bounded), so they are asked about again.
    for (const iss of issuers.slice(0, 10)) await refusal(v.verify(forged(iss)));
    expect(calls).toHaveLength(1010);
  });

  it('forgets answers after their time to live, refusals sooner', async () => {
    server.route('/common/keys', json({ keys: [key.jwk] }));
    let now = Date.now();
    const { resolve, calls } = tenantResolver([TENANT_A]);
    const v = createVerifier({
      issuer: resolve,
      audience: AUDIENCE,
      clock: () => now,
      issuerCache: { ttlMs: 10_000, negativeTtlMs: 1_000 },
      cache: false,
    });
    const trusted = await entraToken(key, TENANT_A);
    const refused = await entraToken(key, TENANT_B);
    await v.verify(trusted);
    await refusal(v.verify(refused));
    now += 1_001;
    await v.verify(trusted);
    await refusal(v.verify(refused));
    expect(calls).toEqual([tenantIssuer(TENANT_A), tenantIssuer(TENANT_B), tenantIssuer(TENANT_B)]);
    now += 9_000;
    await v.verify(trusted);
    expect(calls.filter((iss) => iss === tenantIssuer(TENANT_A))).toHaveLength(2);
  });

  it('asks the resolver once for concurrent tokens of one new issuer', async () => {
    server.route('/common/keys', json({ keys: [key.jwk] }));
    const { resolve, calls } = tenantResolver([TENANT_A]);
    const slow: IssuerResolver = async (iss) => {
      await new Promise((r) => setTimeout(r, 20));
      return resolve(iss);
    };
    const v = createVerifier({ issuer: slow, audience: AUDIENCE });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => entraToken(key, TENANT_A)));
    await Promise.all(tokens.map((t) => v.verify(t)));
    expect(calls).toHaveLength(1);
  });

  it('answers 503 when the resolver fails (the token may be fine), and asks again next time', async () => {
    server.route('/common/keys', json({ keys: [key.jwk] }));
    let down = true;
    const v = createVerifier({
      issuer: async () => {
        if (down) throw new Error('tenant database unreachable');
        return { jwksUri: server.url('/common/keys') };
      },
      audience: AUDIENCE,
    });
    const token = await entraToken(key, TENANT_A);
    const error = await refusal(v.verify(token));
    expect(error).toMatchObject({ status: 503, reason: 'issuer_lookup_failed', retryAfter: 1 });
    expect(error.description).not.toMatch(/database/);
    down = false;
    await expect(v.verify(token)).resolves.toMatchObject({ issuer: tenantIssuer(TENANT_A) });
  });

  it('refuses to trust an answer about another issuer (a resolver bug), loudly', async () => {
    const v = createVerifier({
      issuer: () => ({ issuer: tenantIssuer(TENANT_B), jwks: { keys: [key.jwk] } }),
      audience: AUDIENCE,
    });
    await expect(v.verify(await entraToken(key, TENANT_A))).rejects.toThrow(ConfigurationError);
  });

  it('checks the options a resolver returns like configured ones', async () => {
    const v = createVerifier({
      issuer: () => ({ jwks_uri: 'https://x.example' }) as never,
      audience: AUDIENCE,
    });
    await expect(v.verify(await entraToken(key, TENANT_A))).rejects.toThrow(/did you mean "jwksUri"/);
  });

  it('uses the audience a resolver returns for that issuer', async () => {
    const v = createVerifier({
      issuer: () => ({ jwks: { keys: [key.jwk] }, audience: 'api://tenant-specific' }),
      audience: AUDIENCE,
    });
    expect((await refusal(v.verify(await entraToken(key, TENANT_A)))).reason).toBe('audience_mismatch');
    await expect(
      v.verify(await entraToken(key, TENANT_A, { aud: 'api://tenant-specific' })),
    ).resolves.toBeDefined();
  });
});

describe("keys scoped to one issuer (the JWK's issuer member, as Microsoft publishes it)", () => {
  const setup = () => {
    server.route(
      '/common/keys',
      json({
        keys: [
          { ...key.jwk, issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' },
          { ...other.jwk, issuer: tenantIssuer(TENANT_B) },
        ],
      }),
    );
    return createVerifier({ issuer: tenantResolver([TENANT_A, TENANT_B]).resolve, audience: AUDIENCE });
  };

  it('a {tenantid} key verifies every tenant whose iss it names, tid substituted', async () => {
    const v = setup();
    await expect(v.verify(await entraToken(key, TENANT_A))).resolves.toBeDefined();
    await expect(v.verify(await entraToken(key, TENANT_B))).resolves.toBeDefined();
  });

  it('substitutes the template whatever its case, as Microsoft does', async () => {
    server.route(
      '/common/keys',
      json({ keys: [{ ...key.jwk, issuer: 'https://login.microsoftonline.com/{TenantId}/v2.0' }] }),
    );
    const v = createVerifier({ issuer: tenantResolver([TENANT_A]).resolve, audience: AUDIENCE });
    await expect(v.verify(await entraToken(key, TENANT_A))).resolves.toBeDefined();
  });

  it("a key scoped to tenant B never verifies tenant A's tokens", async () => {
    const v = setup();
    await expect(v.verify(await entraToken(other, TENANT_B))).resolves.toBeDefined();
    expect(await refusal(v.verify(await entraToken(other, TENANT_A)))).toMatchObject({
      reason: 'unknown_key',
    });
  });

  it('a {tenantid} key does not verify a token whose tid names another tenant than its iss', async () => {
    const v = setup();
    expect(await refusal(v.verify(await entraToken(key, TENANT_A, { tid: TENANT_B })))).toMatchObject({
      reason: 'unknown_key',
    });
  });
});
