/**
 * The token endpoint's request format under abuse: content types, body size limits (declared and streamed),
 * repeated parameters, missing or unknown grant types, and grant types a client may not use. Each refusal is the
 * RFC 6749 §5.2 error and stores nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  basic,
  CALLBACK,
  CC,
  CLIENT,
  expectOAuthError,
  FORM_TYPE,
  type FormInit,
  ISSUER,
  MAX_BODY,
  post,
  rawPost,
  send,
  setup,
  token,
  WORKER,
} from './as-helpers.js';

/** A body of `size` bytes streamed without Content-Length. */
function streamOf(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      const chunk = Math.min(16_384, size - sent);
      if (chunk <= 0) {
        controller.close();
        return;
      }
      controller.enqueue(new Uint8Array(chunk).fill(0x61));
      sent += chunk;
    },
  });
}

function streamed(path: string, size: number, headers: Record<string, string>): Request {
  return new Request(`${ISSUER}${path}`, {
    method: 'POST',
    headers,
    body: streamOf(size),
    duplex: 'half',
  } as RequestInit);
}

describe('POST /token: request format', () => {
  const multipart = () => {
    const data = new FormData();
    for (const [name, value] of Object.entries(CC)) data.set(name, value);
    return data;
  };
  it.each<[string, () => BodyInit | null, Record<string, string>]>([
    ['a JSON body', () => JSON.stringify(CC), { 'content-type': 'application/json' }],
    ['a multipart body', multipart, {}],
    ['a text/plain body', () => new URLSearchParams(CC).toString(), { 'content-type': 'text/plain' }],
    ['no content type', () => new Blob([new URLSearchParams(CC).toString()]), {}],
    ['a look-alike type', () => new URLSearchParams(CC).toString(), { 'content-type': `${FORM_TYPE}x` }],
    [
      'the form type only as a parameter',
      () => new URLSearchParams(CC).toString(),
      { 'content-type': `application/json; x=${FORM_TYPE}` },
    ],
    ['no body and no type', () => null, {}],
  ])('refuses %s with 400 invalid_request and stores nothing', async (_name, body, headers) => {
    const { as, store } = await setup();
    const reply = await send(as, rawPost('/token', body(), { authorization: basic(...CLIENT), ...headers }));
    expectOAuthError(reply, 400, 'invalid_request');
    expect(store.size).toBe(0);
  });

  it('accepts the form type in any case and with a charset (control)', async () => {
    const { as } = await setup();
    const reply = await send(
      as,
      rawPost('/token', new URLSearchParams(CC).toString(), {
        authorization: basic(...CLIENT),
        'content-type': 'Application/X-WWW-Form-Urlencoded ; charset=UTF-8',
      }),
    );
    expect(reply.status, reply.text).toBe(200);
  });

  it('refuses a body declared over 64 KiB with 413 before reading it', async () => {
    const { as, store } = await setup();
    const body = `${new URLSearchParams(CC).toString()}&pad=${'a'.repeat(MAX_BODY)}`;
    const reply = await post(as, '/token', body, { auth: CLIENT });
    expectOAuthError(reply, 413, 'invalid_request');
    expect(store.size).toBe(0);
  });

  it('refuses a streamed body (no Content-Length) once it passes 64 KiB', async () => {
    const { as } = await setup();
    const reply = await send(
      as,
      streamed('/token', 10 * MAX_BODY, { 'content-type': FORM_TYPE, authorization: basic(...CLIENT) }),
    );
    expectOAuthError(reply, 413, 'invalid_request');
  });

  it('reads a body of exactly 64 KiB (the limit is inclusive)', async () => {
    const { as } = await setup();
    const start = `${new URLSearchParams(CC).toString()}&pad=`;
    const body = start + 'a'.repeat(MAX_BODY - start.length);
    expect(Buffer.byteLength(body)).toBe(MAX_BODY);
    const reply = await post(as, '/token', body, { auth: CLIENT });
    expect(reply.status, reply.text).toBe(200);
  });

  it.each([
    'grant_type',
    'scope',
    'client_id',
    'client_secret',
    'code',
    'code_verifier',
    'redirect_uri',
    'refresh_token',
  ])('refuses a repeated %s (even with the same value) with invalid_request', async (name) => {
    const { as, store } = await setup();
    const params: Record<string, string> = {
      ...CC,
      client_id: 'client',
      client_secret: 'secret',
      code: 'c',
      code_verifier: 'v',
      redirect_uri: CALLBACK,
      refresh_token: 'r',
    };
    const body = new URLSearchParams(params);
    body.append(name, params[name] ?? '');
    expectOAuthError(await post(as, '/token', body.toString()), 400, 'invalid_request');
    // A repeat with an empty value is still a repeat.
    const empty = new URLSearchParams(params);
    empty.append(name, '');
    expectOAuthError(await post(as, '/token', empty.toString()), 400, 'invalid_request');
    expect(store.size).toBe(0);
  });

  it('refuses two resources with invalid_target (one audience per token)', async () => {
    const { as } = await setup();
    const reply = await token(as, { ...CC, resource: ['urn:invoices', 'urn:products'] });
    expectOAuthError(reply, 400, 'invalid_target');
  });

  it.each<[string, FormInit, number, string]>([
    ['no grant_type', { scope: 'read' }, 400, 'invalid_request'],
    ['an empty grant_type', { grant_type: '' }, 400, 'invalid_request'],
    ['authorization_code without code', { grant_type: 'authorization_code' }, 400, 'invalid_request'],
    [
      'authorization_code with an empty code',
      { grant_type: 'authorization_code', code: '' },
      400,
      'invalid_request',
    ],
    ['refresh_token without refresh_token', { grant_type: 'refresh_token' }, 400, 'invalid_request'],
    [
      'an unknown code',
      { grant_type: 'authorization_code', code: 'nope', code_verifier: 'x' },
      400,
      'invalid_grant',
    ],
    [
      'an unknown refresh token',
      { grant_type: 'refresh_token', refresh_token: 'nope' },
      400,
      'invalid_grant',
    ],
  ])('answers %s with %i %s and stores nothing', async (_name, params, status, error) => {
    const { as, store } = await setup();
    expectOAuthError(await token(as, params), status, error);
    expect(store.size).toBe(0);
  });

  it.each([
    'password',
    'implicit',
    'token',
    'CLIENT_CREDENTIALS',
    'client_credentials ',
    'urn:ietf:params:oauth:grant-type:device_code',
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
    'urn:ietf:params:oauth:grant-type:token-exchange',
    '__proto__',
    'constructor',
    'toString',
  ])('refuses grant_type=%j with unsupported_grant_type', async (grantType) => {
    const { as, store } = await setup();
    expectOAuthError(await token(as, { ...CC, grant_type: grantType }), 400, 'unsupported_grant_type');
    expect(store.size).toBe(0);
  });

  it('refuses a grant type the client is not registered for with unauthorized_client', async () => {
    const { as } = await setup();
    const reply = await token(
      as,
      { grant_type: 'authorization_code', code: 'x', code_verifier: 'y' },
      WORKER,
    );
    expectOAuthError(reply, 400, 'unauthorized_client');
  });

  it('refuses a public client at client_credentials with unauthorized_client', async () => {
    const { as } = await setup();
    const reply = await token(as, { ...CC, client_id: 'spa' }, null);
    expectOAuthError(reply, 400, 'unauthorized_client');
  });
});
