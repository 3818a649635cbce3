import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { assertMatchesOfficialSchema } from '@opencalls/conformance';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { loopbackPeer } from './helpers/werift-peers.js';
import { connectPublisher } from './helpers/flows.js';
import { syntheticPublisher } from './helpers/werift-peers.js';
import { answeredButUnreachable } from './helpers/unreachable-client.js';
import type { ApiResponse, TrackItem, TracksResponse } from './helpers/calls-api.js';

/**
 * "Operations that require an established transport wait up to five seconds for connectivity
 * before timing out" (calls-api.md §5, design.md §6) → 425 `session_error`. The client here
 * negotiates for real (its offer, the SFU's answer applied) but its network is cut, so ICE never
 * completes; later operations wait `connectWaitMs`, then fail, and succeed if the network comes
 * back inside the wait. Which operations wait is documented on `CallSession.ensureConnected()`.
 */
const TRACKS_NEW = '/apps/{appId}/sessions/{sessionId}/tracks/new';

const names = (tracks: readonly TrackItem[] | undefined): string[] => (tracks ?? []).map((t) => `${t.trackName}:${t.status}`);

function expectNotConnected(res: ApiResponse<TracksResponse>, sessionId: string, waitMs: number): void {
  expect(res.status).toBe(425);
  expect(res.body).toEqual({
    errorCode: 'session_error',
    errorDescription: `Session ${sessionId} did not connect within ${waitMs} ms (state: connecting)`,
  });
  assertMatchesOfficialSchema({ path: TRACKS_NEW, method: 'POST', status: 425, body: res.body });
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

describe('connect wait, configured 1 s', () => {
  let server: TestServer;
  const pcs: RTCPeerConnection[] = [];
  beforeAll(async () => {
    server = await startTestServer({ limits: { connectWaitMs: 1000 } });
  });
  afterAll(async () => {
    await Promise.all(pcs.map((pc) => pc.close()));
    await server?.close();
  });

  test('a session whose client answered but never connects: tracks/new and tracks/close wait 1 s, then 425; nothing applied', async () => {
    const pc = loopbackPeer();
    pcs.push(pc);
    const { sessionId, publisher } = await answeredButUnreachable(server.api, pc);
    const pubPc = loopbackPeer();
    pcs.push(pubPc);
    const other = await connectPublisher(server.api, pubPc, syntheticPublisher(pubPc));

    const push = await timed(() => server.api.tracksNew(sessionId, { tracks: [{ location: 'local', trackName: 'extra', kind: 'video' }] }));
    expectNotConnected(push.value, sessionId, 1000);
    expect(push.ms).toBeGreaterThanOrEqual(950);
    expect(push.ms).toBeLessThan(4000);

    const pull = await timed(() => server.api.tracksNew(sessionId, { tracks: [{ location: 'remote', sessionId: other, trackName: 'cam' }] }));
    expectNotConnected(pull.value, sessionId, 1000);
    expect(pull.ms).toBeGreaterThanOrEqual(950);

    const close = await server.api.tracksClose(sessionId, { tracks: [{ mid: publisher.video.mid }], force: true });
    expect(close.status).toBe(425);
    expect(close.body.errorCode).toBe('session_error');

    // GET never waits; it shows that none of the failed calls changed anything.
    const state = await server.api.getSession(sessionId);
    expect(state.status).toBe(200);
    expect(names(state.body.tracks)).toEqual(['cam:active', 'mic:active']);
    expect(server.sfu.service.lookup('test-app', sessionId).session.everConnected).toBe(false);
  });
});

describe('connect wait, the real default 5 s', () => {
  let server: TestServer;
  const pcs: RTCPeerConnection[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    expect(server.sfu.config.limits.connectWaitMs).toBe(5000);
  });
  afterAll(async () => {
    await Promise.all(pcs.map((pc) => pc.close()));
    await server?.close();
  });

  test('the network comes back inside the wait: the waiting tracks/new proceeds and succeeds', async () => {
    const pc = loopbackPeer();
    pcs.push(pc);
    const { sessionId, network } = await answeredButUnreachable(server.api, pc);
    const restoreAfterMs = 700;
    const restored = new Promise<void>((resolve) =>
      setTimeout(() => {
        network.restore();
        resolve();
      }, restoreAfterMs),
    );
    const push = await timed(() => server.api.tracksNew(sessionId, { tracks: [{ location: 'local', trackName: 'extra', kind: 'video' }] }));
    await restored;
    expect(push.value.status).toBe(200);
    expect(push.value.body.sessionDescription?.type).toBe('offer');
    expect(push.value.body.tracks).toEqual([{ trackName: 'extra', mid: expect.stringMatching(/^\d+$/), kind: 'video' }]);
    expect(push.ms).toBeGreaterThanOrEqual(restoreAfterMs - 50);
    expect(server.sfu.service.lookup('test-app', sessionId).session.connectionState).toBe('connected');
    expect(names((await server.api.getSession(sessionId)).body.tracks)).toEqual(['cam:active', 'mic:active', 'extra:active']);
  });

  test('never connecting: tracks/new waits the full 5 s, then 425', async () => {
    const pc = loopbackPeer();
    pcs.push(pc);
    const { sessionId } = await answeredButUnreachable(server.api, pc);
    const push = await timed(() => server.api.tracksNew(sessionId, { tracks: [{ location: 'local', trackName: 'extra', kind: 'audio' }] }));
    expectNotConnected(push.value, sessionId, 5000);
    expect(push.ms).toBeGreaterThanOrEqual(4950);
    expect(names((await server.api.getSession(sessionId)).body.tracks)).toEqual(['cam:active', 'mic:active']);
  });
});
