import { afterEach, describe, expect, test } from 'vitest';
import { assertMatchesOfficialSchema } from '@opencalls/conformance';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import type { ApiResponse, CallsApi } from './helpers/calls-api.js';
import { sleep } from './helpers/flows.js';

/**
 * "50 API calls per second per session" (calls-api.md §5, design.md §6): every call naming the
 * session counts, GET included, and whatever its outcome; the call over the limit gets 429 with
 * `Retry-After` in whole seconds and a Calls error body (`rate_limited`); other sessions are not
 * affected. The limiter is a sliding window (packages/session session-call-limiter.ts).
 */
const SESSION_PATH = '/apps/{appId}/sessions/{sessionId}';

/** One call of each endpoint that names a session, in the order a client might make them. */
function everyEndpoint(api: CallsApi, sessionId: string): (() => Promise<ApiResponse<unknown>>)[] {
  return [
    () => api.call('GET', `/sessions/${sessionId}`),
    () => api.call('POST', `/sessions/${sessionId}/tracks/new`, { tracks: [] }),
    () => api.call('PUT', `/sessions/${sessionId}/tracks/close`, { tracks: [{ mid: '7' }], force: true }),
    () => api.call('PUT', `/sessions/${sessionId}/renegotiate`, { sessionDescription: { type: 'answer', sdp: 'v=0' } }),
    () => api.call('POST', `/sessions/${sessionId}/tracks/new`, undefined, { rawBody: '{not json' }),
  ];
}

function expectRateLimited(res: ApiResponse<unknown>, limit: number): void {
  expect(res.status).toBe(429);
  // Whole seconds, at least 1: the window is one second, so it is always exactly 1 here.
  expect(res.headers.get('retry-after')).toBe('1');
  expect(res.body).toEqual({ errorCode: 'rate_limited', errorDescription: `More than ${limit} API calls in 1000 ms for this session` });
  assertMatchesOfficialSchema({ path: SESSION_PATH, method: 'GET', status: 429, body: res.body });
}

describe('per-session API call rate', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test('configured at 3/s: calls of every kind count, the 4th gets 429 + Retry-After, other sessions and the next second are free', async () => {
    server = await startTestServer({ limits: { callsPerSecond: 3 } });
    const { api } = server;
    const a = await api.newSession();
    const b = await api.newSession();

    // Three calls in one go: a GET, a tracks/close that answers 200 with an item error, and a
    // tracks/new whose body is not JSON (400). All three count.
    const [get, close, bad] = await Promise.all([
      api.getSession(a),
      api.tracksClose(a, { tracks: [{ mid: '7' }], force: true }),
      api.call('POST', `/sessions/${a}/tracks/new`, undefined, { rawBody: '{not json' }),
    ]);
    expect([get.status, close.status, bad.status]).toEqual([200, 200, 400]);

    // Over the limit: every endpoint naming the session answers 429, with CORS exposing Retry-After.
    for (const call of everyEndpoint(api, a)) expectRateLimited(await call(), 3);
    const cors = await api.call('GET', `/sessions/${a}`, undefined, { headers: { origin: 'http://example.test' } });
    expectRateLimited(cors, 3);
    expect(cors.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('retry-after');

    // Another session of the same app is not affected, nor is a new session being created.
    expect((await api.getSession(b)).status).toBe(200);
    expect((await api.call('POST', '/sessions/new')).status).toBe(201);

    // After Retry-After seconds the session may call again (denied calls did not extend the wait).
    await sleep(1000 + 50);
    const again = await Promise.all([api.getSession(a), api.getSession(a), api.getSession(a)]);
    expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
    expectRateLimited(await api.getSession(a), 3);
  });

  test('the real default, 50/s: of 60 GETs at once exactly 50 pass; 50 GETs on another session at the same time all pass', async () => {
    server = await startTestServer();
    expect(server.sfu.config.limits.callsPerSecond).toBe(50);
    const { api } = server;
    const a = await api.newSession();
    const b = await api.newSession();

    const started = performance.now();
    const [onA, onB] = await Promise.all([
      Promise.all(Array.from({ length: 60 }, () => api.getSession(a))),
      Promise.all(Array.from({ length: 50 }, () => api.getSession(b))),
    ]);
    const tookMs = performance.now() - started;
    // The assertion below holds only if all 110 calls reached the server within one second.
    expect(tookMs).toBeLessThan(1000);

    const ok = onA.filter((r) => r.status === 200);
    const limited = onA.filter((r) => r.status !== 200);
    expect(ok).toHaveLength(50);
    expect(limited).toHaveLength(10);
    for (const res of limited) expectRateLimited(res, 50);
    for (const res of ok) expect(res.body).toEqual({ tracks: [], dataChannels: [] });
    expect(onB.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 200));
  });
});
