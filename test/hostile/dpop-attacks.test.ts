/**
 * The DPoP attack matrix (RFC 9449): one table of proofs and requests, each with the status, the `error` and the
 * challenge that must carry it, run over HTTP against the same app built with Express, Koa and Hono (test/dpop/
 * world.ts). `/orders` allows DPoP beside bearer tokens: every 401 offers both challenges, and the error goes to the
 * scheme the request used (§7.2); `/required/orders` offers the DPoP challenge alone. Controls — variants of a good
 * proof that must pass — come first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proof as makeProof, type ProofOptions } from '../../packages/core/test/dpop.js';
import { challenges } from '../dpop/challenge.js';
import { AUDIENCE, type DpopKit, dpopKit, htu, ROUTES, TARGETS, type Target } from '../dpop/world.js';
import type { AttackRequest, AttackResponse } from './attacks/wire.js';

let kit: DpopKit;
beforeAll(async () => {
  kit = await dpopKit();
});

interface Expected {
  status: number;
  /** The JSON and challenge `error`; absent for 200 and for a request without credentials. */
  error?: string;
  /** Which challenge carries the error: the scheme the request used, or both when it cannot be told. */
  in?: 'Bearer' | 'DPoP' | 'both';
}

interface Row {
  name: string;
  request: (k: DpopKit) => AttackRequest;
  expect: Expected;
}

const now = () => Math.floor(Date.now() / 1000);
/** A request to `path` with `Authorization: DPoP <token>` and one proof made as `options` say. */
function dpop(
  path: string,
  token: (k: DpopKit) => string,
  options: (k: DpopKit) => Partial<ProofOptions> = () => ({}),
) {
  return (k: DpopKit): AttackRequest => {
    const t = token(k);
    const { signWith, ...rest } = options(k);
    const proof = makeProof(rest.header?.jwk === k.thief.jwk ? k.thief : k.client, {
      htu: htu(path.split('?')[0] as string),
      token: t,
      ...(signWith === undefined ? {} : { signWith }),
      ...rest,
    });
    return {
      path,
      headers: [
        ['Authorization', `DPoP ${t}`],
        ['DPoP', proof],
      ],
    };
  };
}
const bound = (k: DpopKit) => k.bound;
const OK: Expected = { status: 200 };
const PROOF: Expected = { status: 401, error: 'invalid_dpop_proof', in: 'DPoP' };
const TOKEN_DPOP: Expected = { status: 401, error: 'invalid_token', in: 'DPoP' };

