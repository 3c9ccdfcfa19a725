import { decodeProtectedHeader, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { create, get, ISSUER, seedConfig, token, verify } from '../../test/helpers.js';
import type { SigningAlgorithm } from '../config.js';
import { type AuthorizationServer, createAuthorizationServer } from '../server.js';

const jwks = async (as: AuthorizationServer) => (await get(as, `${ISSUER}/jwks`)).body.keys as JWK[];

const credentials: [string, string] = ['client', 'secret'];
const ccToken = async (as: AuthorizationServer) =>
  (
    await token(
      as,
      { grant_type: 'client_credentials', scope: 'read', resource: 'urn:invoices' },
      credentials,
    )
  ).body.access_token;

describe('GET /jwks', () => {
  it('publishes public keys only, each with kid, alg and use "sig"', async () => {
    const as = await create({ signingAlgorithm: 'RS256' });
    expect((await get(as, `${ISSUER}/jwks`)).status).toBe(200);
    const keys = await jwks(as);
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(secret);
  });

  it.each<[string, string, SigningAlgorithm | undefined]>([
    ['the default algorithm', 'RS256', undefined],
    ['PS256', 'PS256', 'PS256'],
    ['ES256', 'ES256', 'ES256'],
    ['EdDSA', 'EdDSA', 'EdDSA'],
  ])(
    'signs with %s (alg %s) and the token verifies against the JWKS',
    async (_name, alg, signingAlgorithm) => {
      const { signingAlgorithm: _seeded, ...config } = seedConfig();
      const as = await createAuthorizationServer(
        signingAlgorithm === undefined ? config : { ...config, signingAlgorithm },
      );
      const { header } = await verify(as, await ccToken(as));
      expect(header.alg).toBe(alg);
      expect(header.typ).toBe('at+jwt');
    },
  );
});

describe('rotateKeys()', () => {
  it('signs with the new key at once, keeps the old public key until its tokens expire, then drops it', async () => {
    let now = Date.now();
    const as = await create({ now: () => now, accessTokenLifetime: 60 });
    const before = await ccToken(as);
    const oldKid = decodeProtectedHeader(before).kid;

    await as.rotateKeys();
    const after = await ccToken(as);
    const newKid = decodeProtectedHeader(after).kid;
    expect(newKid).not.toBe(oldKid);

    const kids = async () => (await jwks(as)).map((key) => key.kid);
    expect(await kids()).toEqual([oldKid, newKid]);
    await verify(as, before, new Date(now)); // still verifiable by a resource server

    now += 59_000;
    expect(await kids()).toEqual([oldKid, newKid]);
    now += 1_000; // the old key's last token has expired
    expect(await kids()).toEqual([newKid]);
    await verify(as, after, new Date(now - 1_000));
  });
});
