/**
 * Claims other than the audience: time (`exp`, `nbf`, `iat`, with the 5 s tolerance), the issuer (exact match), and
 * the types of `sub`, `scope` and `client_id`.
 */
import { ISSUER, mint } from './forge.js';
import { type Attack, t } from './row.js';

export const claimAttacks: Attack[] = [
  // Controls: what a legitimate client sends is accepted everywhere.
  {
    name: 'control: expired 2 s ago (within the 5 s tolerance)',
    token: (k) => mint(k.ec, { claims: { exp: t() - 2 } }),
    expect: 'ok',
  },
  {
    name: 'control: nbf 2 s ahead (within tolerance)',
    token: (k) => mint(k.ec, { claims: { nbf: t() + 2 } }),
    expect: 'ok',
  },

  // Time.
  {
    name: 'expired an hour ago',
    token: (k) => mint(k.ec, { claims: { iat: t() - 7200, exp: t() - 3600 } }),
    expect: 'invalid_token',
  },
  {
    name: 'expired 10 s ago (beyond tolerance)',
    token: (k) => mint(k.ec, { claims: { exp: t() - 10 } }),
    expect: 'invalid_token',
  },
  {
    name: 'not valid for another minute (nbf)',
    token: (k) => mint(k.ec, { claims: { nbf: t() + 60 } }),
    expect: 'invalid_token',
  },
  {
    name: 'issued a minute in the future (iat)',
    token: (k) => mint(k.ec, { claims: { iat: t() + 60 } }),
    expect: 'invalid_token',
  },
  { name: 'no exp', token: (k) => mint(k.ec, { claims: { exp: undefined } }), expect: 'invalid_token' },
  {
    name: 'exp as a string',
    token: (k) => mint(k.ec, { claims: { exp: String(t() + 600) } }),
    expect: 'invalid_token',
  },
  { name: 'exp null', token: (k) => mint(k.ec, { claims: { exp: null } }), expect: 'invalid_token' },
  {
    name: 'nbf as a string far in the future',
    token: (k) => mint(k.ec, { claims: { nbf: '9999999999' } }),
    expect: 'invalid_token',
  },

  // Issuer.
  {
    name: 'a wrong iss',
    token: (k) => mint(k.ec, { claims: { iss: 'https://evil.example.com' } }),
    expect: 'invalid_token',
  },
  {
    name: 'iss with a trailing slash',
    token: (k) => mint(k.ec, { claims: { iss: `${ISSUER}/` } }),
    expect: 'invalid_token',
  },
  {
    name: 'iss in another case',
    token: (k) => mint(k.ec, { claims: { iss: 'https://AS.example.com' } }),
    expect: 'invalid_token',
  },
  { name: 'no iss', token: (k) => mint(k.ec, { claims: { iss: undefined } }), expect: 'invalid_token' },
  {
    name: 'iss as an array',
    token: (k) => mint(k.ec, { claims: { iss: [ISSUER] } }),
    expect: 'invalid_token',
  },

  // Claim types.
  { name: 'sub as a number', token: (k) => mint(k.ec, { claims: { sub: 42 } }), expect: 'invalid_token' },
  {
    // Duende IdentityServer writes scope as a JSON array by default (issue 13).
    name: 'control: scope as an array of strings',
    token: (k) => mint(k.ec, { claims: { scope: ['orders:read'] } }),
    expect: 'ok',
  },
  {
    name: 'scope as an array with a non-string member',
    token: (k) => mint(k.ec, { claims: { scope: ['orders:read', 7] } }),
    expect: 'invalid_token',
  },
  {
    name: 'scope as a number',
    token: (k) => mint(k.ec, { claims: { scope: 7 } }),
    expect: 'invalid_token',
  },
  {
    name: 'client_id as an object',
    token: (k) => mint(k.ec, { claims: { client_id: { id: 'web-app' } } }),
    expect: 'invalid_token',
  },
];
