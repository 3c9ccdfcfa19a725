// The ledger API, on Express, with opaque reference tokens: the authorization server issues it random strings
// (`accessTokenFormat: 'reference'`) that say nothing by themselves, so the API asks the server's introspection
// endpoint (RFC 7662) about each one, authenticated as its own client. A revoked token is refused at once.
import { guard, protectedResource, protectedResourceMetadataUrl, requireScopes } from '@audguard/express';
import express from 'express';
import type { ApiOptions } from './options.js';

/** The client the ledger API introspects with, registered at the authorization server. */
export const LEDGER_INTROSPECTION_CLIENT = {
  clientId: 'ledger-api',
  clientSecret: 'ledger-api-secret',
} as const;

/** The scopes the ledger API owns. */
export const LEDGER_SCOPES = ['ledger:read'] as const;

export function ledgerApi({ issuer, resource, audiencePolicy }: ApiOptions): express.Express {
  const app = express();
  app.use(
    protectedResource({ resource, authorizationServers: [issuer], scopesSupported: [...LEDGER_SCOPES] }),
  );
  app.use(
    guard({
      issuer,
      audience: resource,
      audiencePolicy,
      resourceMetadata: protectedResourceMetadataUrl(resource),
      // Opaque tokens go to the authorization server; JWTs are still verified locally.
      introspection: {
        endpoint: `${issuer}/introspect`,
        ...LEDGER_INTROSPECTION_CLIENT,
        // Ask every time, so a revocation shows on the next request. The default cache (answers kept up to 60 s,
        // never past exp) trades that for one call per token per minute.
        cache: false,
      },
    }),
  );

  app.get('/ledger', requireScopes('ledger:read'), (req, res) => {
    res.json({
      api: 'ledger',
      subject: req.auth?.subject,
      scopes: [...(req.auth?.scopes ?? [])],
      entries: [{ id: 'L-1', amount: 42 }],
    });
  });
  return app;
}
