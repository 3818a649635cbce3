import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { assertMatchesOfficialSchema } from '@opencalls/conformance';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { connectSubscriber, waitUntil } from './helpers/flows.js';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';
import type { TrackItem, TracksResponse } from './helpers/calls-api.js';

const TRACKS_NEW = '/apps/{appId}/sessions/{sessionId}/tracks/new';

/**
 * `tracks/new` with `autoDiscover: true`, an offer and no tracks: the WHIP ingest of
 * calls-examples/whip-whep-server (calls-api.md §6.4). Every sending media section becomes a track
 * with a random 32-hex name; the items carry `kind` (ai-tts-stt reads it); another session can
 * pull the discovered tracks by those names.
 */
describe('autoDiscover (WHIP style)', () => {
  let server: TestServer;
  let pubPc: RTCPeerConnection;
  let publisher: SyntheticSender;
  let pubSession: string;
  let discovered: TrackItem[];

  beforeAll(async () => {
    server = await startTestServer();
    pubPc = loopbackPeer();
  });
  afterAll(async () => {
    publisher?.stop();
    await pubPc?.close();
    await server?.close();
  });

  test('offer + autoDiscover, no tracks → answer and one random-named track per section, with kind', async () => {
    pubSession = await server.api.newSession();
    publisher = syntheticPublisher(pubPc);
    await pubPc.setLocalDescription(await pubPc.createOffer());
    const res = await server.api.tracksNew<TracksResponse>(pubSession, {
      autoDiscover: true,
      sessionDescription: { type: 'offer', sdp: pubPc.localDescription!.sdp },
    });
    expect(res.status).toBe(200);
    assertMatchesOfficialSchema({ path: TRACKS_NEW, method: 'POST', status: 200, body: res.body });
    expect(res.body.requiresImmediateRenegotiation).toBe(false);
    expect(res.body.sessionDescription?.type).toBe('answer');
    discovered = res.body.tracks!;
    expect(discovered).toEqual([
      { location: 'local', trackName: expect.stringMatching(/^[0-9a-f]{32}$/), mid: publisher.video.mid, kind: 'video' },
      { location: 'local', trackName: expect.stringMatching(/^[0-9a-f]{32}$/), mid: publisher.audio.mid, kind: 'audio' },
    ]);
    expect(discovered[0]!.trackName).not.toBe(discovered[1]!.trackName);
    await pubPc.setRemoteDescription(res.body.sessionDescription!);
    await pubPc.connectionStateChange.watch((s) => s === 'connected', 10_000);
    publisher.start(20, 3000, 10);
  });

  test('GET session lists the discovered tracks', async () => {
    const state = await server.api.getSession(pubSession);
    expect(state.body.tracks).toEqual(
      discovered.map((t) => ({ location: 'local', mid: t.mid, trackName: t.trackName, status: 'active' })),
    );
  });

  test('another session pulls the discovered tracks by name and receives media (WHEP side)', async () => {
    const subPc = loopbackPeer();
    try {
      const sub = await connectSubscriber(server.api, subPc, pubSession, discovered.map((t) => t.trackName!));
      expect(sub.mids.every((m) => m !== '')).toBe(true);
      await waitUntil(() => sub.received.video > 20 && sub.received.audio > 20, 15_000);
    } finally {
      await subPc.close();
    }
  });

  test('a re-offer with autoDiscover discovers nothing new: published sections are not renamed', async () => {
    await pubPc.setLocalDescription(await pubPc.createOffer());
    const res = await server.api.tracksNew<TracksResponse>(pubSession, {
      autoDiscover: true,
      sessionDescription: { type: 'offer', sdp: pubPc.localDescription!.sdp },
    });
    expect(res.status).toBe(200);
    assertMatchesOfficialSchema({ path: TRACKS_NEW, method: 'POST', status: 200, body: res.body });
    expect(res.body.tracks).toEqual([]);
    await pubPc.setRemoteDescription(res.body.sessionDescription!);
    const state = await server.api.getSession(pubSession);
    expect(state.body.tracks?.map((t) => t.trackName)).toEqual(discovered.map((t) => t.trackName));
  });
});

describe('autoDiscover with some tracks named', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test('named sections keep their names; the others are discovered', async () => {
    const pc = loopbackPeer();
    try {
      const publisher = syntheticPublisher(pc);
      const sessionId = await server.api.newSession();
      await pc.setLocalDescription(await pc.createOffer());
      const res = await server.api.tracksNew<TracksResponse>(sessionId, {
        autoDiscover: true,
        sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
        tracks: [{ location: 'local', mid: publisher.video.mid, trackName: 'cam' }],
      });
      expect(res.status).toBe(200);
      assertMatchesOfficialSchema({ path: TRACKS_NEW, method: 'POST', status: 200, body: res.body });
      expect(res.body.tracks).toEqual([
        { trackName: 'cam', mid: publisher.video.mid },
        { location: 'local', trackName: expect.stringMatching(/^[0-9a-f]{32}$/), mid: publisher.audio.mid, kind: 'audio' },
      ]);
    } finally {
      await pc.close();
    }
  });
});
