import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { dpopKey } from '../../test/dpop.js';
import { jwkThumbprint } from './thumbprint.js';

describe('jwkThumbprint (RFC 7638)', () => {
  it('gives the RFC 7638 §3.1 example thumbprint', () => {
    const jwk = {
      kty: 'RSA',
      n:
        '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs' +
        'tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajr' +
        'n1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('agrees with jose for EC, RSA and OKP keys, ignoring members beyond the required ones', async () => {
    for (const alg of ['ES256', 'RS256', 'EdDSA'] as const) {
      const { jwk } = await dpopKey(alg);
      expect(jwkThumbprint({ ...jwk, kid: 'x', use: 'sig' })).toBe(
        await calculateJwkThumbprint(jwk as never),
      );
    }
  });

  it('has none for unknown key types or members that are not strings', () => {
    expect(jwkThumbprint({ kty: 'oct', k: 'c2VjcmV0' })).toBeUndefined();
    expect(jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 1, y: 'y' } as never)).toBeUndefined();
  });
});
