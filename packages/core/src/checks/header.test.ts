import { describe, expect, it } from 'vitest';
import { outcome } from '../../test/outcome.js';
import { ASYMMETRIC_ALGORITHMS } from '../lib/crypto.js';
import { checkHeader, type HeaderPolicy, typeAllowed } from './header.js';

const policy: HeaderPolicy = { algorithms: new Set(ASYMMETRIC_ALGORITHMS), tokenType: 'default' };
const reason = (header: Record<string, unknown>) => outcome(() => checkHeader(header, policy));

describe('checkHeader', () => {
  it('returns the algorithm of an acceptable header', () => {
    expect(checkHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' }, policy)).toBe('ES256');
  });
  it('refuses a missing alg, none, HS256 outside the list, and unknown algorithms', () => {
    expect(reason({})).toBe('malformed_token');
    for (const alg of ['none', 'HS256', 'RS1', 'es256'])
      expect(reason({ alg })).toBe('algorithm_not_allowed');
  });
  it('refuses foreign types, crit, key references and a non-string kid', () => {
    expect(reason({ alg: 'RS256', typ: 'dpop+jwt' })).toBe('type_not_allowed');
    expect(reason({ alg: 'RS256', crit: ['exp'] })).toBe('unsupported_critical_header');
    for (const ref of ['jku', 'x5u', 'jwk']) {
      expect(reason({ alg: 'RS256', [ref]: 'https://evil.example' })).toBe('key_reference_in_header');
    }
    expect(reason({ alg: 'RS256', kid: 7 })).toBe('malformed_token');
  });
});

describe('typeAllowed', () => {
  it('default: at+jwt in any case and spelling, JWT, or none', () => {
    for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'JWT', 'application/jwt', undefined]) {
      expect(typeAllowed(typ, 'default')).toBe(true);
    }
    for (const typ of ['id+jwt', 'logout+jwt', 'dpop+jwt', '', 7])
      expect(typeAllowed(typ, 'default')).toBe(false);
  });
  it('strict: at+jwt only', () => {
    expect(typeAllowed('application/AT+jwt', 'strict')).toBe(true);
    for (const typ of ['JWT', undefined]) expect(typeAllowed(typ, 'strict')).toBe(false);
  });
});
