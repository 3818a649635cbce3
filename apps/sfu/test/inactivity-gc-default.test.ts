import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';
import { connectPublisher, connectSubscriber, sleep, waitUntil } from './helpers/flows.js';
import { serverConnectionState } from './helpers/session-lifecycle.js';
import type { TrackItem } from './helpers/calls-api.js';

/**
 * The real default, end to end (~35 s; its own file so it runs beside the others): a pushed
 * track that receives no packet for 30 s is closed (calls-api.md §5, design.md §6). The publisher
 * stops sending but stays connected; at ~25 s its tracks are still active, by ~32 s inactive, on
 * the publisher's GET and on the subscriber's. The short-timeout variant is inactivity-gc.test.ts.
 */
const statuses = (tracks: readonly TrackItem[] | undefined): string[] => (tracks ?? []).map((t) => `${t.trackName}:${t.status}`);

describe('track inactivity GC at the real default (30 s)', () => {
  let server: TestServer;
  let pubPc: RTCPeerConnection;
  let subPc: RTCPeerConnection;
  let publisher: SyntheticSender;

  beforeAll(async () => {
    server = await startTestServer();
    pubPc = loopbackPeer();
    subPc = loopbackPeer();
  });
  afterAll(async () => {
    publisher?.stop();
    await pubPc?.close();
    await subPc?.close();
    await server?.close();
  });

  test('silent for 25 s: still active; closed between 30 s and ~32 s after the last packet', { timeout: 60_000 }, async () => {
    expect(server.sfu.config.limits.trackInactivityMs).toBe(30_000);
    publisher = syntheticPublisher(pubPc);
    const pubSession = await connectPublisher(server.api, pubPc, publisher);
    publisher.start(20, 10_000, 25);
    const sub = await connectSubscriber(server.api, subPc, pubSession, ['cam', 'mic']);
    await waitUntil(() => sub.received.video > 20 && sub.received.audio > 20, 10_000);

    publisher.stop();
    const stoppedAt = performance.now();
    await sleep(25_000);
    expect(statuses((await server.api.getSession(pubSession)).body.tracks)).toEqual(['cam:active', 'mic:active']);
    expect(statuses((await server.api.getSession(sub.sessionId)).body.tracks)).toEqual(['cam:active', 'mic:active']);

    await waitUntil(async () => {
      const res = await server.api.getSession(pubSession);
      return res.body.tracks?.every((t) => t.status === 'inactive') ?? false;
    }, 9_000);
    const elapsed = performance.now() - stoppedAt;
    console.log(`inactivity GC (default 30 s): tracks inactive ${(elapsed / 1000).toFixed(2)} s after the publisher stopped`);
    expect(elapsed).toBeGreaterThanOrEqual(29_900);
    expect(elapsed).toBeLessThan(33_000);
    expect(statuses((await server.api.getSession(pubSession)).body.tracks)).toEqual(['cam:inactive', 'mic:inactive']);
    expect(statuses((await server.api.getSession(sub.sessionId)).body.tracks)).toEqual(['cam:inactive', 'mic:inactive']);
    // Silence of media is not loss of connectivity: ICE consent kept the idle publisher connected.
    expect(serverConnectionState(server, pubSession)).toBe('connected');
  });
});
