import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, TEST_APP, type TestServer } from './helpers/test-server.js';

/**
 * A client that promises a body and hangs up halfway is its own failure: the server logs no
 * error for it (a client could otherwise flood the error log) and goes on serving.
 */
describe('a client that closes the connection mid-body', () => {
  let server: TestServer;
  const lines: { level: number; msg?: string }[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as { level: number; msg?: string });
        done();
      },
    });
    server = await startTestServer({ logger: pino({ level: 'info' }, sink) });
  });
  afterAll(async () => {
    await server?.close();
  });

  test('Content-Length 100, two bytes, then close → no error logged; the server still answers', async () => {
    const sessionId = await server.api.newSession();
    const port = Number(new URL(server.url).port);
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `PUT /v1/apps/${TEST_APP.appId}/sessions/${sessionId}/tracks/close HTTP/1.1\r\n` +
        `Host: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TEST_APP.secret}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"',
    );
    await new Promise((r) => setTimeout(r, 200));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 500));

    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    const state = await server.api.getSession(sessionId);
    expect(state.status).toBe(200);
  });
});
