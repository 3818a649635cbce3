import { expect } from 'vitest';
import { assertMatchesOfficialSchema } from '@opencalls/conformance';
import type { ApiResponse, CallsApi } from './calls-api.js';
import { sleep, waitUntil } from './flows.js';
import { TEST_APP, type TestServer } from './test-server.js';

/** Polls GET session every 50 ms until it answers 410; returns `performance.now()` at that moment. */
export async function waitForGone(api: CallsApi, sessionId: string, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const res = await api.getSession(sessionId);
    if (res.status === 410) return performance.now();
    if (res.status !== 200) throw new Error(`GET session ${sessionId} → ${res.status} ${res.text}`);
    if (performance.now() > deadline) throw new Error(`session ${sessionId} still there after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Every endpoint naming the session answers 410 `session_error` with the close reason. */
export async function expectGoneEverywhere(api: CallsApi, sessionId: string, reason: RegExp): Promise<void> {
  const calls: [string, string, () => Promise<ApiResponse>][] = [
    ['GET', '/apps/{appId}/sessions/{sessionId}', () => api.call('GET', `/sessions/${sessionId}`)],
    [
      'POST',
      '/apps/{appId}/sessions/{sessionId}/tracks/new',
      () => api.call('POST', `/sessions/${sessionId}/tracks/new`, { tracks: [{ location: 'local', trackName: 'x', kind: 'audio' }] }),
    ],
    [
      'PUT',
      '/apps/{appId}/sessions/{sessionId}/tracks/close',
      () => api.call('PUT', `/sessions/${sessionId}/tracks/close`, { tracks: [{ mid: '0' }], force: true }),
    ],
    [
      'PUT',
      '/apps/{appId}/sessions/{sessionId}/renegotiate',
      () => api.call('PUT', `/sessions/${sessionId}/renegotiate`, { sessionDescription: { type: 'answer', sdp: 'v=0\r\n' } }),
    ],
  ];
  for (const [method, path, call] of calls) {
    const res = await call();
    expect(res.status, `${method} ${path}`).toBe(410);
    expect(res.body).toEqual({ errorCode: 'session_error', errorDescription: expect.stringMatching(reason) });
    expect(String(res.body.errorDescription)).toContain(sessionId);
    assertMatchesOfficialSchema({ path, method, status: 410, body: res.body });
  }
}

/** The server's view of a live session's PeerConnection (what the reaper and the connect wait use). */
export function serverConnectionState(server: TestServer, sessionId: string): string {
  return server.sfu.service.lookup(TEST_APP.appId, sessionId).session.connectionState;
}

/** Waits until the server sees the session in `state`; returns `performance.now()` at that moment. */
export async function waitForServerState(server: TestServer, sessionId: string, state: string, timeoutMs: number): Promise<number> {
  await waitUntil(() => serverConnectionState(server, sessionId) === state, timeoutMs);
  return performance.now();
}