const ROWS: Row[] = [
  // Controls: what a legitimate client sends passes, in every spelling RFC 3986 normalisation makes equal.
  { name: 'control: a bound token and its proof', request: dpop(ROUTES.allowed, bound), expect: OK },
  {
    name: 'control: the scheme in lower case ("dpop")',
    request: (k) => {
      const r = dpop(ROUTES.allowed, bound)(k);
      return { ...r, headers: [['Authorization', `dpop ${k.bound}`], r.headers[1] as [string, string]] };
    },
    expect: OK,
  },
  {
    name: 'control: htu with an upper-case scheme and host',
    request: dpop(ROUTES.allowed, bound, () => ({ htu: 'HTTPS://ORDERS.EXAMPLE.COM/orders' })),
    expect: OK,
  },
  {
    name: 'control: htu with the default port spelled out',
    request: dpop(ROUTES.allowed, bound, () => ({ htu: 'https://orders.example.com:443/orders' })),
    expect: OK,
  },
  {
    name: 'control: a query, ignored on both sides',
    request: dpop(`${ROUTES.allowed}?page=2`, bound, () => ({ htu: `${AUDIENCE}/orders?page=1#x` })),
    expect: OK,
  },
  {
    name: 'control: below a mount, the proof names the path the client called',
    request: dpop(ROUTES.mounted, bound),
    expect: OK,
  },
  {
    name: 'control: a plain bearer token where DPoP is allowed',
    request: (k) => bearerReq(ROUTES.allowed, k.bearer),
    expect: OK,
  },
  {
    name: 'control: a bound token and its proof where DPoP is required',
    request: dpop(ROUTES.required, bound),
    expect: OK,
  },

  // The proof must be for this request (§4.3 checks 8, 9).
  {
    name: 'wrong htm (a proof for POST)',
    request: dpop(ROUTES.allowed, bound, () => ({ htm: 'POST' })),
    expect: PROOF,
  },
  {
    name: 'wrong htu: another host',
    request: dpop(ROUTES.allowed, bound, () => ({ htu: 'https://billing.example.com/orders' })),
    expect: PROOF,
  },
  {
    name: 'wrong htu: another path',
    request: dpop(ROUTES.allowed, bound, () => ({ htu: `${AUDIENCE}/admin` })),
    expect: PROOF,
  },
  {
    name: 'wrong htu: another port',
    request: dpop(ROUTES.allowed, bound, () => ({ htu: 'https://orders.example.com:8443/orders' })),
    expect: PROOF,
  },
  {
    name: 'wrong htu: the path inside the mount, not the one called',
    request: dpop(ROUTES.mounted, bound, () => ({ htu: `${AUDIENCE}/orders` })),
    expect: PROOF,
  },
  // Fresh (§4.3 check 11, §11.1).
  {
    name: 'stale iat (two minutes old)',
    request: dpop(ROUTES.allowed, bound, () => ({ iat: now() - 120 })),
    expect: PROOF,
  },
  {
    name: 'future iat (two minutes ahead)',
    request: dpop(ROUTES.allowed, bound, () => ({ iat: now() + 120 })),
    expect: PROOF,
  },
  // For this token (§4.3 check 12, §7).
  { name: 'missing ath', request: dpop(ROUTES.allowed, bound, () => ({ token: null })), expect: PROOF },
  {
    name: 'invalid ath',
    request: dpop(ROUTES.allowed, bound, () => ({ claims: { ath: 'A'.repeat(43) } })),
    expect: PROOF,
  },
  {
    name: 'a proof for another token',
    request: dpop(ROUTES.allowed, bound, (k) => ({ token: k.bound2 })),
    expect: PROOF,
  },
  // By the token's key (§4.3 checks 6, 12; §6).
  {
    name: "a proof signed by another key than cnf.jkt (the thief's own proof)",
    request: dpop(ROUTES.allowed, bound, (k) => ({ header: { jwk: k.thief.jwk } })),
    expect: TOKEN_DPOP,
  },
  {
    name: "the client's jwk, signed by another key",
    request: dpop(ROUTES.allowed, bound, (k) => ({ signWith: k.thief })),
    expect: PROOF,
  },
  {
    name: 'a private jwk',
    request: dpop(ROUTES.allowed, bound, (k) => ({ header: { jwk: k.client.privateJwk } })),
    expect: PROOF,
  },
  {
    name: 'a symmetric alg (HS256)',
    request: dpop(ROUTES.allowed, bound, () => ({
      header: { alg: 'HS256' },
      hmacSecret: new Uint8Array(32),
    })),
    expect: PROOF,
  },
  {
    name: 'alg none',
    request: dpop(ROUTES.allowed, bound, () => ({ header: { alg: 'none' } })),
    expect: PROOF,
  },
  {
    name: 'typ JWT',
    request: dpop(ROUTES.allowed, bound, () => ({ header: { typ: 'JWT' } })),
    expect: PROOF,
  },
  {
    name: 'a proof that is no JWT',
    request: (k) => ({
      path: ROUTES.allowed,
      headers: [
        ['Authorization', `DPoP ${k.bound}`],
        ['DPoP', 'not.a-proof'],
      ],
    }),
    expect: PROOF,
  },
  // The form of the request (§4.3 check 1, §7.1, §7.2).
  {
    name: 'two DPoP headers',
    request: (k) => {
      const r = dpop(ROUTES.allowed, bound)(k);
      return { ...r, headers: [...r.headers, r.headers[1] as [string, string]] };
    },
    expect: PROOF,
  },
  {
    name: 'two proofs in one DPoP header',
    request: (k) => {
      const r = dpop(ROUTES.allowed, bound)(k);
      const p = (r.headers[1] as [string, string])[1];
      return { ...r, headers: [r.headers[0] as [string, string], ['DPoP', `${p}, ${p}`]] };
    },
    expect: PROOF,
  },
  {
    name: 'a bound token sent as Bearer',
    request: (k) => bearerReq(ROUTES.allowed, k.bound),
    expect: { status: 401, error: 'invalid_token', in: 'Bearer' },
  },
  {
    name: 'Authorization: DPoP without a proof',
    request: (k) => ({ path: ROUTES.allowed, headers: [['Authorization', `DPoP ${k.bound}`]] }),
    expect: { status: 400, error: 'invalid_request', in: 'DPoP' },
  },
  {
    name: 'a proof with the Bearer scheme',
    request: (k) => {
      const r = dpop(ROUTES.allowed, bound)(k);
      return { ...r, headers: [['Authorization', `Bearer ${k.bound}`], r.headers[1] as [string, string]] };
    },
    expect: { status: 400, error: 'invalid_request', in: 'Bearer' },
  },
  {
    name: 'an unbound token with the DPoP scheme',
    request: dpop(ROUTES.allowed, (k) => k.bearer),
    expect: TOKEN_DPOP,
  },
  {
    name: 'a DPoP token and a query token',
    request: (k) => {
      const r = dpop(ROUTES.allowed, bound)(k);
      return { ...r, path: `${ROUTES.allowed}?access_token=${k.bearer}` };
    },
    expect: { status: 400, error: 'invalid_request', in: 'both' },
  },
  { name: 'no credentials', request: () => ({ path: ROUTES.allowed, headers: [] }), expect: { status: 401 } },
  // DPoP required: the DPoP challenge alone.
  {
    name: 'a bearer token where DPoP is required',
    request: (k) => bearerReq(ROUTES.required, k.bearer),
    expect: { status: 401, error: 'invalid_token', in: 'DPoP' },
  },
  {
    name: 'a bound token sent as Bearer where DPoP is required',
    request: (k) => bearerReq(ROUTES.required, k.bound),
    expect: { status: 401, error: 'invalid_token', in: 'DPoP' },
  },
  {
    name: 'no credentials where DPoP is required',
    request: () => ({ path: ROUTES.required, headers: [] }),
    expect: { status: 401 },
  },
  {
    name: 'a stale proof where DPoP is required',
    request: dpop(ROUTES.required, bound, () => ({ iat: now() - 300 })),
    expect: PROOF,
  },
];

