// The invoices API, on Hono, with the exclusive audience policy: tokens shared with another API are refused too.
import { guard, requireScopes } from '@audguard/hono';
import { Hono } from 'hono';
import type { ApiOptions } from './orders-express.js';

export function invoicesApi({ issuer, audience }: ApiOptions): Hono {
  const app = new Hono();
  app.use(guard({ issuer, audience, audiencePolicy: 'exclusive' }));
  app.post('/invoices', requireScopes('invoices:write'), (c) =>
    c.json({ subject: c.get('auth').subject }, 201),
  );
  return app;
}
