/**
 * The token as bytes: compact JWS shape (segments, JWE), the 8 KiB limit, base64url encoding, JSON header and
 * payload, UTF-8, signature length and form, and single flipped bits anywhere.
 */
import { b64, claims, flipBit, header, mint, resizeSignature, sign } from './forge.js';
import { type Attack, foreignSegments, valid } from './row.js';
import type { Kit } from './targets.js';

/** The largest token within `limit` characters, or the smallest over it, grown with a padding claim. */
function sized(k: Kit, limit: number, over: boolean): string {
  const jti = crypto.randomUUID();
  const at = (pad: number) => mint(k.ec, { claims: { jti, pad: 'x'.repeat(pad) } });
  // Binary search for the largest padding that stays within the limit.
  let low = 0;
  let high = limit;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (at(mid).length <= limit) low = mid;
    else high = mid - 1;
  }
  const within = at(low);
  const beyond = at(low + 1);
  if (within.length > limit || beyond.length <= limit) throw new Error('padding search failed');
  return over ? beyond : within;
}

export const structureAttacks: Attack[] = [
  // Controls: what a legitimate client sends is accepted everywhere.
  { name: 'control: the largest token within 8 KiB', token: (k) => sized(k, 8192, false), expect: 'ok' },

  // Structure.
  {
    name: 'a JWE (five segments)',
    token: (k) =>
      [
        b64({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: k.rsa.kid }),
        'AAAA',
        'AAAAAAAAAAAAAAAA',
        'AAAA',
        'AAAAAAAAAAAAAAAAAAAAAA',
      ].join('.'),
    expect: 'invalid_token',
  },
  { name: 'the smallest token over 8 KiB', token: (k) => sized(k, 8192, true), expect: 'invalid_token' },
  { name: 'one segment', token: () => 'abcdef', expect: 'invalid_token' },
  { name: 'two segments', token: (k) => valid(k).split('.').slice(0, 2).join('.'), expect: 'invalid_token' },
  { name: 'four segments', token: (k) => `${valid(k)}.AAAA`, expect: 'invalid_token' },
  { name: 'six segments', token: (k) => `${valid(k)}.AAAA.AAAA.AAAA`, expect: 'invalid_token' },
  { name: 'only dots', token: () => '..', expect: 'invalid_token' },
  {
    name: 'an empty signature',
    token: (k) => foreignSegments(valid(k), { signature: '' }),
    expect: 'invalid_token',
  },
  {
    name: "'+' in the header (base64, not base64url)",
    token: (k) => {
      const v = valid(k);
      return `${v.slice(0, 3)}+${v.slice(4)}`;
    },
    expect: 'invalid_token',
  },
  {
    name: "'/' in the signature (base64, not base64url)",
    token: (k) => `${valid(k).slice(0, -2)}/A`,
    expect: 'invalid_token',
  },
  { name: 'a padded signature', token: (k) => `${valid(k)}==`, expect: 'invalid_token' },
  {
    name: 'a payload segment of impossible length',
    token: (k) => {
      const [h, p, s] = valid(k).split('.');
      return `${h}.${p}A.${s}`;
    },
    expect: 'invalid_token',
  },
  {
    name: 'a header that is not JSON',
    token: (k) => sign(k.ec, '{"alg":"ES256",', claims()),
    expect: 'invalid_token',
  },
  {
    name: 'a header that is a JSON array',
    token: (k) => sign(k.ec, '["ES256"]', claims()),
    expect: 'invalid_token',
  },
  {
    name: 'a payload that is a JSON string',
    token: (k) => sign(k.ec, header(k.ec), '"hello"'),
    expect: 'invalid_token',
  },
  {
    name: 'a payload that is JSON null',
    token: (k) => sign(k.ec, header(k.ec), 'null'),
    expect: 'invalid_token',
  },
  {
    name: 'a payload that is not UTF-8',
    token: (k) =>
      foreignSegments(valid(k), { payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url') }),
    expect: 'invalid_token',
  },
  {
    name: 'an ES256 signature one byte short',
    token: (k) => resizeSignature(valid(k), 63),
    expect: 'invalid_token',
  },
  {
    name: 'an ES256 signature one byte long',
    token: (k) => resizeSignature(valid(k), 65),
    expect: 'invalid_token',
  },
  {
    name: 'an ES256 signature in DER form',
    token: (k) => sign(k.ec, header(k.ec), claims(), 'ES256-DER'),
    expect: 'invalid_token',
  },
  {
    name: 'an RS256 signature cut in half',
    token: (k) => resizeSignature(mint(k.rsa), 128),
    expect: 'invalid_token',
  },
  { name: 'a flipped bit in the header', token: (k) => flipBit(valid(k), 0), expect: 'invalid_token' },
  { name: 'a flipped bit in the payload', token: (k) => flipBit(valid(k), 1), expect: 'invalid_token' },
  { name: 'a flipped bit in the signature', token: (k) => flipBit(valid(k), 2), expect: 'invalid_token' },
  {
    name: 'a flipped bit inside a claim value (sub "alice" → "alicd"), signature kept',
    token: (k) => {
      const [h, p, s] = valid(k).split('.') as [string, string, string];
      const payload = Buffer.from(p, 'base64url').toString().replace('"alice"', '"alicd"');
      return `${h}.${b64(payload)}.${s}`;
    },
    expect: 'invalid_token',
  },
  {
    name: 'a flipped bit in the RS256 signature',
    token: (k) => flipBit(mint(k.rsa), 2),
    expect: 'invalid_token',
  },
];
