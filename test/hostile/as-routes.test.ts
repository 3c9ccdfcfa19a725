/**
 * The server's routes under abuse: wrong methods (405 with Allow), unknown and lookalike paths (404), and the two
 * published documents (metadata and JWKS) whatever the query: public key members only, an exact issuer, no 5xx.
 */
import { describe, expect, it } from 'vitest';
import { expectOAuthError, ISSUER, send, setup } from './as-helpers.js';

// ---- Methods and paths ----------------------------------------------------------------------------------------

describe('methods and unknown paths', () => {
  it.each([
    ['GET', '/token', 'POST'],
    ['PUT', '/token', 'POST'],
    ['DELETE', '/revoke', 'POST'],
    ['GET', '/revoke', 'POST'],
    ['GET', '/authorize/consent', 'POST'],
    ['POST', '/authorize', 'GET'],
    ['PATCH', '/authorize', 'GET'],
  ])('%s %s → 405 JSON with Allow: %s', async (method, path, allow) => {
    const { as, store } = await setup();
    const reply = await send(as, new Request(`${ISSUER}${path}`, { method }));
    expectOAuthError(reply, 405, 'invalid_request');
    expect(reply.headers.get('allow')).toBe(allow);
    expect(store.size).toBe(0);
  });

  it.each([
    '/token/',
    '/TOKEN',
    '/jwks/x',
    '/token%2F',
    '/x/../../token/x',
    '/.well-known/openid-configuration',
    '/authorize%00',
  ])('unknown path %s → 404 JSON', async (path) => {
    const { as } = await setup();
    expectOAuthError(
      await send(as, new Request(`${ISSUER}${path}`, { method: 'POST' })),
      404,
      'invalid_request',
    );
  });
});

// ---- Metadata and keys ---------------------------------------------------------------------------------------

describe('metadata and JWKS under abuse', () => {
  const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

  it.each(['RS256', 'PS256', 'ES256', 'EdDSA'] as const)(
    '%s: the JWKS publishes public members only, before and after a rotation, whatever the query',
    async (signingAlgorithm) => {
      const { as } = await setup({ signingAlgorithm });
      for (const round of [0, 1]) {
        if (round === 1) await as.rotateKeys();
        const reply = await send(as, new Request(`${ISSUER}/jwks?kid=../../x&%=%&format=pem`));
        expect(reply.status).toBe(200);
        const keys = (reply.json?.keys ?? []) as Record<string, unknown>[];
        expect(keys.length).toBe(round + 1);
        for (const jwk of keys) {
          for (const member of PRIVATE) expect(jwk, member).not.toHaveProperty(member);
          expect(jwk).toMatchObject({ kid: expect.any(String), alg: signingAlgorithm, use: 'sig' });
        }
      }
    },
  );

  it('the metadata document ignores garbage queries and its issuer is exact', async () => {
    const { as } = await setup();
    const reply = await send(
      as,
      new Request(`${ISSUER}/.well-known/oauth-authorization-server?issuer=https://evil.example.com&%`),
    );
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ issuer: ISSUER, code_challenge_methods_supported: ['S256'] });
  });

  it.each([
    ['POST', '/jwks'],
    ['DELETE', '/jwks'],
    ['POST', '/.well-known/oauth-authorization-server'],
  ])('%s %s is refused without a 5xx', async (method, path) => {
    const { as } = await setup();
    const reply = await send(as, new Request(`${ISSUER}${path}`, { method }));
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.json?.error).toBe('invalid_request');
  });
});
