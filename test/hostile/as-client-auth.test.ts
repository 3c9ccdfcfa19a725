/**
 * Client authentication at /token and /revoke under abuse: malformed Basic headers, wrong or missing secrets, unknown
 * clients, public clients sending secrets, and two methods at once. Each is 401 invalid_client (or 400
 * invalid_request for two methods) and stores nothing but, for a registered confidential client, its failure count.
 */
import { describe, expect, it } from 'vitest';
import { basic, CC, CLIENT, expectOAuthError, type FormInit, post, setup } from './as-helpers.js';

describe('client authentication (/token and /revoke)', () => {
  const notUtf8 = `Basic ${Buffer.from([0x63, 0xff, 0x3a, 0x73]).toString('base64')}`;
  const malformed: [string, string][] = [
    ['the bare scheme', 'Basic'],
    ['the scheme and a space', 'Basic '],
    ['characters outside base64', 'Basic !!!!'],
    ['impossible base64 length', 'Basic a'],
    ['no colon', `Basic ${btoa('client')}`],
    ['an empty client id', `Basic ${btoa(':secret')}`],
    ['bad percent-encoding', `Basic ${btoa('client%ZZ:secret%')}`],
    ['bytes that are not UTF-8', notUtf8],
    ['trailing junk', `Basic ${btoa('client:secret')} junk`],
    ['two credentials in one header', `${basic(...CLIENT)}, ${basic(...CLIENT)}`],
    ['a glued scheme', `Basic${btoa('client:secret')}`],
    ['a Bearer credential', 'Bearer abc.def.ghi'],
    ['a Digest credential', 'Digest username="client", response="x"'],
    ['Latin-1 characters', 'Basic \u00e9t\u00e9'],
  ];

  for (const path of ['/token', '/revoke']) {
    const body = path === '/token' ? { ...CC } : { token: 'whatever' };

    it.each(malformed)(
      `${path}: refuses a Basic header with %s as 401 invalid_client`,
      async (_name, header) => {
        const { as, store } = await setup();
        const reply = await post(as, path, body, { headers: { authorization: header } });
        expectOAuthError(reply, 401, 'invalid_client');
        expect(store.size).toBe(0);
      },
    );

    // The last column: what is stored. A failed authentication of a registered confidential client is counted
    // against it (one counter per client and window, for the throttle: as-guessing.test.ts); nothing else is.
    it.each<[string, FormInit, readonly [string, string] | undefined, number]>([
      ['a wrong secret (basic)', {}, ['client', 'wrong'], 1],
      ['a wrong secret (post)', { client_id: 'client', client_secret: 'wrong' }, undefined, 1],
      [
        'a secret that is a prefix of the right one (post)',
        { client_id: 'client', client_secret: 'secre' },
        undefined,
        1,
      ],
      ['an unknown client (basic)', {}, ['mallory', 'secret'], 0],
      ['an unknown client (post)', { client_id: 'mallory', client_secret: 'secret' }, undefined, 0],
      ['an unknown client with no secret', { client_id: 'mallory' }, undefined, 0],
      ['a confidential client without its secret', { client_id: 'client' }, undefined, 1],
      [
        'a confidential client with an empty secret',
        { client_id: 'client', client_secret: '' },
        undefined,
        1,
      ],
      ['a public client sending a secret', { client_id: 'spa', client_secret: 'guess' }, undefined, 0],
      ['a public client sending a secret (basic)', {}, ['spa', 'guess'], 0],
      ['no client authentication at all', {}, undefined, 0],
    ])(`${path}: refuses %s with 401 invalid_client`, async (_name, extra, auth, stored) => {
      const { as, store } = await setup();
      const reply = await post(as, path, { ...body, ...extra }, auth === undefined ? {} : { auth });
      expectOAuthError(reply, 401, 'invalid_client');
      expect(store.size).toBe(stored);
    });

    it(`${path}: refuses two authentication methods (basic and post) with 400 invalid_request`, async () => {
      const { as, store } = await setup();
      const both = await post(
        as,
        path,
        { ...body, client_id: 'client', client_secret: 'secret' },
        { auth: CLIENT },
      );
      expectOAuthError(both, 400, 'invalid_request');
      const mismatch = await post(as, path, { ...body, client_id: 'worker' }, { auth: CLIENT });
      expectOAuthError(mismatch, 400, 'invalid_request');
      expect(store.size).toBe(0);
    });
  }
});
