/**
 * Compile-time checks of what each adapter tells TypeScript about the verified token: where it lives, that the
 * claims' generic flows through, and that `credentialsRequired: false` makes it possibly `undefined`.
 */
import type { AccessToken, Verifier } from '@audguard/core';
import * as ex from '@audguard/express';
import * as ho from '@audguard/hono';
import * as ko from '@audguard/koa';
import Router from '@koa/router';
import type { Request, RequestHandler } from 'express';
import { Hono } from 'hono';
import Koa from 'koa';
import { describe, expectTypeOf, test } from 'vitest';

interface Claims {
  tenant: string;
  roles: string[];
}
declare const verifier: Verifier<Claims>;
const options = { issuer: 'https://as.example.com', audience: 'https://api.example.com' };

/** True when `undefined` is a possible value of T. */
type MayBeUndefined<T> = undefined extends T ? true : false;

describe('express', () => {
  test('req.auth is declared on every request, possibly undefined', () => {
    expectTypeOf<Request['auth']>().toEqualTypeOf<AccessToken | undefined>();
  });
  test('AuthenticatedRequest<Claims> types the claims', () => {
    const handler = (req: ex.AuthenticatedRequest<Claims>) => {
      expectTypeOf(req.auth.claims.tenant).toEqualTypeOf<string>();
      expectTypeOf(req.auth.claims.roles).toEqualTypeOf<string[]>();
      expectTypeOf(req.auth.scopes).toEqualTypeOf<ReadonlySet<string>>();
      expectTypeOf<MayBeUndefined<typeof req.auth>>().toEqualTypeOf<false>();
    };
    expectTypeOf(handler).parameter(0).toExtend<Request>();
  });
  test('guard, requireScopes and protectedResource are Express middleware', () => {
    expectTypeOf(ex.guard(verifier)).toEqualTypeOf<RequestHandler>();
    expectTypeOf(ex.guard({ ...options, errors: 'next' })).toEqualTypeOf<RequestHandler>();
    expectTypeOf(ex.requireScopes('a')).toEqualTypeOf<RequestHandler>();
    expectTypeOf(ex.protectedResource).returns.toEqualTypeOf<RequestHandler>();
    // @ts-expect-error Koa's error mode is not Express's.
    ex.guard(verifier, { errors: 'throw' });
  });
});

describe('hono', () => {
  test('after guard(verifier), c.get("auth") is the token with the verifier’s claims', () => {
    new Hono().use(ho.guard(verifier)).get('/', (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<AccessToken<Claims>>();
      expectTypeOf(c.var.auth.claims.tenant).toEqualTypeOf<string>();
      return c.text('ok');
    });
  });
  test('guard<Claims>(options) types the claims too', () => {
    new Hono().get('/', ho.guard<Claims>(options), (c) => {
      expectTypeOf(c.get('auth').claims.roles).toEqualTypeOf<string[]>();
      return c.text('ok');
    });
  });
  test('credentialsRequired: false makes the token possibly undefined', () => {
    new Hono().use(ho.guard(verifier, { credentialsRequired: false })).get('/', (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<AccessToken<Claims> | undefined>();
      return c.text('ok');
    });
    const flag: boolean = Math.random() > 0.5;
    new Hono().use(ho.guard({ ...options, credentialsRequired: flag })).get('/', (c) => {
      expectTypeOf<MayBeUndefined<ReturnType<typeof c.get<'auth'>>>>().toEqualTypeOf<true>();
      return c.text('ok');
    });
  });
  test('after requireScopes the token is known to be there', () => {
    new Hono()
      .use(ho.guard(verifier, { credentialsRequired: false }))
      .get('/', ho.requireScopes('a'), (c) => {
        expectTypeOf<MayBeUndefined<typeof c.var.auth>>().toEqualTypeOf<false>();
        expectTypeOf(c.var.auth.claims.tenant).toEqualTypeOf<string>();
        return c.text('ok');
      });
  });
  test('on a route no guard typed, c.get("auth") is still known, possibly undefined', () => {
    new Hono().get('/', (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<AccessToken | undefined>();
      return c.text('ok');
    });
  });
});

describe('koa', () => {
  test('after app.use(guard(verifier)), ctx.state.auth carries the claims', () => {
    new Koa().use(ko.guard(verifier)).use((ctx) => {
      expectTypeOf(ctx.state.auth.claims.tenant).toEqualTypeOf<string>();
      expectTypeOf<MayBeUndefined<typeof ctx.state.auth>>().toEqualTypeOf<false>();
    });
  });
  test('a router typed with AuthState<Claims>', () => {
    new Router<ko.AuthState<Claims>>().get('/', ko.requireScopes('a'), (ctx) => {
      expectTypeOf(ctx.state.auth.claims.roles).toEqualTypeOf<string[]>();
    });
  });
  test('credentialsRequired: false makes the token possibly undefined', () => {
    new Koa().use(ko.guard(verifier, { credentialsRequired: false })).use((ctx) => {
      expectTypeOf<MayBeUndefined<typeof ctx.state.auth>>().toEqualTypeOf<true>();
    });
    new Router().get(
      '/',
      ko.guard<Claims>({ ...options, credentialsRequired: false }),
      ko.requireScopes('a'),
      (ctx) => {
        expectTypeOf<MayBeUndefined<typeof ctx.state.auth>>().toEqualTypeOf<true>();
      },
    );
  });
  test('without a typed guard, ctx.state.auth is declared, possibly undefined', () => {
    new Koa().use((ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<AccessToken | undefined>();
    });
  });
});
