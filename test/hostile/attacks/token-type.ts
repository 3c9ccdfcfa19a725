/**
 * The token type (RFC 9068 §2.1, RFC 8725 §3.11): `typ` values of other JWT kinds are refused everywhere; a DPoP
 * proof and an ID token are not access tokens; the `/strict` route also requires `at+jwt` and the RFC 9068 claims.
 */
import { AUDIENCE, mint, sign } from './forge.js';
import { type Attack, t, valid } from './row.js';

export const tokenTypeAttacks: Attack[] = [
  // Controls: what a legitimate client sends is accepted everywhere.
  { name: 'control: strict policy, a full RFC 9068 token', route: '/strict', token: valid, expect: 'ok' },
  {
    name: 'control: strict policy, typ application/at+jwt in capitals',
    route: '/strict',
    token: (k) => mint(k.ec, { header: { typ: 'Application/AT+JWT' } }),
    expect: 'ok',
  },
  {
    name: 'control: typ JWT (default policy)',
    token: (k) => mint(k.ec, { header: { typ: 'JWT' } }),
    expect: 'ok',
  },
  {
    name: 'control: no typ (default policy)',
    token: (k) => mint(k.ec, { header: { typ: undefined } }),
    expect: 'ok',
  },

  // Token type.
  ...[
    'dpop+jwt',
    'application/dpop+jwt',
    'id_token+jwt',
    'logout+jwt',
    'secevent+jwt',
    'JOSE',
    'at+jwt ',
    'at+jwt;x',
  ].map(
    (typ): Attack => ({
      name: `typ "${typ}"`,
      token: (k) => mint(k.ec, { header: { typ } }),
      expect: 'invalid_token',
    }),
  ),
  { name: 'typ as a number', token: (k) => mint(k.ec, { header: { typ: 1 } }), expect: 'invalid_token' },
  {
    name: 'typ as an array',
    token: (k) => mint(k.ec, { header: { typ: ['at+jwt'] } }),
    expect: 'invalid_token',
  },
  {
    name: 'a DPoP proof (typ dpop+jwt, htm, htu, embedded jwk)',
    token: (k) =>
      sign(
        k.attacker,
        { alg: 'ES256', typ: 'dpop+jwt', jwk: k.attacker.jwk },
        { htm: 'GET', htu: `${AUDIENCE}/api`, iat: t(), jti: 'x' },
      ),
    expect: 'invalid_token',
  },
  {
    name: 'an ID token for a client (typ JWT, nonce, at_hash, aud = client id)',
    token: (k) =>
      mint(k.ec, {
        header: { typ: 'JWT' },
        claims: { aud: 'web-app', nonce: 'n', at_hash: 'h', scope: undefined, client_id: undefined },
      }),
    expect: 'invalid_token',
  },
  {
    name: 'strict policy: typ JWT',
    route: '/strict',
    token: (k) => mint(k.ec, { header: { typ: 'JWT' } }),
    expect: 'invalid_token',
  },
  {
    name: 'strict policy: no typ',
    route: '/strict',
    token: (k) => mint(k.ec, { header: { typ: undefined } }),
    expect: 'invalid_token',
  },
  {
    name: 'strict policy: an ID-token shape with our aud (typ JWT, nonce, at_hash, no scope)',
    route: '/strict',
    token: (k) =>
      mint(k.ec, {
        header: { typ: 'JWT' },
        claims: { nonce: 'n', at_hash: 'h', scope: undefined, client_id: undefined },
      }),
    expect: 'invalid_token',
  },
  ...(['jti', 'client_id', 'iat', 'sub'] as const).map(
    (claim): Attack => ({
      name: `strict policy: at+jwt without ${claim}`,
      route: '/strict',
      token: (k) => mint(k.ec, { claims: { [claim]: undefined } }),
      expect: 'invalid_token',
    }),
  ),
];
