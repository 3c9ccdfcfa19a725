/**
 * Attacker review (issue 15, finding 5): discovery accepted an `http:` `jwks_uri` from an `https:` issuer, so anyone
 * on that network hop could inject keys and mint tokens the API would accept. Now an https issuer's keys come over
 * https only, and from the issuer's own origin unless `jwksOptions.allowedOrigins` says otherwise.
 *
 * The issuer's hosts are served by a `fetch` that answers like the network would, and records every URL asked for.
 */

import { type AuthError, ConfigurationError, createVerifier } from '@audguard/core';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

const ISSUER = 'https://as.example.com';
const AUDIENCE = 'https://api.example.com';
let token: string;
let jwks: { keys: unknown[] };

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] };
  token = await new SignJWT({ sub: 'u', scope: 'read' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
});

/** The network as the verifier sees it: metadata naming `jwksUri`, and the key set at every URL. */
function network(jwksUri: string) {
  const asked: string[] = [];
  const fetch = async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    if (url === `${ISSUER}/.well-known/oauth-authorization-server`) {
      return Response.json({ issuer: ISSUER, jwks_uri: jwksUri });
    }
    if (url === jwksUri) return Response.json(jwks);
    return new Response('not found', { status: 404 });
  };
  return { asked, fetch: fetch as typeof globalThis.fetch };
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return (error as AuthError).reason;
  }
}

describe('where an https issuer’s keys may come from', () => {
  it('refuses a discovered jwks_uri over plain http, and never fetches it', async () => {
    const net = network('http://as.example.com/jwks');
    const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksOptions: { fetch: net.fetch } });
    expect(await outcome(v.verify(token))).toBe('keys_unavailable');
    expect(net.asked).not.toContain('http://as.example.com/jwks');
  });

  it('refuses a discovered jwks_uri on another origin unless allowed', async () => {
    const foreign = network('https://keys.attacker.example/jwks');
    const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksOptions: { fetch: foreign.fetch } });
    expect(await outcome(v.verify(token))).toBe('keys_unavailable');
    expect(foreign.asked).not.toContain('https://keys.attacker.example/jwks');

    const allowed = network('https://keys.attacker.example/jwks');
    const trusting = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksOptions: { fetch: allowed.fetch, allowedOrigins: ['https://keys.attacker.example'] },
    });
    expect(await outcome(trusting.verify(token))).toBe('accepted');
  });

  it('(control: the issuer’s own https origin is fetched)', async () => {
    const net = network(`${ISSUER}/jwks`);
    const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksOptions: { fetch: net.fetch } });
    expect(await outcome(v.verify(token))).toBe('accepted');
  });

  it('refuses a configured http jwksUri for an https issuer at construction; loopback is fine', () => {
    const configure = (jwksUri: string) => () =>
      createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri });
    expect(configure('http://keys.example.com/jwks')).toThrow(ConfigurationError);
    expect(configure('http://keys.example.com/jwks')).toThrow(/must be https/);
    expect(configure('http://127.0.0.1:8080/jwks')).not.toThrow();
    expect(configure('https://keys.example.com/jwks')).not.toThrow();
  });

  it('refuses an allowedOrigins entry that is not an origin', () => {
    expect(() =>
      createVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwksOptions: { allowedOrigins: ['https://x.example/keys'] },
      }),
    ).toThrow(/not an origin/);
  });
});
