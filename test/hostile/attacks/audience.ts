/**
 * The audience (RFC 8707, RFC 9068 §4): a token must name this API in `aud`; by default it may name others too, and
 * on the `/exclusive` route it must name this API alone.
 */
import { AUDIENCE, mint, OTHER_API } from './forge.js';
import type { Attack } from './row.js';

export const audienceAttacks: Attack[] = [
  // Controls: what a legitimate client sends is accepted everywhere.
  {
    name: 'control: aud is an array naming us and another API (default policy)',
    token: (k) => mint(k.ec, { claims: { aud: [AUDIENCE, OTHER_API] } }),
    expect: 'ok',
  },
  {
    name: 'control: exclusive policy, aud names us alone (array)',
    route: '/exclusive',
    token: (k) => mint(k.ec, { claims: { aud: [AUDIENCE] } }),
    expect: 'ok',
  },

  // Audience.
  { name: 'no aud', token: (k) => mint(k.ec, { claims: { aud: undefined } }), expect: 'invalid_token' },
  {
    name: 'aud naming another API',
    token: (k) => mint(k.ec, { claims: { aud: OTHER_API } }),
    expect: 'invalid_token',
  },
  {
    name: 'aud array naming only another API',
    token: (k) => mint(k.ec, { claims: { aud: [OTHER_API] } }),
    expect: 'invalid_token',
  },
  {
    name: 'aud with a trailing slash',
    token: (k) => mint(k.ec, { claims: { aud: `${AUDIENCE}/` } }),
    expect: 'invalid_token',
  },
  { name: 'an empty aud array', token: (k) => mint(k.ec, { claims: { aud: [] } }), expect: 'invalid_token' },
  { name: 'aud as a number', token: (k) => mint(k.ec, { claims: { aud: 1 } }), expect: 'invalid_token' },
  {
    name: 'aud with us and a non-string',
    token: (k) => mint(k.ec, { claims: { aud: [AUDIENCE, 1] } }),
    expect: 'invalid_token',
  },
  {
    name: 'exclusive policy: aud names us and another API',
    route: '/exclusive',
    token: (k) => mint(k.ec, { claims: { aud: [AUDIENCE, OTHER_API] } }),
    expect: 'invalid_token',
  },
  {
    name: 'exclusive policy: aud names us twice and another API',
    route: '/exclusive',
    token: (k) => mint(k.ec, { claims: { aud: [AUDIENCE, AUDIENCE, OTHER_API] } }),
    expect: 'invalid_token',
  },
];
