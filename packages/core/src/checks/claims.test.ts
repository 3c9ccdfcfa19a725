import { describe, expect, it } from 'vitest';
import { outcome as decided } from '../../test/outcome.js';

const outcome = (check: () => unknown) => decided(check, true);

import { checkClaimTypes, readIssuer } from './claims.js';

describe('claims', () => {
  it('readIssuer requires a string iss', () => {
    expect(readIssuer({ iss: 'https://as.example.com' })).toBe('https://as.example.com');
    expect(outcome(() => readIssuer({}))).toBe('missing_claim:iss');
    expect(outcome(() => readIssuer({ iss: ['x'] }))).toBe('missing_claim:iss');
  });
  it('refuses non-string sub, client_id, jti, scope and a malformed scp', () => {
    for (const claim of ['sub', 'client_id', 'jti', 'scope']) {
      expect(outcome(() => checkClaimTypes({ [claim]: 1 }, 'default'))).toBe(`invalid_claim:${claim}`);
    }
    expect(outcome(() => checkClaimTypes({ scp: ['a', 1] }, 'default'))).toBe('invalid_claim:scp');
    expect(outcome(() => checkClaimTypes({ scp: ['a'], scope: 'b' }, 'default'))).toBe('accepted');
  });
  it("'strict' requires the RFC 9068 claims", () => {
    const full = { sub: 's', client_id: 'c', iat: 1, jti: 'j' };
    expect(outcome(() => checkClaimTypes(full, 'strict'))).toBe('accepted');
    for (const claim of Object.keys(full)) {
      const { [claim]: _, ...rest } = full as Record<string, unknown>;
      expect(outcome(() => checkClaimTypes(rest, 'strict'))).toBe(`missing_claim:${claim}`);
    }
  });
});
