/**
 * What the JOSE header may say: `alg` (none in any case, missing, null, HMAC with our public key as the secret,
 * mismatches with the key), key references the verifier must never follow (`jku`, `x5u`, `jwk`, `x5c`: the
 * attacker's server is never hit), and `crit`.
 */
import { b64, claims, header, hmac, sign } from './forge.js';
import { type Attack, foreignSegments, t, valid } from './row.js';

export const headerPolicyAttacks: Attack[] = [
  // alg: none, and algorithm confusion.
  ...['none', 'None', 'NONE', 'nOnE'].map(
    (alg): Attack => ({
      name: `alg "${alg}" with an empty signature`,
      token: () => `${b64({ alg, typ: 'at+jwt' })}.${b64(claims())}.`,
      expect: 'invalid_token',
    }),
  ),
  {
    name: 'alg "none" with a signature',
    token: (k) => foreignSegments(valid(k), { header: b64({ alg: 'none', typ: 'at+jwt', kid: 'as-ec' }) }),
    expect: 'invalid_token',
  },
  {
    name: 'no alg',
    token: (k) => sign(k.ec, header(k.ec, { alg: undefined }), claims()),
    expect: 'invalid_token',
  },
  {
    name: 'alg null',
    token: (k) => sign(k.ec, header(k.ec, { alg: null }), claims()),
    expect: 'invalid_token',
  },
  {
    name: 'HS256 signed with our RSA public key (PEM) as the secret',
    token: (k) =>
      hmac(
        k.rsa.publicKey.export({ type: 'spki', format: 'pem' }),
        { alg: 'HS256', typ: 'at+jwt', kid: 'as-rsa' },
        claims(),
      ),
    expect: 'invalid_token',
  },
  {
    name: 'HS256 signed with our RSA public key (DER) as the secret',
    token: (k) =>
      hmac(
        k.rsa.publicKey.export({ type: 'spki', format: 'der' }),
        { alg: 'HS256', typ: 'at+jwt', kid: 'as-rsa' },
        claims(),
      ),
    expect: 'invalid_token',
  },
  {
    name: 'HS256 signed with our public JWK (JSON) as the secret',
    token: (k) => hmac(JSON.stringify(k.rsa.jwk), { alg: 'HS256', typ: 'at+jwt', kid: 'as-rsa' }, claims()),
    expect: 'invalid_token',
  },
  {
    name: 'HS512 signed with our EC public key',
    token: (k) =>
      hmac(k.ec.publicKey.export({ type: 'spki', format: 'pem' }), { alg: 'HS512', typ: 'at+jwt' }, claims()),
    expect: 'invalid_token',
  },
  {
    name: 'PS256 made with our RS256-only key',
    token: (k) => sign(k.rsa, header(k.rsa, { alg: 'PS256' }), claims(), 'PS256'),
    expect: 'invalid_token',
  },
  {
    name: 'alg RS256 naming our EC key, EC-signed',
    token: (k) => sign(k.ec, header(k.ec, { alg: 'RS256' }), claims()),
    expect: 'invalid_token',
  },
  {
    name: 'alg ES384 with an ES256 signature',
    token: (k) => sign(k.ec, header(k.ec, { alg: 'ES384' }), claims()),
    expect: 'invalid_token',
  },
  {
    name: 'an unsupported alg (ES256K)',
    token: (k) => sign(k.ec, header(k.ec, { alg: 'ES256K' }), claims()),
    expect: 'invalid_token',
  },

  // Key references in the header: never followed.
  {
    name: "jku pointing at the attacker's JWKS",
    token: (k) => sign(k.attacker, header(k.attacker, { jku: `${k.evil.origin}/jwks.json` }), claims()),
    expect: 'invalid_token',
    noFetch: true,
  },
  {
    name: "jku pointing at the attacker's JWKS, with our kid",
    token: (k) => sign(k.attacker, header(k.ec, { jku: `${k.evil.origin}/jwks.json` }), claims()),
    expect: 'invalid_token',
    noFetch: true,
  },
  {
    name: "x5u pointing at the attacker's certificate",
    token: (k) => sign(k.attacker, header(k.attacker, { x5u: `${k.evil.origin}/cert.pem` }), claims()),
    expect: 'invalid_token',
    noFetch: true,
  },
  {
    name: "the attacker's public key embedded as jwk",
    token: (k) => sign(k.attacker, header(k.attacker, { jwk: k.attacker.jwk }), claims()),
    expect: 'invalid_token',
    noFetch: true,
  },
  {
    name: "the attacker's jwk under our kid",
    token: (k) => sign(k.attacker, header(k.ec, { jwk: { ...k.attacker.jwk, kid: 'as-ec' } }), claims()),
    expect: 'invalid_token',
    noFetch: true,
  },
  {
    name: 'x5c with a made-up certificate chain',
    token: (k) =>
      sign(k.attacker, header(k.attacker, { x5c: [Buffer.alloc(300, 1).toString('base64')] }), claims()),
    expect: 'invalid_token',
    noFetch: true,
  },

  // crit.
  {
    name: 'crit naming exp',
    token: (k) => sign(k.ec, header(k.ec, { crit: ['exp'], exp: t() + 60 }), claims()),
    expect: 'invalid_token',
  },
  {
    name: 'crit b64:false (unencoded payload)',
    token: (k) => sign(k.ec, header(k.ec, { crit: ['b64'], b64: false }), claims()),
    expect: 'invalid_token',
  },
  {
    name: 'crit naming a private header',
    token: (k) => sign(k.ec, header(k.ec, { crit: ['urn:x:policy'], 'urn:x:policy': 1 }), claims()),
    expect: 'invalid_token',
  },
  {
    name: 'an empty crit',
    token: (k) => sign(k.ec, header(k.ec, { crit: [] }), claims()),
    expect: 'invalid_token',
  },
];
