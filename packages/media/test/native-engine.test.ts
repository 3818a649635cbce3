import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RtpHeader,
  RtpPacket,
  useOPUS,
  useVP8,
  type RTCRtpTransceiver,
} from 'werift';
import { MediaEngine, type MediaPeer, type Publication } from '../src/index.js';
import { ENGINE_COUNTER_NAMES } from '../src/native-engine/engine-counters.js';
import { createNativeMediaEngine } from '../src/native-gateway.js';

/**
 * Engine native with two werift client PeerConnections on 127.0.0.1: a publisher whose RTP we
 * write, and a subscriber that drops part of what arrives (werift's debug loss) so it NACKs. The
 * SFU side shares one UDP port; media stays native (counters), payloads arrive intact under the
 * subscriber's SSRC, lost packets are resent from the route's cache, and a subscriber PLI
 * reaches the publisher as a PLI.
 */
/** werift's debug loss keeps a packet when `percent / 100 < Math.random()` is false, i.e. drops 1 − percent/100. */
function clientPeer(extra: { inboundLossPercent?: number; outboundKeepPercent?: number } = {}): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [],
    bundlePolicy: 'max-bundle',
    codecs: { audio: [useOPUS()], video: [useVP8()] },
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    ...(extra.inboundLossPercent ? { debug: { inboundPacketLoss: extra.inboundLossPercent } } : {}),
    ...(extra.outboundKeepPercent ? { debug: { outboundPacketLoss: extra.outboundKeepPercent } } : {}),
  });
}

function vp8(keyframe: boolean, marker: number): Buffer {
  const buf = Buffer.alloc(300);
  buf[0] = 0x10; // S=1, PID=0
  buf[1] = keyframe ? 0x00 : 0x01; // P bit: 0 = key frame
  if (keyframe) buf.set([0x9d, 0x01, 0x2a], 4);
  buf.writeUInt32BE(marker, 296);
  return buf;
}

async function waitFor(pred: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function candidatePorts(sdp: string): number[] {
  return sdp
    .split('\r\n')
    .filter((l) => l.startsWith('a=candidate:'))
    .map((l) => Number(l.split(' ')[5]));
}

describe('native media engine with werift peers', () => {
  let engine: MediaEngine;
  let pubClient: RTCPeerConnection;
  let subClient: RTCPeerConnection;
  let pubPeer: MediaPeer;
  let subPeer: MediaPeer;
  let publication: Publication;
  let clientVideo: RTCRtpTransceiver;
  const videoTrack = new MediaStreamTrack({ kind: 'video' });
  const markers: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let seq = 100;

  beforeAll(async () => {
    engine = new MediaEngine({ engine: 'native' });
    pubClient = clientPeer();
    subClient = clientPeer({ inboundLossPercent: 20 });
  });

  afterAll(async () => {
    if (timer) clearInterval(timer);
    await pubClient?.close();
    await subClient?.close();
    await engine?.close();
  });

  test('push: the SFU answer names the engine port; the publication has a native track', async () => {
    clientVideo = pubClient.addTransceiver(videoTrack, { direction: 'sendonly' });
    await pubClient.setLocalDescription(await pubClient.createOffer());
    pubPeer = engine.createPeer();
    const answer = await pubPeer.applyOffer(pubClient.localDescription!.sdp);
    expect(candidatePorts(answer)).toEqual([engine.mediaPort]);
    await pubClient.setRemoteDescription({ type: 'answer', sdp: answer });
    await pubClient.connectionStateChange.watch((s) => s === 'connected', 10_000);
    publication = pubPeer.publishedByMid(clientVideo.mid!)!;
    expect(publication.kind).toBe('video');
    let n = 0;
    timer = setInterval(() => {
      const keyframe = n++ % 50 === 0;
      videoTrack.writeRtp(
        new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: seq++ & 0xffff, timestamp: n * 3000, marker: true }), vp8(keyframe, n)),
      );
    }, 10);
    await waitFor(() => publication.stats().packets > 10, 5000);
  });

  test('pull: payloads arrive intact with the SFU sender SSRC; one port for both peers', async () => {
    subPeer = engine.createPeer();
    const transceiver = subPeer.addSendTransceiver('video');
    const offer = await subPeer.createOffer();
    expect(candidatePorts(offer)).toEqual([engine.mediaPort]);
    subClient.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => {
        expect(rtp.header.ssrc).toBe(transceiver.sender.ssrc);
        markers.push(rtp.payload.readUInt32BE(296));
      });
    });
    await subClient.setRemoteDescription({ type: 'offer', sdp: offer });
    await subClient.setLocalDescription(await subClient.createAnswer());
    await subPeer.applyAnswer(subClient.localDescription!.sdp);
    subPeer.subscribe(transceiver, publication);
    await subClient.connectionStateChange.watch((s) => s === 'connected', 10_000);
    await waitFor(() => markers.length > 100, 10_000);
    // Payloads are the publisher's, each marker once per delivery, increasing apart from resends.
    expect(new Set(markers).size).toBeGreaterThan(80);
  });

  test('NACKs from the lossy subscriber are answered from the route cache', async () => {
    await waitFor(() => (engine.counters()?.native.nackResent ?? 0) > 5, 10_000);
    const c = engine.counters()!;
    expect(c.native.nackReceived).toBeGreaterThan(0);
  });

  test('a subscriber PLI reaches the publisher as a PLI', async () => {
    let plis = 0;
    clientVideo.sender.onPictureLossIndication.subscribe(() => plis++);
    const receiver = subClient.getTransceivers()[0]!.receiver;
    // Past the native rate limit (300 ms) of the keyframe requests the new route made.
    await new Promise((r) => setTimeout(r, 400));
    await receiver.sendRtcpPLI(receiver.track.ssrc!);
    await waitFor(() => plis > 0, 5000);
    expect(engine.counters()!.native.keyframeRequestsReceived).toBeGreaterThan(0);
  });

  test('the publisher hears the engine\'s REMB (10 Mbit/s by default)', async () => {
    await waitFor(() => clientVideo.sender.receiverEstimatedMaxBitrate > 0n, 5000);
    expect(clientVideo.sender.receiverEstimatedMaxBitrate).toBe(10_000_000n);
  });

  test('the TS counter names are exactly the addon\'s, in order', () => {
    const binding = createNativeMediaEngine({ bindAddress: '127.0.0.1', port: 0 }, () => undefined);
    try {
      expect(binding.counterNames()).toEqual([...ENGINE_COUNTER_NAMES]);
    } finally {
      binding.close();
    }
  });

  test('media never reached JavaScript; control did', () => {
    const c = engine.counters()!;
    expect(c.native.mediaToJs).toBe(0);
    expect(c.deliveredToWerift.media).toBe(0);
    expect(c.deliveredToWerift.stun).toBeGreaterThan(0);
    expect(c.deliveredToWerift.dtls).toBeGreaterThan(0);
    expect(c.native.rtpForwarded).toBeGreaterThan(100);
    expect(c.native.srSent + c.native.rrSent).toBeGreaterThan(0);
  });

  test('closing a peer closes its endpoints; the other keeps its media', async () => {
    await engine.closePeer(pubPeer);
    expect(publication.closed).toBe(true);
    const before = engine.counters()!.native.rtpForwarded;
    await new Promise((r) => setTimeout(r, 200));
    expect(engine.counters()!.native.rtpForwarded).toBe(before);
    await engine.close();
    await engine.close();
    expect(engine.counters()).toBeDefined();
  });
});

