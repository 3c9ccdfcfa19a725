import { describe, expect, it } from 'vitest';
import { checkScopes, grantedScopes } from './scopes.js';

describe('scopes', () => {
  it('reads scope (space-delimited) and scp (string or array), dropping empty entries', () => {
    const claims = ['scope', 'scp'];
    expect([...grantedScopes({ scope: 'a  b', scp: ['c', ''] }, claims)]).toEqual(['a', 'b', 'c']);
    expect([...grantedScopes({ scp: 'd e' }, claims)]).toEqual(['d', 'e']);
    expect([...grantedScopes({}, claims)]).toEqual([]);
  });
  it('reads a scope array (Duende) and the configured claims only (Auth0 permissions, Entra roles)', () => {
    expect([...grantedScopes({ scope: ['a', 'b'] }, ['scope'])]).toEqual(['a', 'b']);
    const claims = { scope: 'openid', permissions: ['orders:read'], roles: ['Orders.Admin'] };
    expect([...grantedScopes(claims, ['scope', 'permissions'])]).toEqual(['openid', 'orders:read']);
    expect([...grantedScopes(claims, ['roles'])]).toEqual(['Orders.Admin']);
  });
  it('reads a dotted name as a nested member (Keycloak realm_access.roles), a top-level claim of that name first', () => {
    const keycloak = { realm_access: { roles: ['orders-admin', 'offline_access'] } };
    expect([...grantedScopes(keycloak, ['realm_access.roles'])]).toEqual(['orders-admin', 'offline_access']);
    const auth0 = { 'https://example.com/roles': ['editor'], https: { 'example.com/roles': ['no'] } };
    expect([...grantedScopes(auth0, ['https://example.com/roles'])]).toEqual(['editor']);
    expect([...grantedScopes({ realm_access: 'x' }, ['realm_access.roles'])]).toEqual([]);
  });
  it("'all' needs every scope, 'any' one; a refusal is 403 naming what is needed", () => {
    const granted = new Set(['a', 'b']);
    expect(() => checkScopes(granted, ['a', 'b'])).not.toThrow();
    expect(() => checkScopes(granted, ['c', 'b'], 'any')).not.toThrow();
    expect(() => checkScopes(granted, [])).not.toThrow();
    for (const match of ['all', 'any'] as const) {
      try {
        checkScopes(granted, ['c', 'd'], match);
        throw new Error('expected a refusal');
      } catch (error) {
        expect(error).toMatchObject({ status: 403, reason: 'insufficient_scope', scopes: ['c', 'd'] });
      }
    }
  });
});
