/**
 * The contract every {@link Store} keeps, as a reusable vitest suite: `MemoryStore` runs it (src/store.test.ts), and
 * so must any shared store (Redis, ...) before the authorization server may sit on it. The first part holds the
 * store to each method's TSDoc (values, expiry, atomic consume and increment); the second runs the server on the
 * store and proves what rests on it: one winner among concurrent redemptions, rotations and posts of one login form,
 * exactly the limit of concurrent guesses let through, and a replay after that revoking.
 *
 * @example
 * ```ts
 * describeStoreContract('RedisStore', async () => {
 *   const store = createRedisStore({ url, prefix: `test-${randomUUID()}:` });
 *   return { store, advance: (seconds) => sleep(seconds * 1000), close: () => store.close() };
 * });
 * ```
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../src/store.js';
import { dpopKey, dpopToken, proof } from './dpop.js';
import { authorize, CALLBACK, create, openLoginPage, postLoginForm, token, verify } from './helpers.js';

/** A store under test, and how to let time pass for it. */
export interface StoreHarness {
  readonly store: Store;
  /**
   * Lets `seconds` pass as the store sees them: a fake clock moved forward (`MemoryStore({ now })`), or real time
   * waited for a store that keeps its own clock. The suite never asks for more than 3 seconds in all per test.
   */
  advance(seconds: number): Promise<void>;
  /** Releases the store (timers, connections) after each test. */
  close?(): Promise<void> | void;
}

/**
 * Declares the store contract suite for `name`. `make` is called once per test and must return a store that holds no
 * key the suite writes (the suite's keys are unique per run, so a shared database can be reused).
 */
