import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection, RtpPacket } from 'werift';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import type { TracksResponse } from './helpers/calls-api.js';

/**
 * Integration: the real server on 127.0.0.1, a werift publisher pushing VP8 + Opus RTP, a werift
 * subscriber pulling both through the Calls API. Payload bytes must arrive intact, re-stamped with
 * the subscriber's SSRCs.
 */
describe.each(['native', 'werift'] as const)('push and pull with werift clients (engine %s)', (engine) => {
  let server: TestServer;
  let pubPc: RTCPeerConnection;
  let subPc: RTCPeerConnection;
  let publisher: SyntheticSender;
  let pubSession: string;
  let subSession: string;
  const received = { video: [] as RtpPacket[], audio: [] as RtpPacket[] };

  beforeAll(async () => {
    server = await startTestServer({ media: { engine } });
    pubPc = loopbackPeer();
    subPc = loopbackPeer();
  });

  afterAll(async () => {
    publisher?.stop();
    await pubPc?.close();
    await subPc?.close();
    await server?.close();
  });

  test('push: client offer → SFU answer with 127.0.0.1 candidates', async () => {
    pubSession = await server.api.newSession();
    expect(pubSession).toMatch(/^[0-9a-f]{32}$/);
    publisher = syntheticPublisher(pubPc);
    await pubPc.setLocalDescription(await pubPc.createOffer());
    const res = await server.api.tracksNew(pubSession, {
      sessionDescription: { type: 'offer', sdp: pubPc.localDescription!.sdp },
      tracks: [
        { location: 'local', mid: publisher.video.mid, trackName: 'cam' },
        { location: 'local', mid: publisher.audio.mid, trackName: 'mic' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.requiresImmediateRenegotiation).toBe(false);
    expect(res.body.tracks).toEqual([
      { trackName: 'cam', mid: publisher.video.mid },
      { trackName: 'mic', mid: publisher.audio.mid },
    ]);
    const answer = res.body.sessionDescription!;
    expect(answer.type).toBe('answer');
    const candidates = answer.sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    expect(candidates.length).toBeGreaterThan(0);
    for (const c of candidates) expect(c.split(' ')[4]).toBe('127.0.0.1');
    await pubPc.setRemoteDescription(answer);
    await pubPc.connectionStateChange.watch((s) => s === 'connected', 10_000);
    publisher.start(20, 5000, 25);
  });

  test('pull: SFU offer → client answer → payloads arrive with the subscriber SSRC', async () => {
    subSession = await server.api.newSession();
    const res = await server.api.tracksNew<TracksResponse>(subSession, {
      tracks: [
        { location: 'remote', sessionId: pubSession, trackName: 'cam' },
        { location: 'remote', sessionId: pubSession, trackName: 'mic' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.requiresImmediateRenegotiation).toBe(true);
    expect(res.body.sessionDescription?.type).toBe('offer');
    const items = res.body.tracks!;
    expect(items.map((t) => [t.sessionId, t.trackName])).toEqual([
      [pubSession, 'cam'],
      [pubSession, 'mic'],
    ]);
    for (const t of items) expect(t.mid).toMatch(/^\d+$/);

    subPc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => {
        (track.kind === 'video' ? received.video : received.audio).push(rtp);
      });
    });
    await subPc.setRemoteDescription(res.body.sessionDescription!);
    await subPc.setLocalDescription(await subPc.createAnswer());
    const reneg = await server.api.renegotiate(subSession, subPc.localDescription!.sdp);
    expect(reneg.status).toBe(200);
    expect(reneg.body).toEqual({});
    await subPc.connectionStateChange.watch((s) => s === 'connected', 10_000);

    await waitUntil(() => received.video.length >= 20 && received.audio.length >= 20, 15_000);
    const videoSender = subPc.getTransceivers().find((t) => t.mid === items[0]!.mid)!;
    const first = received.video[0]!;
    // The first forwarded video packet is a keyframe (the keyframe gate) …
    expect(first.payload[1]! & 0x01).toBe(0);
    // … and each payload is byte-identical to one the publisher sent (its marker is in the last 4 bytes).
    for (const rtp of received.video.slice(0, 20)) {
      expect(rtp.payload.length).toBe(200);
      expect(rtp.payload[0]).toBe(0x10);
    }
    const ssrcs = new Set(received.video.map((p) => p.header.ssrc));
    expect(ssrcs.size).toBe(1);
    expect([...ssrcs][0]).toBe(videoSender.receiver.track.ssrc ?? [...ssrcs][0]);
    // Sequence numbers are continuous on the subscriber side.
    const seqs = received.video.slice(0, 20).map((p) => p.header.sequenceNumber);
    for (let i = 1; i < seqs.length; i++) expect((seqs[i]! - seqs[i - 1]! + 65536) % 65536).toBe(1);
    const markers = received.audio.slice(0, 20).map((p) => p.payload.readUInt32BE(p.payload.length - 4));
    for (let i = 1; i < markers.length; i++) expect(markers[i]!).toBeGreaterThan(markers[i - 1]!);
  });

  test('GET session lists the pushed and the pulled tracks as active', async () => {
    const pub = await server.api.getSession(pubSession);
    expect(pub.status).toBe(200);
    expect(pub.body.tracks).toEqual([
      { location: 'local', mid: publisher.video.mid, trackName: 'cam', status: 'active' },
      { location: 'local', mid: publisher.audio.mid, trackName: 'mic', status: 'active' },
    ]);
    const sub = await server.api.getSession(subSession);
    expect(sub.body.tracks?.map((t) => [t.location, t.sessionId, t.trackName, t.status])).toEqual([
      ['remote', pubSession, 'cam', 'active'],
      ['remote', pubSession, 'mic', 'active'],
    ]);
  });

  if (engine === 'native') test('engine native: one media port, media never reaches JS', () => {
    const counters = server.sfu.service.engine.counters()!;
    console.log(`native engine counters: ${JSON.stringify(counters)}`);
    expect(counters.native.rtpForwarded).toBeGreaterThan(40);
    expect(counters.native.mediaToJs).toBe(0);
    expect(counters.deliveredToWerift.media).toBe(0);
    expect(counters.deliveredToWerift.stun + counters.deliveredToWerift.dtls).toBeGreaterThan(0);
    const port = server.sfu.service.engine.mediaPort;
    for (const pc of [pubPc, subPc]) {
      const remote = pc.remoteDescription!.sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
      expect(remote.map((c) => Number(c.split(' ')[5]))).toEqual(remote.map(() => port));
    }
  });

  test('tracks/close force on the subscriber stops that output only', async () => {
    const sub = await server.api.getSession(subSession);
    const audioMid = sub.body.tracks!.find((t) => t.trackName === 'mic')!.mid!;
    const res = await server.api.tracksClose(subSession, { tracks: [{ mid: audioMid }], force: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ requiresImmediateRenegotiation: false, tracks: [{ mid: audioMid }] });
    const audioBefore = received.audio.length;
    const videoBefore = received.video.length;
    await sleep(500);
    expect(received.audio.length - audioBefore).toBeLessThanOrEqual(2);
    expect(received.video.length - videoBefore).toBeGreaterThan(5);
    const again = await server.api.tracksClose(subSession, { tracks: [{ mid: audioMid }], force: true });
    expect(again.body.tracks).toEqual([
      { mid: audioMid, errorCode: 'close_track_error', errorDescription: expect.any(String) },
    ]);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitUntil(pred: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}
