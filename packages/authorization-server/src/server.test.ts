import { describe, expect, it } from 'vitest';
import { seedConfig } from '../test/helpers.js';
import { ConfigurationError } from './errors.js';
import { createAuthorizationServer } from './server.js';

describe('listen()', () => {
  it('serves over HTTP on an ephemeral port and, without a configured issuer, takes the listening URL', async () => {
    const { issuer: _omitted, ...config } = seedConfig();
    const as = await createAuthorizationServer(config);
    expect(() => as.issuer).toThrow(ConfigurationError);
    const early = await as.fetch(new Request('http://127.0.0.1/.well-known/oauth-authorization-server'));
    expect(early.status).toBe(503);
    expect((await early.json()).error).toBe('temporarily_unavailable');

    const server = await as.listen();
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(as.issuer).toBe(server.url);
      const metadata = await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json();
      expect(metadata.issuer).toBe(server.url);
      expect(metadata.token_endpoint).toBe(`${server.url}/token`);

      const res = await fetch(metadata.token_endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'client',
          client_secret: 'secret',
          resource: 'urn:invoices',
          scope: 'read',
        }),
      });
      expect(res.status).toBe(200);
      expect((await res.json()).scope).toBe('read');
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.url}/jwks`)).rejects.toThrow();
  });
});
