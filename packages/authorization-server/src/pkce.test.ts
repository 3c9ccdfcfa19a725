import { describe, expect, it } from 'vitest';
import { pkce } from '../test/helpers.js';
import { OAuthError } from './errors.js';
import { checkCodeChallenge, verifyCodeVerifier } from './pkce.js';

const code = (promise: Promise<unknown> | (() => unknown)) =>
  (typeof promise === 'function' ? Promise.resolve().then(promise) : promise).then(
    () => 'ok',
    (error: unknown) => (error instanceof OAuthError ? error.code : 'other'),
  );

describe('checkCodeChallenge', () => {
  const { challenge } = pkce();
  it('accepts an S256 challenge of 43 base64url characters', () => {
    expect(checkCodeChallenge(challenge, 'S256')).toBe(challenge);
  });
  it.each([
    ['no challenge', undefined, 'S256'],
    ['plain', challenge, 'plain'],
    ['no method (RFC 7636 reads it as plain)', challenge, undefined],
    ['a short challenge', challenge.slice(1), 'S256'],
    ['a non-base64url challenge', `${challenge.slice(1)}=`, 'S256'],
  ])('refuses %s with invalid_request', async (_case, value, method) => {
    expect(await code(() => checkCodeChallenge(value, method))).toBe('invalid_request');
  });
});

describe('verifyCodeVerifier', () => {
  const { verifier, challenge } = pkce();
  it('accepts the matching verifier', async () => {
    expect(await code(verifyCodeVerifier(challenge, verifier))).toBe('ok');
  });
  it('refuses a missing verifier', async () => {
    expect(await code(verifyCodeVerifier(challenge, undefined))).toBe('invalid_grant');
  });
  it('refuses a wrong verifier', async () => {
    expect(await code(verifyCodeVerifier(challenge, pkce().verifier))).toBe('invalid_grant');
  });
  it('refuses the challenge itself sent as verifier (plain)', async () => {
    expect(await code(verifyCodeVerifier(challenge, challenge))).toBe('invalid_grant');
  });
  it('refuses a verifier sent for a code issued without a challenge (RFC 9700 §2.1.1)', async () => {
    expect(await code(verifyCodeVerifier(undefined, verifier))).toBe('invalid_grant');
  });
  it('accepts no verifier for a code without a challenge', async () => {
    expect(await code(verifyCodeVerifier(undefined, undefined))).toBe('ok');
  });
});
