/**
 * GET /authorize under abuse. An untrusted client or redirect URI gets the HTML error page and never a redirect
 * (lookalike, relative, scheme-changed and encoded URIs; repeated parameters); every other protocol error goes back
 * by redirect to the registered URI only, with state and iss and no code (response types, PKCE challenges, scopes,
 * resources). Nothing is stored.
 */
import { describe, expect, it } from 'vitest';
import {
  authorizeParams,
  authorizeRequest,
  CALLBACK,
  expectErrorPage,
  expectErrorRedirect,
  type FormInit,
  OTHER_CALLBACK,
  pkce,
  send,
  setup,
} from './as-helpers.js';

describe('GET /authorize: untrusted client or redirect URI never redirects', () => {
  const evil: string[] = [
    'https://evil.example.com/callback',
    `${CALLBACK}/`,
    `${CALLBACK}?next=https://evil.example.com`,
    `${CALLBACK}#fragment`,
    `${CALLBACK}/../evil`,
    'https://app.example.com/callback@evil.example.com',
    'https://app.example.com.evil.example.com/callback',
    'https://app.example.com:443/callback',
    'HTTPS://APP.EXAMPLE.COM/callback',
    'https://app.example.com/Callback',
    'https://app.example.com/%63allback',
    'http://app.example.com/callback',
    '//evil.example.com/callback',
    '/callback',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    ` ${CALLBACK}`,
    `${CALLBACK}\u0000`,
  ];

  it.each(evil)('redirect_uri=%j: 400 page, no Location, nothing stored', async (redirectUri) => {
    const { as, store } = await setup();
    const { challenge } = pkce();
    const reply = await send(as, authorizeRequest(authorizeParams(challenge, { redirect_uri: redirectUri })));
    expectErrorPage(reply);
    expect(reply.text).not.toContain('<script>');
    expect(store.size).toBe(0);
  });

  it.each<[string, FormInit]>([
    ['no client_id', { client_id: '' }],
    ['an unknown client_id', { client_id: 'mallory' }],
    ['a repeated client_id', { client_id: ['client', 'client'] }],
    ['a repeated redirect_uri (good then evil)', { redirect_uri: [CALLBACK, 'https://evil.example.com/cb'] }],
    ['a repeated redirect_uri (twice the same)', { redirect_uri: [CALLBACK, CALLBACK] }],
    ['no redirect_uri for a client with two', { client_id: 'spa', redirect_uri: '' }],
    ['a client with no redirect URI at all', { client_id: 'worker', redirect_uri: '' }],
    [
      'an evil redirect_uri and also an unsupported response_type',
      { redirect_uri: 'https://evil/', response_type: 'token' },
    ],
  ])('%s: 400 page, no Location, nothing stored', async (_name, params) => {
    const { as, store } = await setup();
    const { challenge } = pkce();
    expectErrorPage(await send(as, authorizeRequest(authorizeParams(challenge, params))));
    expect(store.size).toBe(0);
  });
});

describe('GET /authorize: protocol errors go back by redirect, to the registered URI only', () => {
  it.each<[string, (challenge: string) => FormInit, string]>([
    ['no response_type', () => ({ response_type: '' }), 'invalid_request'],
    ['response_type=token', () => ({ response_type: 'token' }), 'unsupported_response_type'],
    ['response_type=id_token', () => ({ response_type: 'id_token' }), 'unsupported_response_type'],
    [
      'response_type="code id_token"',
      () => ({ response_type: 'code id_token' }),
      'unsupported_response_type',
    ],
    ['response_type=CODE', () => ({ response_type: 'CODE' }), 'unsupported_response_type'],
    ['no code_challenge', () => ({ code_challenge: '' }), 'invalid_request'],
    [
      'code_challenge_method=plain',
      (c) => ({ code_challenge: c, code_challenge_method: 'plain' }),
      'invalid_request',
    ],
    [
      'a plain-style challenge',
      () => ({ code_challenge: pkce().verifier, code_challenge_method: 'plain' }),
      'invalid_request',
    ],
    ['no code_challenge_method (means plain)', () => ({ code_challenge_method: '' }), 'invalid_request'],
    ['code_challenge_method=s256', () => ({ code_challenge_method: 's256' }), 'invalid_request'],
    ['a challenge too short', (c) => ({ code_challenge: c.slice(1) }), 'invalid_request'],
    ['a challenge too long', (c) => ({ code_challenge: `${c}A` }), 'invalid_request'],
    ['a challenge with padding', (c) => ({ code_challenge: `${c.slice(1)}=` }), 'invalid_request'],
    ['a repeated code_challenge', (c) => ({ code_challenge: [c, c] }), 'invalid_request'],
    ['a repeated response_type', () => ({ response_type: ['code', 'code'] }), 'invalid_request'],
    ['a repeated scope', () => ({ scope: ['read', 'read'] }), 'invalid_request'],
    ['an unknown scope', () => ({ scope: 'admin' }), 'invalid_scope'],
    ['a malformed scope', () => ({ scope: 'read\\x' }), 'invalid_scope'],
    ['only offline_access', () => ({ scope: 'offline_access' }), 'invalid_scope'],
    ['an unknown resource', () => ({ resource: 'urn:shipping' }), 'invalid_target'],
    ['a relative resource', () => ({ resource: '/invoices' }), 'invalid_target'],
    ['a resource with a fragment', () => ({ resource: 'urn:invoices#x' }), 'invalid_target'],
    [
      'a resource that owns none of the scopes',
      () => ({ resource: 'https://orders.example.com' }),
      'invalid_scope',
    ],
  ])('%s → %s, with state and iss, no code, nothing stored', async (_name, params, error) => {
    const { as, store } = await setup();
    const { challenge } = pkce();
    const reply = await send(as, authorizeRequest(authorizeParams(challenge, params(challenge))));
    const query = expectErrorRedirect(reply, error);
    expect(query.get('state')).toBe('st4te');
    expect(store.size).toBe(0);
  });

  it('a repeated state is dropped, not echoed', async () => {
    const { as } = await setup();
    const { challenge } = pkce();
    const reply = await send(as, authorizeRequest(authorizeParams(challenge, { state: ['a', 'b'] })));
    expect(expectErrorRedirect(reply, 'invalid_request').get('state')).toBeNull();
  });

  it('errors for a client with several redirect URIs go to the one it named', async () => {
    const { as } = await setup();
    const { challenge } = pkce();
    const params = authorizeParams(challenge, {
      client_id: 'spa',
      redirect_uri: OTHER_CALLBACK,
      response_type: 'x',
    });
    expectErrorRedirect(
      await send(as, authorizeRequest(params)),
      'unsupported_response_type',
      OTHER_CALLBACK,
    );
  });
});