describe('native media engine: a lossy publisher', () => {
  test('the SFU NACKs the gaps; the subscriber gets (nearly) every packet', async () => {
    const engine = new MediaEngine({ engine: 'native' });
    const pubClient = clientPeer({ outboundKeepPercent: 90 }); // ~10 % of what it sends is lost
    const subClient = clientPeer();
    const track = new MediaStreamTrack({ kind: 'video' });
    try {
      const clientVideo = pubClient.addTransceiver(track, { direction: 'sendonly' });
      await pubClient.setLocalDescription(await pubClient.createOffer());
      const pubPeer = engine.createPeer();
      await pubClient.setRemoteDescription({ type: 'answer', sdp: await pubPeer.applyOffer(pubClient.localDescription!.sdp) });
      await pubClient.connectionStateChange.watch((s) => s === 'connected', 10_000);
      const publication = pubPeer.publishedByMid(clientVideo.mid!)!;
      const subPeer = engine.createPeer();
      const transceiver = subPeer.addSendTransceiver('video');
      const got = new Set<number>();
      subClient.onTrack.subscribe((t) => t.onReceiveRtp.subscribe((rtp) => got.add(rtp.payload.readUInt32BE(296))));
      await subClient.setRemoteDescription({ type: 'offer', sdp: await subPeer.createOffer() });
      await subClient.setLocalDescription(await subClient.createAnswer());
      await subPeer.applyAnswer(subClient.localDescription!.sdp);
      const sub = subPeer.subscribe(transceiver, publication);
      await subClient.connectionStateChange.watch((s) => s === 'connected', 10_000);
      const total = 400;
      for (let n = 1; n <= total; n++) {
        // Keyframes first (a loss before the first packet that arrives cannot be seen as a gap),
        // then one every 100 packets.
        const keyframe = n <= 5 || n % 100 === 1;
        track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: n, timestamp: n * 3000, marker: true }), vp8(keyframe, n)));
        await new Promise((r) => setTimeout(r, 4));
      }
      await new Promise((r) => setTimeout(r, 800)); // the last retransmissions
      expect(got.size).toBeGreaterThan(200);
      const first = Math.min(...got);
      const expected = total - first + 1;
      const counters = engine.counters()!;
      console.log(`lossy publisher: ${got.size}/${expected} packets reached the subscriber; NACKs sent ${counters.native.nackSent}, rtpIn ${counters.native.rtpIn}, forwarded ${sub.stats().packetsForwarded}`);
      expect(counters.native.nackSent).toBeGreaterThan(0);
      // Without NACKs ~10 % would be missing; three tries (each lost with p ≈ 0.1) leave ≪ 1 %.
      expect(got.size).toBeGreaterThanOrEqual(Math.floor(expected * 0.97));
      expect(first).toBeLessThanOrEqual(5);
    } finally {
      await pubClient.close();
      await subClient.close();
      await engine.close();
    }
  });
});