function bearerReq(path: string, token: string): AttackRequest {
  return { path, headers: [['Authorization', `Bearer ${token}`]] };
}

function expectOutcome(
  response: AttackResponse,
  expected: Expected,
  path: string,
  sent: AttackRequest,
): void {
  const context = `${response.status} ${response.text} ${response.headers['www-authenticate'] ?? ''}`;
  expect(response.status, context).toBe(expected.status);
  if (expected.status === 200) {
    expect(response.json?.subject, context).toEqual(expect.any(String));
    return;
  }
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.json?.error, context).toBe(expected.error);
  const found = challenges(response.headers['www-authenticate']);
  const required = path.startsWith(ROUTES.required);
  expect(Object.keys(found).sort(), context).toEqual(required ? ['DPoP'] : ['Bearer', 'DPoP']);
  expect(found.DPoP?.algs, context).toMatch(/\bES256\b/);
  expect(found.DPoP?.algs, context).not.toMatch(/HS256|none/);
  const carriers = Object.entries(found)
    .filter(([, params]) => params.error !== undefined)
    .map(([scheme]) => scheme)
    .sort();
  const where = expected.in === undefined ? [] : expected.in === 'both' ? ['Bearer', 'DPoP'] : [expected.in];
  expect(carriers, context).toEqual(where);
  for (const scheme of carriers) expect(found[scheme]?.error, context).toBe(expected.error);
  // Nothing of a token or proof comes back.
  for (const [, value] of sent.headers) {
    const tail = value.split('.').pop() ?? '';
    if (tail.length >= 16) expect(response.text + context).not.toContain(tail.slice(0, 16));
  }
}

describe.each(TARGETS)('%s', (_name, build) => {
  let target: Target;
  beforeAll(async () => {
    target = await build(kit);
  });
  afterAll(async () => {
    await target.close();
  });

  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_label, row) => {
    const request = row.request(kit);
    expectOutcome(await target.send(request), row.expect, request.path, request);
  });

  it('a replayed proof: the first use passes, the second is refused', async () => {
    const request = dpop(ROUTES.allowed, bound)(kit);
    expectOutcome(await target.send(request), OK, request.path, request);
    expectOutcome(await target.send(request), PROOF, request.path, request);
  });

  it('20 parallel uses of one proof on one instance: exactly one 200', async () => {
    const request = dpop(ROUTES.required, bound)(kit);
    const responses = await Promise.all(Array.from({ length: 20 }, () => target.send(request)));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    for (const response of responses.filter((r) => r.status !== 200)) {
      expectOutcome(response, PROOF, request.path, request);
    }
  });
});
