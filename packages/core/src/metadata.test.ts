import { describe, expect, it } from 'vitest';
import { ASYMMETRIC_ALGORITHMS, type JwsAlgorithm, protectedResourceMetadata } from './index.js';

const base = { resource: 'https://orders.example.com', authorizationServers: ['https://as.example.com'] };

describe('RFC 9728 metadata for DPoP (RFC 9449)', () => {
  it('lists dpop_signing_alg_values_supported and dpop_bound_access_tokens_required when given', () => {
    expect(
      protectedResourceMetadata({
        ...base,
        dpopSigningAlgorithms: ['ES256'],
        dpopBoundAccessTokensRequired: true,
      }),
    ).toMatchObject({
      dpop_signing_alg_values_supported: ['ES256'],
      dpop_bound_access_tokens_required: true,
    });
    expect(
      protectedResourceMetadata({ ...base, dpopSigningAlgorithms: ASYMMETRIC_ALGORITHMS }),
    ).toMatchObject({
      dpop_signing_alg_values_supported: ASYMMETRIC_ALGORITHMS,
    });
    expect(protectedResourceMetadata(base)).not.toHaveProperty('dpop_signing_alg_values_supported');
    expect(protectedResourceMetadata(base)).not.toHaveProperty('dpop_bound_access_tokens_required');
  });

  it('refuses symmetric or empty proof algorithms', () => {
    expect(() => protectedResourceMetadata({ ...base, dpopSigningAlgorithms: ['HS256'] })).toThrow(
      /asymmetric/,
    );
    expect(() => protectedResourceMetadata({ ...base, dpopSigningAlgorithms: [] as JwsAlgorithm[] })).toThrow(
      /at least one/,
    );
  });
});
