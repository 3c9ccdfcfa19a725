// The invoices API, on Hono. It runs the exclusive audience policy: a token shared with another API is refused.
import { guard, protectedResource, protectedResourceMetadataUrl, requireScopes } from '@audguard/hono';
import { Hono } from 'hono';
import type { ApiOptions } from './options.js';

export function invoicesApi({ issuer, resource, audiencePolicy }: ApiOptions) {
  const app = new Hono();
  app.use(
    protectedResource({ resource, authorizationServers: [issuer], scopesSupported: ['invoices:read'] }),
  );
  app.use(
    guard({
      issuer,
      audience: resource,
      audiencePolicy,
      resourceMetadata: protectedResourceMetadataUrl(resource),
    }),
  );

  app.get('/invoices', requireScopes('invoices:read'), (c) => {
    const auth = c.get('auth');
    return c.json({
      api: 'invoices',
      subject: auth.subject,
      scopes: [...auth.scopes],
      invoices: [{ id: 'INV-1' }],
    });
  });
  return app;
}
