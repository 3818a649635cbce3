import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection, RtpPacket } from 'werift';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { waitUntil } from './helpers/flows.js';
import { loopbackPeer } from './helpers/werift-peers.js';
import { layerOfPayload, simulcastPublisherPeer, simulcastSender, tagOfPayload, type SimulcastSender } from './helpers/simulcast-publisher.js';

/**
 * One publisher PeerConnection with two simulcast videos that use the same rids (a camera and a
 * screen share, both f/h/q; tags 1 and 2 in the payloads). The RID extension is written on the
 * first packets only, as browsers do, so later packets are routed by SSRC. Each pull must get
 * its own track's layer: werift 0.25.2 alone would route both by RID into one transceiver
 * (`werift-rid-routing.ts`).
 */
describe.each(['native', 'werift'] as const)('two simulcast tracks with the same rids on one PeerConnection (engine %s)', (engine) => {
  let server: TestServer;
  let pubPc: RTCPeerConnection;
  let subPc: RTCPeerConnection;
  let senders: SimulcastSender[] = [];

  beforeAll(async () => {
    server = await startTestServer({ media: { engine } });
    pubPc = simulcastPublisherPeer();
    subPc = loopbackPeer();
  });
  afterAll(async () => {
    for (const s of senders) s.stop();
    await pubPc?.close();
    await subPc?.close();
    await server?.close();
  });

  test('cam h and screen q reach their own subscriber transceivers', async () => {
    const cam = simulcastSender(pubPc, ['f', 'h', 'q'], { tag: 1, extensionsForFirst: 10 });
    const screen = simulcastSender(pubPc, ['f', 'h', 'q'], { tag: 2, ssrcBase: 0x6200_0000, extensionsForFirst: 10 });
    senders = [cam, screen];
    const pubSession = await server.api.newSession();
    await pubPc.setLocalDescription(await pubPc.createOffer());
    const pushed = await server.api.tracksNew(pubSession, {
      sessionDescription: { type: 'offer', sdp: pubPc.localDescription!.sdp },
      tracks: [
        { location: 'local', mid: cam.transceiver.mid, trackName: 'cam' },
        { location: 'local', mid: screen.transceiver.mid, trackName: 'screen' },
      ],
    });
    await pubPc.setRemoteDescription(pushed.body.sessionDescription!);
    await pubPc.connectionStateChange.watch((s) => s === 'connected', 10_000);
    cam.start(20, 25);
    screen.start(20, 25);

    const subSession = await server.api.newSession();
    const byMid = new Map<string, RtpPacket[]>();
    subPc.onTrack.subscribe((track) => {
      const mid = subPc.getTransceivers().find((t) => t.receiver.tracks.includes(track))?.mid ?? '?';
      track.onReceiveRtp.subscribe((rtp) => byMid.set(mid, [...(byMid.get(mid) ?? []), rtp]));
    });
    const pulled = await server.api.tracksNew(subSession, {
      tracks: [
        { location: 'remote', sessionId: pubSession, trackName: 'cam', simulcast: { preferredRid: 'h' } },
        { location: 'remote', sessionId: pubSession, trackName: 'screen', simulcast: { preferredRid: 'q' } },
      ],
    });
    await subPc.setRemoteDescription(pulled.body.sessionDescription!);
    await subPc.setLocalDescription(await subPc.createAnswer());
    expect((await server.api.renegotiate(subSession, subPc.localDescription!.sdp)).status).toBe(200);
    const [camMid, screenMid] = pulled.body.tracks!.map((t) => t.mid!);
    // Well past the 10 packets that carry the RID: these are routed by SSRC.
    await waitUntil(() => (byMid.get(camMid!)?.length ?? 0) >= 60 && (byMid.get(screenMid!)?.length ?? 0) >= 60, 15_000);
    const seen = (mid: string): string[] => [...new Set(byMid.get(mid)!.map((p) => `${tagOfPayload(p.payload)}${layerOfPayload(p.payload)}`))];
    expect(seen(camMid!)).toEqual(['1h']);
    expect(seen(screenMid!)).toEqual(['2q']);
  });
});
