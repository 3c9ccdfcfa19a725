// The shipments API, on Express, with DPoP required (RFC 9449): a token is accepted only if it is bound to a key
// (cnf.jkt) and the request carries a fresh proof signed by that key, once. A stolen token alone is worthless here.
import { guard, protectedResource, requireScopes } from '@audguard/express';
import express from 'express';
import type { ApiOptions } from './options.js';

export function shipmentsApi({ issuer, resource, audiencePolicy }: ApiOptions) {
  const app = express();
  app.use(
    protectedResource({
      resource,
      authorizationServers: [issuer],
      scopesSupported: ['shipments:read'],
      dpopBoundAccessTokensRequired: true,
    }),
  );
  // The proof's htu is checked against this API's public origin — the origin of `resource` here — never `Host`.
  app.use(guard({ issuer, audience: resource, audiencePolicy, dpop: 'required' }));
  app.get('/shipments', requireScopes('shipments:read'), (req, res) => {
    const cnf = req.auth?.claims.cnf as { jkt?: string } | undefined;
    res.json({
      api: 'shipments',
      subject: req.auth?.subject,
      boundTo: cnf?.jkt,
      shipments: [{ id: 'SHP-1' }],
    });
  });
  return app;
}
