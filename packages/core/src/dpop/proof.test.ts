import { beforeAll, describe, expect, it } from 'vitest';
import { type DpopKey, dpopKey, proof } from '../../test/dpop.js';
import { outcome } from '../../test/outcome.js';
import { ASYMMETRIC_ALGORITHMS, type JwsAlgorithm } from '../index.js';
import { MAX_PROOF_LENGTH, readProof } from './proof.js';

let key: DpopKey;
const algorithms = new Set<JwsAlgorithm>(ASYMMETRIC_ALGORITHMS);
const htu = 'https://api.example.com/orders';

beforeAll(async () => {
  key = await dpopKey();
});

describe('readProof (RFC 9449 §4.2, §4.3 checks 2–5 and 7)', () => {
  it('reads a well-formed proof', () => {
    const parts = readProof(proof(key, { htu, token: 'at', jti: 'j-1', iat: 1000 }), algorithms);
    expect([parts.alg, parts.jwk, parts.jti, parts.htm, parts.htu, parts.iat]).toEqual([
      'ES256',
      key.jwk,
      'j-1',
      'GET',
      htu,
      1000,
    ]);
    expect(typeof parts.ath).toBe('string');
  });

  it.each([
    ['an empty proof', () => '', 'malformed_dpop_proof'],
    ['a proof over the size limit', () => `${'a'.repeat(MAX_PROOF_LENGTH)}.b.c`, 'malformed_dpop_proof'],
    ['a JWE', () => 'a.b.c.d.e', 'malformed_dpop_proof'],
    [
      'typ at+jwt',
      () => proof(key, { htu, token: 'at', header: { typ: 'at+jwt' } }),
      'dpop_proof_type_not_allowed',
    ],
    [
      'ES384 over a P-256 key',
      () => proof(key, { htu, token: 'at', header: { alg: 'ES384' } }),
      'dpop_key_invalid',
    ],
    [
      'a jwk that is an array',
      () => proof(key, { htu, token: 'at', header: { jwk: [key.jwk] } }),
      'dpop_key_invalid',
    ],
    [
      'an oct jwk',
      () => proof(key, { htu, token: 'at', header: { jwk: { kty: 'oct', k: 'c2VjcmV0' } } }),
      'dpop_key_invalid',
    ],
    ['htm a number', () => proof(key, { htu, token: 'at', claims: { htm: 1 } }), 'dpop_claim_invalid'],
    ['iat null', () => proof(key, { htu, token: 'at', claims: { iat: null } }), 'dpop_claim_invalid'],
  ])('%s → %s', (_name, make, expected) => {
    expect(outcome(() => readProof(make(), algorithms))).toBe(expected);
  });

  it('refuses an algorithm the verifier does not allow', () => {
    const only = new Set<JwsAlgorithm>(['EdDSA']);
    expect(outcome(() => readProof(proof(key, { htu, token: 'at' }), only))).toBe(
      'dpop_algorithm_not_allowed',
    );
  });
});
