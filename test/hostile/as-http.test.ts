/**
 * The authorization server over real HTTP (listen): raw bytes on a socket, so headers can be duplicated and framing
 * broken as no fetch client would: two Authorization or Content-Type headers, huge chunked bodies, a lying
 * Content-Length, request smuggling, a huge query. Nothing may answer 5xx.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { basic, CC, CLIENT, FORM_TYPE, setup } from './as-helpers.js';

/** Sends raw bytes to the server and collects the whole answer (the request says `Connection: close`). */
function rawHttp(port: number, request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', (error) => (answer === '' ? reject(error) : resolve(answer)));
    socket.on('close', () => resolve(answer));
    socket.write(request);
  });
}

function statusOf(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

describe('over HTTP (listen)', () => {
  it('refuses duplicated headers, bad framing and huge chunked bodies without a 5xx', async () => {
    const { as } = await setup();
    const server = await as.listen();
    const port = Number(new URL(server.url).port);
    try {
      const body = new URLSearchParams(CC).toString();
      const head = (extra: string, length = body.length) =>
        `POST /token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${extra}Content-Length: ${length}\r\n\r\n`;
      const auth = `Authorization: ${basic(...CLIENT)}\r\n`;
      const type = `Content-Type: ${FORM_TYPE}\r\n`;

      const control = await rawHttp(port, head(auth + type) + body);
      expect(statusOf(control)).toBe(200);

      const twoAuth = await rawHttp(port, head(auth + auth + type) + body);
      expect(statusOf(twoAuth)).toBe(401);
      expect(twoAuth).toMatch(/"error":"invalid_client"/);

      const twoTypes = await rawHttp(port, head(`${auth + type}Content-Type: application/json\r\n`) + body);
      expect(statusOf(twoTypes)).toBe(400);

      const chunked = Buffer.concat([
        Buffer.from(`POST /token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${auth}${type}`),
        Buffer.from('Transfer-Encoding: chunked\r\n\r\n'),
        ...Array.from({ length: 5 }, () => Buffer.from(`4000\r\n${'a'.repeat(0x4000)}\r\n`)),
        Buffer.from('0\r\n\r\n'),
      ]);
      const huge = await rawHttp(port, chunked);
      expect(statusOf(huge)).toBe(413);

      const lying = await rawHttp(port, head(auth + type, 5) + body);
      expect(statusOf(lying)).toBeLessThan(500);

      const smuggle = await rawHttp(
        port,
        `POST /token HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      );
      expect(statusOf(smuggle)).toBeLessThan(500);

      const hugeQuery = await rawHttp(
        port,
        `GET /authorize?state=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      expect(statusOf(hugeQuery)).toBeLessThan(500);
    } finally {
      await server.close();
    }
  });
});
