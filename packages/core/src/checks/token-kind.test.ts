import { describe, expect, it } from 'vitest';
import { outcome } from '../../test/outcome.js';
import { checkAccessTokenKind } from './token-kind.js';

describe('checkAccessTokenKind: ID tokens are never access tokens', () => {
  it('refuses what declares itself an ID token, with its own reason', () => {
    // AWS Cognito (token_use), Keycloak (payload typ), OpenID Connect Core §3.1.3.6 / §3.3.2.11 (at_hash, c_hash).
    for (const claims of [{ token_use: 'id' }, { typ: 'ID' }, { at_hash: 'x' }, { c_hash: 'y' }]) {
      expect(
        outcome(() => checkAccessTokenKind(claims)),
        JSON.stringify(claims),
      ).toBe('id_token_not_accepted');
    }
  });
  it('refuses Keycloak refresh and logout tokens and unknown token_use values', () => {
    for (const claims of [
      { typ: 'Refresh' },
      { typ: 'Offline' },
      { typ: 'Logout' },
      { token_use: 'refresh' },
    ]) {
      expect(
        outcome(() => checkAccessTokenKind(claims)),
        JSON.stringify(claims),
      ).toBe('type_not_allowed');
    }
  });
  it('accepts access tokens as providers write them', () => {
    for (const claims of [{}, { token_use: 'access' }, { typ: 'Bearer' }, { nonce: 'n' }]) {
      expect(
        outcome(() => checkAccessTokenKind(claims)),
        JSON.stringify(claims),
      ).toBe('accepted');
    }
  });
});
