/**
 * Hostile dynamic client registration (RFC 7591 at /register): a flood is cut off per client address (the
 * connection's, when the server listens itself) and in all, with 429 and Retry-After, storing nothing more; a
 * registered secret is guessed no better than a configured one; what one registered client gets, another cannot
 * use; and the grants registration hands out never include client_credentials.
 */
import { createAuthorizationServer, MemoryStore } from '@audguard/authorization-server';
import { describe, expect, it } from 'vitest';
import {
  authorize,
  config,
  expectOAuthError,
  type Reply,
  redeem,
  send,
  setup,
  setupWith,
  token,
} from './as-helpers.js';

const REDIRECT = 'https://app.example.com/cb';
const CLIENT = { redirect_uris: [REDIRECT], client_name: 'Flood' };

function registration(url: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function register(
  as: Awaited<ReturnType<typeof setup>>['as'],
  body: unknown = CLIENT,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return send(as, registration('https://as.example.com/register', body, headers));
}

describe('registration limits', () => {
  it('cuts a flood from one address off at perAddress, with Retry-After, storing nothing more', async () => {
    const { as, store } = await setup({
      clientRegistration: {
        perAddress: 3,
        clientAddress: (request) => request.headers.get('x-test-address') ?? undefined,
      },
    });
    const from = { 'x-test-address': '203.0.113.7' };
    const replies = await Promise.all(Array.from({ length: 8 }, () => register(as, CLIENT, from)));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(3);
    for (const refused of replies.filter((r) => r.status !== 201)) {
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.json?.error).toBe('temporarily_unavailable');
    }
    const stored = store.size;
    expect((await register(as, CLIENT, from)).status).toBe(429);
    expect(store.size, 'a refused registration stores no client').toBe(stored);
    // Another address still registers.
    expect((await register(as, CLIENT, { 'x-test-address': '198.51.100.1' })).status).toBe(201);
  });

  it('counts by the connection address when the server listens itself', async () => {
    const { issuer: _, ...listening } = config({ clientRegistration: { perAddress: 2 } });
    const as = await createAuthorizationServer(listening);
    const server = await as.listen();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(registration(`${server.url}/register`, CLIENT));
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      expect(statuses).toEqual([201, 201, 429]);
    } finally {
      await server.close();
    }
  });

  it('holds every address together to the total', async () => {
    const { as } = await setup({
      clientRegistration: {
        total: 2,
        clientAddress: (request) => request.headers.get('x-test-address') ?? undefined,
      },
    });
    const statuses = [];
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      statuses.push((await register(as, CLIENT, { 'x-test-address': address })).status);
    }
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('spends nothing on invalid registrations', async () => {
    const { as, store } = await setup({ clientRegistration: { total: 1 } });
    for (let i = 0; i < 5; i++) {
      expectOAuthError(
        await register(as, { redirect_uris: ['javascript:alert(1)'] }),
        400,
        'invalid_redirect_uri',
      );
    }
    expect(store.size).toBe(0);
    expect((await register(as)).status).toBe(201);
  });
});

describe('registered clients are held like configured ones', () => {
  it('locks a registered confidential client after attemptLimits.clientAuthentication wrong secrets', async () => {
    const { as } = await setup({ clientRegistration: true, attemptLimits: { clientAuthentication: 3 } });
    const { json } = await register(as);
    const id = String(json?.client_id);
    const secret = String(json?.client_secret);
    for (let i = 0; i < 3; i++) {
      expectOAuthError(
        await token(as, { grant_type: 'refresh_token', refresh_token: 'x' }, [id, `guess${i}`]),
        401,
        'invalid_client',
      );
    }
    const locked = await token(as, { grant_type: 'refresh_token', refresh_token: 'x' }, [id, secret]);
    expect([locked.status, locked.json?.error]).toEqual([429, 'invalid_client']);
  });

  it('refuses a code issued to another registered client', async () => {
    const { as } = await setup({ clientRegistration: true });
    const first = (await register(as)).json;
    const second = (await register(as)).json;
    const { code, verifier } = await authorize(as, {
      client_id: String(first?.client_id),
      redirect_uri: REDIRECT,
      scope: 'read',
    });
    const stolen = await redeem(as, code, verifier, { redirect_uri: REDIRECT }, [
      String(second?.client_id),
      String(second?.client_secret),
    ]);
    expectOAuthError(stolen, 400, 'invalid_grant');
  });

  it('never hands out client_credentials, even to a confidential registered client', async () => {
    const { as } = await setup({ clientRegistration: true });
    expectOAuthError(
      await register(as, { ...CLIENT, grant_types: ['client_credentials'] }),
      400,
      'invalid_client_metadata',
    );
    const { json } = await register(as);
    const res = await token(as, { grant_type: 'client_credentials', scope: 'read' }, [
      String(json?.client_id),
      String(json?.client_secret),
    ]);
    expectOAuthError(res, 400, 'unauthorized_client');
  });

  it('does not look up client ids that registration cannot have issued', async () => {
    const store = new MemoryStore({ sweepIntervalSeconds: 0 });
    const reads: string[] = [];
    const get = store.get.bind(store);
    store.get = async (key) => {
      reads.push(key);
      return get(key);
    };
    const { as } = await setupWith(store, { clientRegistration: true });
    const res = await token(as, { grant_type: 'refresh_token', refresh_token: 'x' }, [
      '../../etc/passwd',
      'x',
    ]);
    expectOAuthError(res, 401, 'invalid_client');
    expect(reads.filter((key) => key.startsWith('client:'))).toEqual([]);
    const registered = String((await register(as)).json?.client_id);
    await token(as, { grant_type: 'refresh_token', refresh_token: 'x' }, [registered, 'x']);
    expect(reads.filter((key) => key.startsWith('client:'))).toEqual([`client:${registered}`]);
  });
});
