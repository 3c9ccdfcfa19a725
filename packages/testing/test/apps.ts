// The same orders API on each audguard adapter: GET /orders needs orders:read, POST /orders needs orders:write.
import * as ex from '@audguard/express';
import * as ho from '@audguard/hono';
import * as ko from '@audguard/koa';
import Router from '@koa/router';
import express from 'express';
import { Hono } from 'hono';
import Koa from 'koa';

export interface ApiOptions {
  issuer: string;
  audience: string;
  audiencePolicy?: 'any' | 'exclusive';
}

export function expressApi({ issuer, audience, audiencePolicy = 'any' }: ApiOptions): express.Express {
  const app = express();
  app.use(ex.guard({ issuer, audience, audiencePolicy }));
  app.get('/orders', ex.requireScopes('orders:read'), (_req, res) => void res.json({ orders: [] }));
  app.post('/orders', ex.requireScopes('orders:write'), (_req, res) => void res.status(201).json({ id: 1 }));
  return app;
}

export function honoApi({ issuer, audience, audiencePolicy = 'any' }: ApiOptions): Hono {
  const app = new Hono();
  app.use(ho.guard({ issuer, audience, audiencePolicy }));
  app.get('/orders', ho.requireScopes('orders:read'), (c) => c.json({ orders: [] }));
  app.post('/orders', ho.requireScopes('orders:write'), (c) => c.json({ id: 1 }, 201));
  return app;
}

export function koaApi({ issuer, audience, audiencePolicy = 'any' }: ApiOptions): Koa {
  const app = new Koa();
  const router = new Router();
  router.get('/orders', ko.requireScopes('orders:read'), (ctx) => {
    ctx.body = { orders: [] };
  });
  router.post('/orders', ko.requireScopes('orders:write'), (ctx) => {
    ctx.status = 201;
    ctx.body = { id: 1 };
  });
  app.use(ko.guard({ issuer, audience, audiencePolicy }));
  app.use(router.routes());
  return app;
}
