import { describe, expect, it } from 'vitest';
import { AuthError, createVerifier, renderAuthError } from './index.js';

const jwks = { keys: [] };

describe('renderAuthError (RFC 6750 §3)', () => {
  it('sends no error attribute when no credentials were sent', () => {
    const response = renderAuthError(new AuthError('missing_token', { description: 'Send a token.' }));
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(response.body).toEqual({ error_description: 'Send a token.' });
  });

  it('renders invalid_token with error and error_description', () => {
    const response = renderAuthError(new AuthError('expired', { description: 'The token has expired.' }), {
      realm: 'orders',
    });
    expect(response).toEqual({
      status: 401,
      headers: {
        'cache-control': 'no-store',
        'content-type': 'application/json; charset=utf-8',
        'www-authenticate':
          'Bearer realm="orders", error="invalid_token", error_description="The token has expired."',
      },
      body: { error: 'invalid_token', error_description: 'The token has expired.' },
    });
  });

  it('renders invalid_request as 400', () => {
    const response = renderAuthError(new AuthError('multiple_credentials', { description: 'Two tokens.' }));
    expect(response.status).toBe(400);
    expect(response.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  it('renders insufficient_scope as 403 with the needed scope', () => {
    const error = new AuthError('insufficient_scope', {
      description: 'Needs more.',
      scopes: ['a:read', 'b'],
    });
    const response = renderAuthError(error);
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="Needs more.", scope="a:read b"',
    );
    expect(response.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'Needs more.',
      scope: 'a:read b',
    });
  });

  it('adds resource_metadata (RFC 9728 §5.1), and then needs no realm', () => {
    const url = 'https://orders.example.com/.well-known/oauth-protected-resource';
    const missing = renderAuthError(new AuthError('missing_token', { description: 'x' }), {
      resourceMetadata: url,
    });
    expect(missing.headers['www-authenticate']).toBe(`Bearer resource_metadata="${url}"`);
    const withRealm = renderAuthError(new AuthError('expired', { description: 'x' }), {
      realm: 'r',
      resourceMetadata: url,
    });
    expect(withRealm.headers['www-authenticate']).toBe(
      `Bearer realm="r", error="invalid_token", error_description="x", resource_metadata="${url}"`,
    );
  });

  it('keeps auth-param values inside the RFC 6750 character set', () => {
    const error = new AuthError('invalid_claim', { description: 'bad "quote" \\ back\nslash é' });
    const header = renderAuthError(error, { realm: 'a"b' }).headers['www-authenticate'] as string;
    expect(header).toBe(
      'Bearer realm="ab", error="invalid_token", error_description="bad quote  backslash "',
    );
    expect(/^[\x20-\x7E]*$/.test(header)).toBe(true);
  });

  it('renders 503 with Retry-After and no challenge', () => {
    const error = new AuthError('keys_unavailable', { description: 'Retry later.', retryAfter: 7.2 });
    const response = renderAuthError(error);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('8');
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(response.body.error).toBe('temporarily_unavailable');
  });

  it('never sends the cause to the client', () => {
    const cause = new Error('connect ECONNREFUSED 10.0.0.5:443 at Socket.stack');
    const error = new AuthError('keys_unavailable', { description: 'Retry later.', cause });
    const response = renderAuthError(error);
    expect(JSON.stringify(response)).not.toMatch(/ECONNREFUSED|10\.0\.0\.5|stack/);
    expect(error.cause).toBe(cause);
  });

  it('a verifier renders with its own realm and resource_metadata', () => {
    const verifier = createVerifier({
      issuer: 'https://as.example.com',
      audience: 'https://orders.example.com',
      jwks,
      realm: 'orders',
      resourceMetadata: 'https://orders.example.com/.well-known/oauth-protected-resource',
    });
    const response = verifier.errorResponse(new AuthError('missing_token', { description: 'x' }));
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="orders", resource_metadata="https://orders.example.com/.well-known/oauth-protected-resource"',
    );
  });
});

describe('renderAuthError with DPoP (RFC 9449 §7.1, §7.2)', () => {
  const both = { dpop: { algorithms: ['ES256', 'PS256'], required: false } };
  const only = { dpop: { algorithms: ['ES256'], required: true } };

  it('offers both schemes without error information to a request without credentials (Figure 17)', () => {
    const response = renderAuthError(new AuthError('missing_token', { description: 'x' }), both);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="api", DPoP realm="api", algs="ES256 PS256"',
    );
  });

  it('gives the error to the scheme the request used (Figure 18)', () => {
    const bearer = renderAuthError(new AuthError('expired', { description: 'x', scheme: 'Bearer' }), both);
    expect(bearer.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="x", DPoP realm="api", algs="ES256 PS256"',
    );
    const dpop = renderAuthError(
      new AuthError('dpop_proof_replayed', { description: 'y', scheme: 'DPoP' }),
      both,
    );
    expect(dpop.headers['www-authenticate']).toBe(
      'Bearer realm="api", DPoP realm="api", error="invalid_dpop_proof", error_description="y", algs="ES256 PS256"',
    );
    expect(dpop.status).toBe(401);
    expect(dpop.body).toEqual({ error: 'invalid_dpop_proof', error_description: 'y' });
  });

  it('gives the error to both when the scheme is unknown (Figure 19)', () => {
    const response = renderAuthError(new AuthError('multiple_credentials', { description: 'z' }), both);
    expect(response.status).toBe(400);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_request", error_description="z", ' +
        'DPoP realm="api", error="invalid_request", error_description="z", algs="ES256 PS256"',
    );
  });

  it('offers DPoP alone when it is required, scope and resource_metadata included', () => {
    const error = new AuthError('insufficient_scope', { description: 'w', scopes: ['a'], scheme: 'DPoP' });
    const response = renderAuthError(error, {
      ...only,
      resourceMetadata: 'https://api.example.com/.well-known/x',
    });
    expect(response.headers['www-authenticate']).toBe(
      'DPoP error="insufficient_scope", error_description="w", scope="a", ' +
        'resource_metadata="https://api.example.com/.well-known/x", algs="ES256"',
    );
  });

  it('sends the nonce with use_dpop_nonce (RFC 9449 §9)', () => {
    const error = new AuthError('dpop_nonce_required', { scheme: 'DPoP', dpopNonce: 'n0nce_-' });
    const response = renderAuthError(error, only);
    expect(response.status).toBe(401);
    expect(response.headers['dpop-nonce']).toBe('n0nce_-');
    expect(response.headers['www-authenticate']).toMatch(/^DPoP realm="api", error="use_dpop_nonce", /);
  });

  it('a verifier with dpop renders its algorithms', () => {
    const verifier = createVerifier({
      issuer: 'https://as.example.com',
      audience: 'https://orders.example.com',
      jwks,
      dpop: { mode: 'required', algorithms: ['ES256', 'EdDSA'] },
    });
    const response = verifier.errorResponse(new AuthError('missing_token', { description: 'x' }));
    expect(response.headers['www-authenticate']).toBe('DPoP realm="api", algs="ES256 EdDSA"');
  });
});
