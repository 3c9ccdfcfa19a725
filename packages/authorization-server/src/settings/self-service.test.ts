import { describe, expect, it } from 'vitest';
import { seedConfig } from '../../test/helpers.js';
import type { AuthorizationServerConfig } from '../config.js';
import { DEFAULTS } from '../defaults.js';
import { ConfigurationError } from '../errors.js';
import { resolveSettings } from '../settings.js';

function problem(overrides: Partial<AuthorizationServerConfig>): string {
  try {
    resolveSettings(seedConfig(overrides));
  } catch (error) {
    if (error instanceof ConfigurationError) return error.message;
    throw error;
  }
  return 'no error';
}

describe('clientIdMetadataDocuments and clientRegistration are checked at start', () => {
  it.each<[string, Partial<AuthorizationServerConfig>, RegExp]>([
    [
      'a misspelt option',
      { clientIdMetadataDocuments: { allowLoopBack: true } as never },
      /did you mean "allowLoopback"/,
    ],
    [
      'allowLoopback not a boolean',
      { clientIdMetadataDocuments: { allowLoopback: 'yes' as never } },
      /allowLoopback: give true or false/,
    ],
    ['a CA that is not PEM', { clientIdMetadataDocuments: { ca: 'abc' } }, /ca: give PEM/],
    [
      'a fetch that is not a function',
      { clientIdMetadataDocuments: { fetch: 'x' as never } },
      /fetch: give a function/,
    ],
    [
      'a zero timeout',
      { clientIdMetadataDocuments: { timeoutMs: 0 } },
      /timeoutMs: give a whole number of at least 1/,
    ],
    [
      'max cache below min',
      { clientIdMetadataDocuments: { minCacheSeconds: 100, maxCacheSeconds: 10 } },
      /maxCacheSeconds: must not be less/,
    ],
    [
      'an unknown resource',
      { clientRegistration: { resources: ['urn:nope'] } },
      /clientRegistration.resources\[0\]: name the id/,
    ],
    [
      'a scope outside the resources',
      { clientRegistration: { resources: ['https://orders.example.com'], scopes: ['read'] } },
      /scopes\[0\]: name a scope/,
    ],
    [
      'a misspelt registration option',
      { clientRegistration: { perIp: 3 } as never },
      /unknown option "perIp"/,
    ],
    [
      'an application type of its own',
      { clientRegistration: { defaultApplicationType: 'spa' as never } },
      /'web' or 'native'/,
    ],
    ['a negative lifetime', { clientRegistration: { lifetime: -1 } }, /lifetime: give a whole number/],
  ])('refuses %s', (_, overrides, message) => {
    expect(problem(overrides)).toMatch(message);
  });

  it('applies DEFAULTS for true, and leaves both off by default', () => {
    const on = resolveSettings(seedConfig({ clientIdMetadataDocuments: true, clientRegistration: true }));
    expect(on.metadataDocuments).toMatchObject({
      ...DEFAULTS.clientIdMetadataDocuments,
      fetch: undefined,
      ca: [],
    });
    expect(on.registration).toMatchObject(DEFAULTS.clientRegistration);
    expect(on.metadataDocuments?.scopes).toEqual(['read', 'write', 'orders:read']);
    const off = resolveSettings(seedConfig());
    expect([off.metadataDocuments, off.registration]).toEqual([undefined, undefined]);
  });

  it('still requires a configured client when both are off', () => {
    const { clients: _, ...withoutClients } = seedConfig();
    expect(() => resolveSettings(withoutClients)).toThrow(/clients: register at least one client/);
    expect(() => resolveSettings({ ...withoutClients, clientIdMetadataDocuments: true })).not.toThrow();
  });

  it('needs someone who can sign in once self-service clients are on', () => {
    expect(problem({ autoApprove: false, users: [], clientRegistration: true })).toMatch(/nobody can log in/);
  });
});
