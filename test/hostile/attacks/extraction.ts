import { type Attack, bearer, valid } from './row.js';

export const extractionAttacks: Attack[] = [
  // Controls: what a legitimate client sends is accepted everywhere.
  {
    name: 'control: lowercase scheme "bearer"',
    request: (k, r) => ({ path: r, headers: [['Authorization', `bearer ${valid(k)}`]] }),
    expect: 'ok',
  },
  {
    name: 'control: uppercase scheme "BEARER"',
    request: (k, r) => ({ path: r, headers: [['Authorization', `BEARER ${valid(k)}`]] }),
    expect: 'ok',
  },

  // No credentials.
  { name: 'no Authorization header', request: (_k, r) => ({ path: r, headers: [] }), expect: 'no_token' },

  // Extraction (RFC 6750 §2).
  {
    name: 'two Authorization headers',
    request: (k, r) => ({ path: r, headers: [bearer(valid(k)), bearer(valid(k))] }),
    expect: 'invalid_request',
  },
  {
    name: 'a Bearer and a Basic Authorization header',
    request: (k, r) => ({
      path: r,
      headers: [bearer(valid(k)), ['Authorization', 'Basic YWxpY2U6c2VjcmV0']],
    }),
    expect: 'invalid_request',
  },
  {
    name: 'two credentials in one header',
    request: (k, r) => ({ path: r, headers: [['Authorization', `Bearer ${valid(k)}, Bearer ${valid(k)}`]] }),
    expect: 'invalid_request',
  },
  {
    name: 'a header token and a query token',
    request: (k, r) => ({ path: `${r}?access_token=${valid(k)}`, headers: [bearer(valid(k))] }),
    expect: 'invalid_request',
  },
  {
    name: 'a query token only',
    request: (k, r) => ({ path: `${r}?access_token=${valid(k)}`, headers: [] }),
    expect: 'invalid_request',
  },
  {
    // RFC 6750 §2.1 with RFC 9110 §11.4: credentials = auth-scheme 1*SP token68.
    name: 'control: Authorization with two spaces after the scheme',
    request: (k, r) => ({ path: r, headers: [['Authorization', `Bearer  ${valid(k)}`]] }),
    expect: 'ok',
  },
  ...(
    [
      ['a space and a tab after the scheme', (v: string) => `Bearer \t${v}`],
      ['a tab after the scheme', (v: string) => `Bearer\t${v}`],
      ['no space after the scheme', (v: string) => `Bearer${v}`],
      ['the scheme alone', () => 'Bearer'],
      ['junk after the token', (v: string) => `Bearer ${v} junk`],
      ['a quoted token', (v: string) => `Bearer "${v}"`],
      ['a token with a character outside b64token', (v: string) => `Bearer ${v}*`],
      ['the Basic scheme', () => 'Basic YWxpY2U6c2VjcmV0'],
      ['the Token scheme', (v: string) => `Token ${v}`],
      ['the DPoP scheme', (v: string) => `DPoP ${v}`],
      ['an empty header', () => ''],
    ] as const
  ).map(
    ([name, value]): Attack => ({
      name: `Authorization with ${name}`,
      request: (k, r) => ({ path: r, headers: [['Authorization', value(valid(k))]] }),
      expect: 'invalid_request',
    }),
  ),
];
