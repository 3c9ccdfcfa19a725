import { describe, expect, it } from 'vitest';
import { basic, create, ISSUER, post, token } from '../../test/helpers.js';
import type { Store } from '../store.js';

const cc = { grant_type: 'client_credentials', scope: 'read', resource: 'urn:invoices' };

function expectNoStore(headers: Headers) {
  expect(headers.get('cache-control')).toBe('no-store');
  expect(headers.get('pragma')).toBe('no-cache');
}

describe('POST /token: request format', () => {
  it('answers a token response that no cache may keep', async () => {
    const as = await create();
    const res = await token(as, cc, ['client', 'secret']);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expectNoStore(res.headers);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'read',
    });
  });

  it('answers errors as RFC 6749 §5.2 JSON with no-store', async () => {
    const as = await create();
    const res = await token(as, { ...cc, scope: 'delete' }, ['client', 'secret']);
    expect(res.status).toBe(400);
    expectNoStore(res.headers);
    expect(res.body).toEqual({ error: 'invalid_scope', error_description: expect.any(String) });
  });

  it('refuses a body that is not form-encoded', async () => {
    const as = await create();
    const res = await as.fetch(
      new Request(`${ISSUER}/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: basic('client', 'secret') },
        body: JSON.stringify(cc),
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    expectNoStore(res.headers);
  });

  it('accepts a charset parameter on the form content type', async () => {
    const as = await create();
    const res = await as.fetch(
      new Request(`${ISSUER}/token`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8',
          Authorization: basic('client', 'secret'),
        },
        body: new URLSearchParams(cc),
      }),
    );
    expect(res.status).toBe(200);
  });

  it.each(['grant_type', 'scope', 'client_id'])(
    'refuses a repeated %s with invalid_request',
    async (name) => {
      const as = await create();
      const body = new URLSearchParams({ ...cc, client_id: 'client', client_secret: 'secret' });
      body.append(name, body.get(name) ?? '');
      const res = await as.fetch(
        new Request(`${ISSUER}/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body,
        }),
      );
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    },
  );

  it('refuses a body over 64 KiB with 413 invalid_request', async () => {
    const as = await create();
    const res = await token(as, { ...cc, padding: 'x'.repeat(70_000) }, ['client', 'secret']);
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses an oversized streamed body without Content-Length', async () => {
    const as = await create();
    const chunk = new TextEncoder().encode(`grant_type=client_credentials&p=${'x'.repeat(40_000)}`);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await as.fetch(
      new Request(`${ISSUER}/token`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: basic('client', 'secret'),
        },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(413);
  });

  it('treats an empty parameter as omitted (RFC 6749 §3.1)', async () => {
    const as = await create();
    const res = await token(as, { grant_type: '' }, ['client', 'secret']);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses a missing grant_type with invalid_request and an unknown one with unsupported_grant_type', async () => {
    const as = await create();
    expect((await token(as, { scope: 'read' }, ['client', 'secret'])).body.error).toBe('invalid_request');
    const res = await token(as, { grant_type: 'password', username: 'a', password: 'b' }, [
      'client',
      'secret',
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
  });

  it('refuses a grant type the client is not registered for with unauthorized_client', async () => {
    const as = await create();
    const res = await token(as, { grant_type: 'refresh_token', refresh_token: 'x' }, [
      'invoice_worker',
      'worker-secret',
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('answers 405 to other methods, and 404 JSON to unknown paths', async () => {
    const as = await create();
    const res = await as.fetch(new Request(`${ISSUER}/token`));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    const missing = await as.fetch(new Request(`${ISSUER}/nope`));
    expect(missing.status).toBe(404);
  });
});

describe('POST /token: client authentication', () => {
  it('accepts client_secret_basic', async () => {
    const as = await create();
    expect((await token(as, cc, ['client', 'secret'])).status).toBe(200);
  });

  it('accepts client_secret_basic with form-encoded credentials (RFC 6749 §2.3.1)', async () => {
    const as = await create({
      clients: [
        {
          clientId: 'a b:c',
          clientSecret: 'p@ss w%rd',
          grantTypes: ['client_credentials'],
          scopes: ['read'],
        },
      ],
    });
    const res = await token(as, { grant_type: 'client_credentials' }, ['a b:c', 'p@ss w%rd']);
    expect(res.status).toBe(200);
  });

  it('accepts client_secret_post', async () => {
    const as = await create();
    const res = await token(as, { ...cc, client_id: 'client', client_secret: 'secret' });
    expect(res.status).toBe(200);
  });

  it('answers a wrong secret over Basic with 401 and WWW-Authenticate: Basic', async () => {
    const as = await create();
    const res = await token(as, cc, ['client', 'wrong']);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(res.body.error).toBe('invalid_client');
    expectNoStore(res.headers);
  });

  it('refuses a wrong secret in the body with invalid_client', async () => {
    const as = await create();
    const res = await token(as, { ...cc, client_id: 'client', client_secret: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses an unknown client with invalid_client', async () => {
    const as = await create();
    expect((await token(as, cc, ['nobody', 'secret'])).body.error).toBe('invalid_client');
  });

  it('refuses a confidential client that sends no secret', async () => {
    const as = await create();
    expect((await token(as, { ...cc, client_id: 'client' })).body.error).toBe('invalid_client');
  });

  it('refuses a request with no client authentication at all', async () => {
    const as = await create();
    expect((await token(as, cc)).status).toBe(401);
  });

  it('refuses a public client that sends a secret', async () => {
    const as = await create();
    const res = await token(as, {
      grant_type: 'authorization_code',
      code: 'x',
      client_id: 'spa',
      client_secret: 'x',
    });
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses two authentication methods in one request with invalid_request', async () => {
    const as = await create();
    const res = await token(as, { ...cc, client_secret: 'secret' }, ['client', 'secret']);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses a client_id that disagrees with the Basic header', async () => {
    const as = await create();
    expect((await token(as, { ...cc, client_id: 'spa' }, ['client', 'secret'])).body.error).toBe(
      'invalid_request',
    );
  });

  it.each(['Basic', 'Basic !!!', `Basic ${btoa('no-colon')}`, 'Bearer abc', `Basic ${btoa('client:%zz')}`])(
    'answers a malformed Authorization header (%s) with 401, never 500',
    async (header) => {
      const as = await create();
      const res = await as.fetch(
        new Request(`${ISSUER}/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: header },
          body: new URLSearchParams(cc),
        }),
      );
      expect(res.status).toBe(401);
      expect((await res.json()).error).toBe('invalid_client');
    },
  );
});

describe('unexpected failures', () => {
  it('answer a generic server_error that leaks nothing', async () => {
    const broken: Store = {
      set: () => Promise.reject(new Error('redis://admin:hunter2@db is down')),
      get: () => Promise.reject(new Error('redis://admin:hunter2@db is down')),
      consume: () => Promise.reject(new Error('redis://admin:hunter2@db is down')),
      delete: () => Promise.reject(new Error('redis://admin:hunter2@db is down')),
      increment: () => Promise.reject(new Error('redis://admin:hunter2@db is down')),
    };
    const as = await create({ store: broken });
    const res = await post(as, '/token', { grant_type: 'refresh_token', refresh_token: 'x' }, [
      'client',
      'secret',
    ]);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: 'server_error',
      error_description: 'The server had an internal error.',
    });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expectNoStore(res.headers);
  });
});
