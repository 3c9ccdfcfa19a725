import { describe, expect, it } from 'vitest';
import { isResourceIndicator } from './resource-indicators.js';

describe('isResourceIndicator (RFC 8707 §2: absolute URI, no fragment)', () => {
  it.each([
    'https://api.example.com',
    'https://api.example.com/',
    'https://api.example.com/v1?tenant=a',
    'urn:invoices',
    'urn:example:resource:1',
    'http://localhost:3000',
  ])('accepts %s', (value) => {
    expect(isResourceIndicator(value)).toBe(true);
  });

  it.each([
    ['a relative reference', '/api/invoices'],
    ['a bare host', 'api.example.com'],
    ['a fragment', 'https://api.example.com#frag'],
    ['an empty fragment', 'urn:invoices#'],
    ['whitespace', 'https://api.example.com/ x'],
    ['a broken percent-encoding', 'https://api.example.com/%zz'],
    ['an empty string', ''],
    ['a scheme-less colon', ':invoices'],
  ])('refuses %s', (_case, value) => {
    expect(isResourceIndicator(value)).toBe(false);
  });
});
