/**
 * Attacker review (issue 15, finding 4): with body tokens on, the Hono adapter read the whole body before looking
 * for `access_token` — `req.clone().text()`, anonymous requests too — so a 300 MiB form POST took RSS from 60 to
 * 980 MiB before its 401. Now the core reads at most `bearerMethods.maxBodyBytes` (Content-Length first, then it stops
 * reading) and answers 413. Driven over real HTTP through @hono/node-server, as an attacker would.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guard } from '@audguard/hono';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MiB = 1024 * 1024;
const FLOOD = 300 * MiB;
/** RSS may grow by this much at most while a 300 MiB body is refused (the limit is 64 KiB; the rest is noise). */
const RSS_BOUND = 48 * MiB;

let port: number;
let close: () => Promise<void>;

beforeAll(async () => {
  const app = new Hono().post(
    '/form',
    guard({
      issuer: 'https://as.example.com',
      audience: 'https://api.example.com',
      jwks: { keys: [] },
      bearerMethods: { body: true },
    }),
    (c) => c.text('ok'),
  );
  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  close = () => new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

/**
 * POSTs up to `total` bytes of form data in 1 MiB chunks, as fast as the server takes them, and stops sending when
 * the answer comes. Resolves with the status, the bytes sent, and the server process's RSS growth meanwhile.
 */
function flood(total: number, declareLength: boolean) {
  return new Promise<{ status: number; body: string; sent: number; rssGrowth: number }>((resolve, reject) => {
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 5);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (declareLength) headers['content-length'] = String(total);
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/form', headers });
    const chunk = Buffer.alloc(MiB, 'a');
    let sent = 0;
    let answered = false;
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.on('data', (data) => {
        body += data;
      });
      res.on('end', () => {
        clearInterval(sampler);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, sent, rssGrowth: rssPeak - rssBefore });
      });
    });
    req.on('error', (error) => {
      if (!answered) {
        clearInterval(sampler);
        reject(error);
      }
    });
    pump();
  });
}

describe('body tokens: an oversized body is refused without buffering it', () => {
  it('declared in Content-Length: 413 at once, nothing read', async () => {
    const result = await flood(FLOOD, true);
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'invalid_request' });
    expect(result.rssGrowth).toBeLessThan(RSS_BOUND);
    expect(result.sent).toBeLessThan(FLOOD);
  });

  it('sent chunked, without Content-Length: 413 once the limit is passed, RSS growth bounded', async () => {
    const result = await flood(FLOOD, false);
    expect(result.status).toBe(413);
    expect(result.rssGrowth).toBeLessThan(RSS_BOUND);
    expect(result.sent).toBeLessThan(FLOOD);
  });

  it('(control: a small form body is still read, and its bad token refused with 401)', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/form`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'access_token=not.a.jwt',
    });
    expect(response.status).toBe(401);
  });
});
