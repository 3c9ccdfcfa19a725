// A deliberately broken API: hand-written jose middleware that checks the signature, issuer, type and expiry — but
// not the audience. Every test with a valid token passes; any token the issuer minted for another API gets in too.
import express from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { ApiOptions } from './orders-express.js';

export function reportsApi({ issuer }: ApiOptions): express.Express {
  const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  const app = express();
  app.use(async (req, res, next) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) return void res.status(401).end();
    try {
      const { payload } = await jwtVerify(token, keys, { issuer, typ: 'at+jwt' }); // BUG: no `audience`
      res.locals.scopes = String(payload.scope ?? '').split(' ');
    } catch {
      return void res.status(401).end();
    }
    next();
  });
  app.get('/reports', (_req, res) => {
    if (!(res.locals.scopes as string[]).includes('reports:read')) return void res.status(403).end();
    res.json({ reports: [] });
  });
  return app;
}
