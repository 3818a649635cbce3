import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';
import { connectPublisher, connectSubscriber, waitUntil } from './helpers/flows.js';

/**
 * A pushed track that stops sending is garbage-collected after the configured timeout, from the
 * native activity timestamps; its subscribers stop receiving and GET session says `inactive`.
 */
describe('track inactivity GC (1.5 s timeout)', () => {
  let server: TestServer;
  let pubPc: RTCPeerConnection;
  let subPc: RTCPeerConnection;
  let publisher: SyntheticSender;

  beforeAll(async () => {
    server = await startTestServer({ limits: { trackInactivityMs: 1500, gcIntervalMs: 100 } });
    pubPc = loopbackPeer();
    subPc = loopbackPeer();
  });
  afterAll(async () => {
    publisher?.stop();
    await pubPc?.close();
    await subPc?.close();
    await server?.close();
  });

  test('silent video track is closed; the audio track that keeps sending stays', async () => {
    publisher = syntheticPublisher(pubPc);
    const pubSession = await connectPublisher(server.api, pubPc, publisher);
    publisher.start(20, 10_000, 25);
    const sub = await connectSubscriber(server.api, subPc, pubSession, ['cam', 'mic']);
    await waitUntil(() => sub.received.video > 10 && sub.received.audio > 10, 10_000);

    // Stop video only: from now on the publisher writes audio packets alone.
    publisher.stop();
    const audioOnly = setInterval(() => publisher.sendAudio(), 20);
    try {
      const stoppedAt = Date.now();
      await waitUntil(async () => {
        const res = await server.api.getSession(pubSession);
        return res.body.tracks?.find((t) => t.trackName === 'cam')?.status === 'inactive';
      }, 10_000);
      const elapsed = Date.now() - stoppedAt;
      expect(elapsed).toBeGreaterThanOrEqual(1400);
      const pub = await server.api.getSession(pubSession);
      expect(pub.body.tracks?.map((t) => [t.trackName, t.status])).toEqual([
        ['cam', 'inactive'],
        ['mic', 'active'],
      ]);
      const subState = await server.api.getSession(sub.sessionId);
      expect(subState.body.tracks?.map((t) => [t.trackName, t.status])).toEqual([
        ['cam', 'inactive'],
        ['mic', 'active'],
      ]);
      const audioBefore = sub.received.audio;
      await new Promise((r) => setTimeout(r, 300));
      expect(sub.received.audio).toBeGreaterThan(audioBefore);
    } finally {
      clearInterval(audioOnly);
    }
  });
});
