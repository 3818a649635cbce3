import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { loopbackPeer, syntheticPublisher } from './helpers/werift-peers.js';
import { connectPublisher, sleep } from './helpers/flows.js';
import { answeredButUnreachable } from './helpers/unreachable-client.js';
import { expectGoneEverywhere, waitForGone } from './helpers/session-lifecycle.js';

/**
 * A session that never connects expires `unconnectedSessionTtlMs` after `sessions/new` (our
 * choice, 5 min by default: Calls only says such sessions "can expire before first use"); then
 * every call naming it answers 410 `session_error`. A session that connected is not touched by
 * this rule (the reuse window governs it).
 */
describe('never-connected sessions expire (configured 1.5 s)', () => {
  const ttlMs = 1500;
  let server: TestServer;
  const pcs: RTCPeerConnection[] = [];
  beforeAll(async () => {
    server = await startTestServer({ limits: { unconnectedSessionTtlMs: ttlMs, gcIntervalMs: 100 } });
  });
  afterAll(async () => {
    await Promise.all(pcs.map((pc) => pc.close()));
    await server?.close();
  });

  test('the default is 5 minutes', async () => {
    const defaults = await startTestServer();
    try {
      expect(defaults.sfu.config.limits.unconnectedSessionTtlMs).toBe(300_000);
    } finally {
      await defaults.close();
    }
  });

  test('three kinds of never-connected session end after the TTL; a connected one stays', async () => {
    const createdAt = performance.now();
    // 1. sessions/new and nothing else.
    const empty = await server.api.newSession();
    // 2. a pull-first session: the SFU offered, the client never answered.
    const pubPc = loopbackPeer();
    pcs.push(pubPc);
    const publisher = syntheticPublisher(pubPc);
    const pubSession = await connectPublisher(server.api, pubPc, publisher);
    publisher.start(20, 10_000, 25);
    const unanswered = await server.api.newSession();
    const offered = await server.api.tracksNew(unanswered, { tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam' }] });
    expect(offered.body.sessionDescription?.type).toBe('offer');
    // 3. a client that answered but whose ICE never gets through.
    const unreachablePc = loopbackPeer();
    pcs.push(unreachablePc);
    const { sessionId: unreachable } = await answeredButUnreachable(server.api, unreachablePc);

    for (const sid of [empty, unanswered, unreachable]) expect((await server.api.getSession(sid)).status).toBe(200);

    const goneAt = await Promise.all([empty, unanswered, unreachable].map((sid) => waitForGone(server.api, sid, ttlMs + 5_000)));
    for (const at of goneAt) expect(at - createdAt).toBeGreaterThanOrEqual(ttlMs - 50);
    for (const sid of [empty, unanswered, unreachable]) await expectGoneEverywhere(server.api, sid, /unconnected/);

    // The publisher connected: still there after twice the TTL, tracks active.
    await sleep(Math.max(0, createdAt + 2 * ttlMs - performance.now()));
    const pub = await server.api.getSession(pubSession);
    expect(pub.status).toBe(200);
    expect(pub.body.tracks?.map((t) => t.status)).toEqual(['active', 'active']);
    publisher.stop();
  });
});
