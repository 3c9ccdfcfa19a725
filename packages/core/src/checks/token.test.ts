import { describe, expect, it } from 'vitest';
import { freezeToken, isVerifiedToken } from './token.js';

describe('freezeToken', () => {
  const claims = { iss: 'i', sub: 's', azp: 'app', aud: 'a', exp: 2, iat: 1, scope: 'x y' };
  const token = freezeToken('t', { alg: 'RS256' }, claims, 'i', ['a'], ['scope'], new Map());

  it('maps the claims, with azp as the client when client_id is absent', () => {
    expect(token).toMatchObject({ token: 't', issuer: 'i', subject: 's', clientId: 'app', audience: ['a'] });
    expect(token.expiresAt.getTime()).toBe(2000);
    expect(token.issuedAt?.getTime()).toBe(1000);
    expect([...token.scopes]).toEqual(['x', 'y']);
  });
  it('reads the client from client_id, azp, cid (Okta) or appid (Entra v1), in that order', () => {
    const client = (extra: Record<string, string>) =>
      freezeToken('t', { alg: 'RS256' }, { exp: 2, ...extra }, 'i', undefined, [], new Map()).clientId;
    expect(client({ client_id: 'a', azp: 'b' })).toBe('a');
    expect(client({ cid: 'okta-app' })).toBe('okta-app');
    expect(client({ appid: 'entra-app' })).toBe('entra-app');
    expect(client({})).toBeUndefined();
  });
  it('is frozen all the way down, scopes included', () => {
    expect(Object.isFrozen(token) && Object.isFrozen(token.claims) && Object.isFrozen(token.audience)).toBe(
      true,
    );
    expect(() => (token.scopes as Set<string>).add('admin')).toThrow(TypeError);
    expect(() => (token.scopes as Set<string>).delete('x')).toThrow(TypeError);
  });
  it('knows its own tokens from look-alikes', () => {
    expect(isVerifiedToken(token)).toBe(true);
    expect(isVerifiedToken({ ...token })).toBe(false);
  });
});
