// The orders API, on Express: every route needs a token minted for this API.
import { guard, requireScopes } from '@audguard/express';
import express from 'express';

export interface ApiOptions {
  /** The authorization server the API trusts: in tests, `issuer.issuer` from `startTestIssuer()`. */
  issuer: string;
  /** This API's resource identifier: the audience its tokens must carry. */
  audience: string;
}

export function ordersApi({ issuer, audience }: ApiOptions): express.Express {
  const app = express();
  app.use(guard({ issuer, audience }));
  app.get('/orders', requireScopes('orders:read'), (req, res) => {
    res.json({ subject: req.auth?.subject, orders: [{ id: 1 }] });
  });
  return app;
}
