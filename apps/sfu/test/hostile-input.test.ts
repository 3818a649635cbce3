import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { startTestServer, TEST_APP, type TestServer } from './helpers/test-server.js';
import { loopbackPeer } from './helpers/werift-peers.js';
import { waitUntil } from './helpers/flows.js';
import { answeredButUnreachable } from './helpers/unreachable-client.js';

/**
 * Hostile requests a fresh pair of eyes threw at a running server: each once answered 500
 * `internal_error` (or never answered) and must get a Calls-shaped error with its proper status.
 */
const sessionPath = (sessionId: string, rest = ''): string => `/v1/apps/${TEST_APP.appId}/sessions/${sessionId}${rest}`;

describe('hostile bodies', () => {
  const maxBodyBytes = 64 * 1024;
  let server: TestServer;
  let sessionId: string;

  beforeAll(async () => {
    server = await startTestServer({ limits: { maxBodyBytes } });
    sessionId = await server.api.newSession();
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = async (method: string, path: string, body: string): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${TEST_APP.secret}` }, body });
    return { status: res.status, body: await res.json() };
  };

  test('JSON nested 5 000 or 10 000 levels deep → 400 decoding_error on every body-taking endpoint (was a stack overflow → 500)', async () => {
    const endpoints: [string, string][] = [
      ['POST', `/v1/apps/${TEST_APP.appId}/sessions/new`],
      ['POST', sessionPath(sessionId, '/tracks/new')],
      ['PUT', sessionPath(sessionId, '/renegotiate')],
      ['PUT', sessionPath(sessionId, '/tracks/close')],
    ];
    const bodies = [
      '['.repeat(5000) + ']'.repeat(5000),
      '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
      `{"tracks":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    ];
    for (const [method, path] of endpoints) {
      for (const body of bodies) {
        expect(await post(method, path, body)).toEqual({
          status: 400,
          body: { errorCode: 'decoding_error', errorDescription: 'request body is nested deeper than 64 levels' },
        });
      }
    }
  });

  test('nesting within the limit, and brackets inside strings, are still fine', async () => {
    const deepButAllowed = `{"pad":${'['.repeat(60)}${']'.repeat(60)}}`;
    const bracketsInString = JSON.stringify({ pad: '[{'.repeat(10_000) + '\\"[' });
    for (const body of [deepButAllowed, bracketsInString]) {
      const res = await post('POST', `/v1/apps/${TEST_APP.appId}/sessions/new`, body);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ sessionId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    }
  });

  test('a declared Content-Length over the limit → 413 at once, without waiting for (or buffering) the body', async () => {
    const res = await rawRequest(server.url, 'PUT', sessionPath(sessionId, '/tracks/close'), {
      headers: { 'content-length': String(10 * 1024 ** 3) },
      write: (req) => {
        req.write('{"tracks":[');
      },
    });
    expect(res).toEqual({
      status: 413,
      body: { errorCode: 'payload_too_large', errorDescription: `Request body is larger than ${maxBodyBytes} bytes` },
    });
  });

  test('a streamed (chunked) body is refused as soon as it passes the limit, while the client is still sending', async () => {
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const maxChunks = 4096; // 64 MiB: far more than the server may ever read
    let sent = 0;
    let answered = false;
    const res = await rawRequest(server.url, 'POST', sessionPath(sessionId, '/tracks/new'), {
      headers: { 'transfer-encoding': 'chunked' },
      write: async (req) => {
        req.write('{"tracks":[],"pad":"');
        while (!answered && sent < maxChunks && !req.destroyed) {
          sent++;
          if (!req.write(chunk)) await new Promise((resolve) => req.once('drain', resolve).once('close', resolve));
        }
        if (!answered && !req.destroyed) req.end();
      },
      onResponse: () => {
        answered = true;
      },
    });
    expect(res).toEqual({
      status: 413,
      body: { errorCode: 'payload_too_large', errorDescription: `Request body is larger than ${maxBodyBytes} bytes` },
    });
    expect(sent).toBeLessThan(maxChunks);
  });

  test('the server still serves normally afterwards', async () => {
    const fresh = await server.api.newSession();
    expect((await server.api.getSession(fresh)).body).toEqual({ tracks: [], dataChannels: [] });
  });
});

describe('a session that closes while requests wait on its queue', () => {
  let server: TestServer;
  const pcs: RTCPeerConnection[] = [];
  beforeAll(async () => {
    // Never-connected sessions end 4 s after sessions/new; each queued call would wait 20 s.
    server = await startTestServer({ limits: { unconnectedSessionTtlMs: 4000, gcIntervalMs: 100, connectWaitMs: 20_000 } });
  });
  afterAll(async () => {
    await Promise.all(pcs.map((pc) => pc.close()));
    await server?.close();
  });

  test('every waiting call answers 410 session_error gone (queued ones were 500 internal_error)', async () => {
    const pc = loopbackPeer();
    pcs.push(pc);
    const { sessionId } = await answeredButUnreachable(server.api, pc);
    const { session } = server.sfu.service.lookup(TEST_APP.appId, sessionId);
    const calls = ['a', 'b', 'c'].map((name) =>
      server.api.tracksNew(sessionId, { tracks: [{ location: 'local', trackName: name, kind: 'audio' }] }),
    );
    // The first waits for connectivity holding the queue, the other two wait behind it; then the
    // reaper ends the session.
    await waitUntil(() => session.mutations.depth === 3, 3000);
    expect(session.closed).toBe(false);
    const results = await Promise.all(calls);
    expect(session.closed).toBe(true);
    for (const res of results) {
      expect(res.status).toBe(410);
      expect(res.body).toEqual({ errorCode: 'session_error', errorDescription: expect.stringMatching(new RegExp(`^Session ${sessionId} is gone`)) });
    }
    expect((await server.api.getSession(sessionId)).status).toBe(410);
  });
});

interface RawOptions {
  readonly headers: Record<string, string>;
  readonly write: (req: ReturnType<typeof request>) => void | Promise<void>;
  readonly onResponse?: () => void;
}

/**
 * A request written by hand (node:http), so the test controls Content-Length and streaming.
 * Fails if no answer comes within 20 s (a server waiting for a body that never ends).
 */
function rawRequest(baseUrl: string, method: string, path: string, options: RawOptions): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_APP.secret}`, ...options.headers },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error('no answer within 20 s'));
    }, 20_000);
    req.on('response', (res) => {
      clearTimeout(timer);
      options.onResponse?.();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        req.destroy();
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('error', (error) => {
      // The server may close the socket after answering; only an error before any answer counts.
      if (!req.destroyed) reject(error);
    });
    void Promise.resolve(options.write(req)).catch(() => undefined);
  });
}
