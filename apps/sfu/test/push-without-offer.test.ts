import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { connectSubscriber, waitUntil } from './helpers/flows.js';
import { loopbackPeer } from './helpers/werift-peers.js';
import {
  answerSfuOffer,
  audioSource,
  offeredDirection,
  receiveLog,
  videoSource,
  type ReceiveLog,
  type RtpSource,
} from './helpers/sfu-offer-client.js';
import type { TracksResponse } from './helpers/calls-api.js';

/**
 * `tracks/new` push with no client offer (calls-api.md §3.2 variant 2): the SFU offers a receiving
 * transceiver per track, the client answers through `renegotiate`, starts sending, and the
 * publication goes live: a subscriber on another session receives the very payloads.
 */
describe('push without an offer (the SFU offers)', () => {
  let server: TestServer;
  let pubPc: RTCPeerConnection;
  let subPc: RTCPeerConnection;
  let video: RtpSource;
  let audio: RtpSource;
  let subLog: ReceiveLog;
  let pubSession: string;
  let mids: { cam: string; mic: string };

  beforeAll(async () => {
    server = await startTestServer();
    pubPc = loopbackPeer();
    subPc = loopbackPeer();
    subLog = receiveLog(subPc);
    video = videoSource(10_000, 10);
    audio = audioSource(50_000);
  });

  afterAll(async () => {
    video?.stop();
    audio?.stop();
    await pubPc?.close();
    await subPc?.close();
    await server?.close();
  });

  test('tracks/new without sessionDescription → SFU offer with a recvonly section per track', async () => {
    pubSession = await server.api.newSession();
    const res = await server.api.tracksNew<TracksResponse>(pubSession, {
      tracks: [
        { location: 'local', trackName: 'cam', kind: 'video' },
        { location: 'local', trackName: 'mic', kind: 'audio' },
        { location: 'local', trackName: 'no-kind' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.requiresImmediateRenegotiation).toBe(true);
    expect(res.body.sessionDescription?.type).toBe('offer');
    const [cam, mic, noKind] = res.body.tracks!;
    expect(cam).toEqual({ trackName: 'cam', mid: expect.stringMatching(/^\d+$/), kind: 'video' });
    expect(mic).toEqual({ trackName: 'mic', mid: expect.stringMatching(/^\d+$/), kind: 'audio' });
    expect(noKind).toEqual({
      trackName: 'no-kind',
      mid: '',
      errorCode: 'invalid_params',
      errorDescription: 'Track no-kind: kind is required when the SFU generates the offer',
    });
    mids = { cam: cam!.mid!, mic: mic!.mid! };
    const sdp = res.body.sessionDescription!.sdp;
    expect(offeredDirection(sdp, mids.cam)).toBe('recvonly');
    expect(offeredDirection(sdp, mids.mic)).toBe('recvonly');
    expect(sdp).toMatch(/\r\nm=video /);
    expect(sdp).toMatch(/\r\nm=audio /);

    // Not pullable before the answer: the publisher has not sent anything.
    expect(server.sfu.service.findPublished('test-app', pubSession, 'cam')).toBeUndefined();

    const answer = await answerSfuOffer(
      pubPc,
      sdp,
      new Map([
        [mids.cam, video.track],
        [mids.mic, audio.track],
      ]),
    );
    expect(offeredDirection(answer, mids.cam)).toBe('sendonly');
    const reneg = await server.api.renegotiate(pubSession, answer);
    expect(reneg.status).toBe(200);
    expect(reneg.body).toEqual({});
    await pubPc.connectionStateChange.watch((s) => s === 'connected', 10_000);
    video.start(30, 3000);
    audio.start(20, 5000);
  });

  test('after the answer the publication is live (native handle known to the GC)', async () => {
    await waitUntil(() => (server.sfu.service.findPublished('test-app', pubSession, 'cam')?.stats().packets ?? 0) > 0, 5000);
    await waitUntil(() => (server.sfu.service.findPublished('test-app', pubSession, 'mic')?.stats().packets ?? 0) > 0, 5000);
    const session = server.sfu.service.registry.get(pubSession)!;
    expect(session.getLocalTrack('cam')?.nativeHandle).toEqual(expect.any(Number));
    expect(session.getLocalTrack('mic')?.nativeHandle).toEqual(expect.any(Number));
    const state = await server.api.getSession(pubSession);
    expect(state.body.tracks).toEqual([
      { location: 'local', mid: mids.cam, trackName: 'cam', status: 'active' },
      { location: 'local', mid: mids.mic, trackName: 'mic', status: 'active' },
    ]);
  });

  test('a subscriber pulls both tracks and receives the pushed payloads', async () => {
    const sub = await connectSubscriber(server.api, subPc, pubSession, ['cam', 'mic']);
    const [camMid, micMid] = sub.mids;
    await waitUntil(() => subLog.markers(camMid!).length > 10 && subLog.markers(micMid!).length > 20, 15_000);
    const videoMarkers = subLog.markers(camMid!);
    const audioMarkers = subLog.markers(micMid!);
    expect(videoMarkers.every((m) => m >= 10_000 && m < 50_000)).toBe(true);
    expect(audioMarkers.every((m) => m >= 50_000)).toBe(true);
    for (const list of [videoMarkers, audioMarkers]) for (let i = 1; i < list.length; i++) expect(list[i]!).toBeGreaterThan(list[i - 1]!);
  });

  test('a second push without an offer on the connected session adds a track by renegotiation', async () => {
    const extra = audioSource(900_000);
    try {
      const res = await server.api.tracksNew<TracksResponse>(pubSession, {
        tracks: [{ location: 'local', trackName: 'mic-2', kind: 'audio' }],
      });
      expect(res.status).toBe(200);
      expect(res.body.requiresImmediateRenegotiation).toBe(true);
      const mid = res.body.tracks![0]!.mid!;
      expect(mid).not.toBe('');
      expect([mids.cam, mids.mic]).not.toContain(mid);
      const answer = await answerSfuOffer(pubPc, res.body.sessionDescription!.sdp, new Map([[mid, extra.track]]));
      expect((await server.api.renegotiate(pubSession, answer)).status).toBe(200);
      extra.start(20, 1000);
      await waitUntil(() => (server.sfu.service.findPublished('test-app', pubSession, 'mic-2')?.stats().packets ?? 0) > 5, 5000);
      // The first tracks kept flowing through the renegotiation.
      const before = subLog.allMarkers().length;
      await waitUntil(() => subLog.allMarkers().length > before + 10, 5000);
    } finally {
      extra.stop();
    }
  });
});