export function describeStoreContract(name: string, make: () => StoreHarness | Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    const open: StoreHarness[] = [];
    const harness = async () => {
      const made = await make();
      open.push(made);
      return made;
    };
    afterEach(async () => {
      for (const made of open.splice(0)) await made.close?.();
    });
    // Unique per test, in the shapes the server writes (`prefix:base64url`), so nothing collides across runs.
    const key = (prefix = 'code') => `${prefix}:${randomUUID()}`;

    it('get returns what set stored, and undefined for a key never set', async () => {
      const { store } = await harness();
      const k = key();
      await store.set(k, '{"grantId":"g1"}', 60);
      expect(await store.get(k)).toBe('{"grantId":"g1"}');
      expect(await store.get(key())).toBeUndefined();
    });

    it('keeps values exactly: JSON, non-ASCII text and 64 KiB', async () => {
      const { store } = await harness();
      const values = [
        JSON.stringify({ scopes: ['read'], note: 'é ü 漢字 🙂', quote: '"\\' }),
        'x'.repeat(65_536),
      ];
      for (const value of values) {
        const k = key();
        await store.set(k, value, 60);
        expect(await store.get(k)).toBe(value);
      }
    });

    it('set replaces the earlier value and its expiry', async () => {
      const { store, advance } = await harness();
      const k = key();
      await store.set(k, 'first', 1);
      await store.set(k, 'second', 3);
      expect(await store.get(k)).toBe('second');
      await advance(1.5);
      expect(await store.get(k)).toBe('second');
    });

    it('a value lives for its ttl, then is gone for get and consume alike', async () => {
      const { store, advance } = await harness();
      const [read, taken] = [key(), key()];
      await store.set(read, 'v', 2);
      await store.set(taken, 'v', 2);
      await advance(1);
      expect(await store.get(read)).toBe('v');
      await advance(1.5);
      expect(await store.get(read)).toBeUndefined();
      expect(await store.consume(taken)).toBeUndefined();
    });

    it('keys are distinct strings: a key is not a prefix match of another', async () => {
      const { store } = await harness();
      const k = key('rt');
      await store.set(k, 'short', 60);
      await store.set(`${k}x`, 'long', 60);
      await store.set(k.replace('rt:', 'rt-used:'), 'used', 60);
      expect(await store.consume(k)).toBe('short');
      expect(await store.get(`${k}x`)).toBe('long');
      expect(await store.get(k.replace('rt:', 'rt-used:'))).toBe('used');
    });

    it('consume returns the value and deletes it: a second consume and a get find nothing', async () => {
      const { store } = await harness();
      const k = key();
      await store.set(k, 'v', 60);
      expect(await store.consume(k)).toBe('v');
      expect(await store.consume(k)).toBeUndefined();
      expect(await store.get(k)).toBeUndefined();
      expect(await store.consume(key())).toBeUndefined();
    });

    it('of 20 concurrent consumes of one key exactly one gets the value', async () => {
      const { store } = await harness();
      const k = key();
      await store.set(k, 'grant-1', 60);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.consume(k)));
      expect(results.filter((value) => value === 'grant-1')).toHaveLength(1);
      expect(results.filter((value) => value === undefined)).toHaveLength(19);
    });

    it('increment counts from 1, and of 20 concurrent increments the answers are exactly 1…20', async () => {
      const { store } = await harness();
      const k = key('attempts');
      expect(await store.increment(k, 60)).toBe(1);
      expect(await store.increment(k, 60)).toBe(2);
      const fresh = key('attempts');
      const counts = await Promise.all(Array.from({ length: 20 }, () => store.increment(fresh, 60)));
      expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('get reads a counter as its decimal count', async () => {
      const { store } = await harness();
      const k = key('attempts');
      for (let i = 0; i < 3; i++) await store.increment(k, 60);
      expect(await store.get(k)).toBe('3');
    });

    it('an increment window expires ttl after the first increment; later ones do not extend it', async () => {
      const { store, advance } = await harness();
      const k = key('attempts');
      await store.increment(k, 2);
      await advance(1);
      expect(await store.increment(k, 2)).toBe(2);
      await advance(1.5);
      expect(await store.increment(k, 2)).toBe(1);
    });

    it('delete removes a key, and deleting a missing key is no error', async () => {
      const { store } = await harness();
      const k = key();
      await store.set(k, 'v', 60);
      await store.delete(k);
      await store.delete(key());
      expect(await store.get(k)).toBeUndefined();
    });

    describe('the authorization server on this store', () => {
      const client: [string, string] = ['client', 'secret'];
      const redeem = (as: Awaited<ReturnType<typeof create>>, code: string, verifier: string) =>
        token(
          as,
          { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier },
          client,
        );
      const refresh = (as: Awaited<ReturnType<typeof create>>, refreshToken: unknown) =>
        token(as, { grant_type: 'refresh_token', refresh_token: String(refreshToken) }, client);

      it('of 20 concurrent redemptions of one code exactly one wins, and its tokens keep working', async () => {
        const { store } = await harness();
        const as = await create({ store });
        const { code, verifier } = await authorize(as, { scope: 'read offline_access' });
        const results = await Promise.all(Array.from({ length: 20 }, () => redeem(as, code, verifier)));
        const won = results.filter((res) => res.status === 200);
        expect(won).toHaveLength(1);
        expect(results.filter((res) => res.body.error === 'invalid_grant')).toHaveLength(19);
        const { payload } = await verify(as, String(won[0]?.body.access_token));
        expect(await store.get(`revoked:${payload.jti}`)).toBeUndefined();
        expect((await refresh(as, won[0]?.body.refresh_token)).status).toBe(200);
      });

      it('of 20 concurrent posts of one login form exactly one is accepted', async () => {
        const { store } = await harness();
        const as = await create({ store, autoApprove: false });
        const page = await openLoginPage(as);
        const results = await Promise.all(
          Array.from({ length: 20 }, () => postLoginForm(as, page, { decision: 'deny' })),
        );
        expect(results.filter((res) => res.status === 303)).toHaveLength(1);
        expect(results.filter((res) => res.status === 400)).toHaveLength(19);
      });

      it('of 40 concurrent wrong client secrets exactly 20 (the limit) are answered 401, the others 429', async () => {
        const { store } = await harness();
        const as = await create({ store });
        const cc = { grant_type: 'client_credentials', scope: 'read', resource: 'urn:invoices' };
        const results = await Promise.all(
          Array.from({ length: 40 }, () => token(as, cc, ['client', 'nope'])),
        );
        expect(results.filter((res) => res.status === 401)).toHaveLength(20);
        expect(results.filter((res) => res.status === 429)).toHaveLength(20);
      });

      it('of 12 concurrent wrong passwords for one user exactly 5 (the limit) are checked, the others 429', async () => {
        const { store } = await harness();
        const as = await create({ store, autoApprove: false });
        const pages = await Promise.all(Array.from({ length: 12 }, () => openLoginPage(as)));
        const results = await Promise.all(
          pages.map((page) =>
            postLoginForm(as, page, { decision: 'approve', username: 'alice', password: 'nope' }),
          ),
        );
        expect(results.filter((res) => res.status === 200)).toHaveLength(5);
        expect(results.filter((res) => res.status === 429)).toHaveLength(7);
      });

      it('of 20 concurrent refreshes with one token exactly one wins; a later reuse revokes the family', async () => {
        const { store } = await harness();
        const as = await create({ store });
        const { code, verifier } = await authorize(as, { scope: 'read offline_access' });
        const first = await redeem(as, code, verifier);
        const results = await Promise.all(
          Array.from({ length: 20 }, () => refresh(as, first.body.refresh_token)),
        );
        const won = results.filter((res) => res.status === 200);
        expect(won).toHaveLength(1);
        expect(results.filter((res) => res.body.error === 'invalid_grant')).toHaveLength(19);

        expect((await refresh(as, first.body.refresh_token)).body.error).toBe('invalid_grant');
        expect((await refresh(as, won[0]?.body.refresh_token)).body.error).toBe('invalid_grant');
        for (const access of [first.body.access_token, String(won[0]?.body.access_token)]) {
          const { payload } = await verify(as, access);
          expect(await store.get(`revoked:${payload.jti}`)).toBeDefined();
        }
      });

      it('carries DPoP bindings between servers: a dpop_jkt code and a public client’s bound refresh token', async () => {
        const { store } = await harness();
        const [a, b] = [await create({ store, dpop: true }), await create({ store, dpop: true })];
        const [key, other] = [await dpopKey(), await dpopKey()];
        const htu = `${a.issuer}/token`;
        const { code, verifier } = await authorize(a, {
          client_id: 'spa',
          scope: 'read offline_access',
          dpop_jkt: key.jkt,
        });
        const params = { grant_type: 'authorization_code', client_id: 'spa', code, redirect_uri: CALLBACK };
        const redeem = (proofs: string[]) => dpopToken(b, { ...params, code_verifier: verifier }, proofs);
        expect((await redeem([await proof(other, { htu })])).body.error).toBe('invalid_dpop_proof');
        const redeemed = await redeem([await proof(key, { htu })]);
        expect([redeemed.status, redeemed.body.token_type]).toEqual([200, 'DPoP']);
        const refreshWith = (as: typeof a, signer: typeof key) =>
          proof(signer, { htu }).then((p) =>
            dpopToken(
              as,
              { grant_type: 'refresh_token', client_id: 'spa', refresh_token: redeemed.body.refresh_token },
              [p],
            ),
          );
        expect((await refreshWith(a, other)).body.error).toBe('invalid_dpop_proof');
        expect((await refreshWith(a, key)).status).toBe(200);
      });
    });
  });
}
