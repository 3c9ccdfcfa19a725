/**
 * Which key verifies: each issuer's own keys, chosen by `kid` (or by `alg` when there is none). Another issuer's key,
 * the attacker's key under our `kid`, and made-up kids are refused.
 */
import { claims, header, mint, OTHER_ISSUER, sign } from './forge.js';
import { type Attack, valid } from './row.js';

export const keyAttacks: Attack[] = [
  // Controls: what a legitimate client sends is accepted everywhere.
  { name: 'control: a valid ES256 token', token: valid, expect: 'ok' },
  { name: 'control: a valid RS256 token', token: (k) => mint(k.rsa), expect: 'ok' },
  {
    name: 'control: a valid token of the other trusted issuer',
    token: (k) => mint(k.other, { claims: { iss: OTHER_ISSUER } }),
    expect: 'ok',
  },
  {
    name: 'control: no kid (the issuer keys that fit the alg are tried)',
    token: (k) => mint(k.ec, { header: { kid: undefined } }),
    expect: 'ok',
  },

  // Keys: another issuer's, the attacker's, and odd kids.
  {
    name: 'our iss, the kid and key of the other issuer',
    token: (k) => sign(k.other, header(k.other), claims()),
    expect: 'invalid_token',
  },
  {
    name: 'the other iss, the kid and key of ours',
    token: (k) => mint(k.ec, { claims: { iss: OTHER_ISSUER } }),
    expect: 'invalid_token',
  },
  {
    name: "the attacker's key under our kid",
    token: (k) => sign(k.attacker, header(k.ec), claims()),
    expect: 'invalid_token',
  },
  {
    name: "the attacker's key, no kid",
    token: (k) => sign(k.attacker, header(k.ec, { kid: undefined }), claims()),
    expect: 'invalid_token',
  },
  {
    name: 'a path-traversal kid',
    token: (k) => sign(k.attacker, header(k.attacker, { kid: '../../../../dev/null' }), claims()),
    expect: 'invalid_token',
  },
  {
    name: 'a numeric kid',
    token: (k) => sign(k.ec, header(k.ec, { kid: 1 }), claims()),
    expect: 'invalid_token',
  },
];
