import { describe, expect, it } from 'vitest';
import { outcome as decided } from '../../test/outcome.js';

const outcome = (check: () => unknown) => decided(check, true);
const policy = (overrides: Partial<ClaimPolicy> = {}): ClaimPolicy => ({
  tokenType: 'default',
  scopeClaims: ['scope', 'scp'],
  requiredClaims: [],
  ...overrides,
});

import { type ClaimPolicy, checkClaims, readIssuer } from './claims.js';

describe('claims', () => {
  it('readIssuer requires a string iss', () => {
    expect(readIssuer({ iss: 'https://as.example.com' })).toBe('https://as.example.com');
    expect(outcome(() => readIssuer({}))).toBe('missing_claim:iss');
    expect(outcome(() => readIssuer({ iss: ['x'] }))).toBe('missing_claim:iss');
  });
  it('refuses non-string sub, client_id, jti, scope and a malformed scp', () => {
    for (const claim of ['sub', 'client_id', 'jti']) {
      expect(outcome(() => checkClaims({ [claim]: 1 }, policy()))).toBe(`invalid_claim:${claim}`);
    }
    expect(outcome(() => checkClaims({ scp: ['a', 1] }, policy()))).toBe('invalid_claim:scp');
    expect(outcome(() => checkClaims({ scope: 1 }, policy()))).toBe('invalid_claim:scope');
    // Duende writes scope as a JSON array; the other scope claims are checked only when configured.
    expect(outcome(() => checkClaims({ scope: ['a', 'b'] }, policy()))).toBe('accepted');
    expect(outcome(() => checkClaims({ permissions: 7 }, policy()))).toBe('accepted');
    expect(outcome(() => checkClaims({ permissions: 7 }, policy({ scopeClaims: ['permissions'] })))).toBe(
      'invalid_claim:permissions',
    );
    expect(outcome(() => checkClaims({ scp: ['a'], scope: 'b' }, policy()))).toBe('accepted');
  });
  it("'strict' requires the RFC 9068 claims", () => {
    const full = { sub: 's', client_id: 'c', iat: 1, jti: 'j' };
    expect(outcome(() => checkClaims(full, policy({ tokenType: 'strict' })))).toBe('accepted');
    for (const claim of Object.keys(full)) {
      const { [claim]: _, ...rest } = full as Record<string, unknown>;
      expect(outcome(() => checkClaims(rest, policy({ tokenType: 'strict' })))).toBe(
        `missing_claim:${claim}`,
      );
    }
  });
});

describe('requiredClaims', () => {
  const required = policy({
    requiredClaims: [
      ['token_use', 'access'],
      ['ver', 2],
    ],
  });
  it('needs each claim present with exactly its value', () => {
    expect(outcome(() => checkClaims({ token_use: 'access', ver: 2 }, required))).toBe('accepted');
    expect(outcome(() => checkClaims({ ver: 2 }, required))).toBe('missing_claim:token_use');
    expect(outcome(() => checkClaims({ token_use: 'id', ver: 2 }, required))).toBe('invalid_claim:token_use');
    expect(outcome(() => checkClaims({ token_use: 'access', ver: '2' }, required))).toBe('invalid_claim:ver');
    expect(outcome(() => checkClaims({ token_use: ['access'], ver: 2 }, required))).toBe(
      'invalid_claim:token_use',
    );
  });
});
