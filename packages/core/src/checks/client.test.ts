import { describe, expect, it } from 'vitest';
import { outcome } from '../../test/outcome.js';
import { checkClient } from './client.js';

describe('checkClient', () => {
  it('accepts any client without a list, only listed clients with one', () => {
    expect(outcome(() => checkClient(undefined, undefined))).toBe('accepted');
    const allowed = new Set(['app-1']);
    expect(outcome(() => checkClient('app-1', allowed))).toBe('accepted');
    expect(outcome(() => checkClient('app-2', allowed))).toBe('client_not_allowed');
    expect(outcome(() => checkClient(undefined, allowed))).toBe('missing_claim');
  });
});
