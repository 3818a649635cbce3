import { describe, expect, test } from 'vitest';
import { demoSuite } from './helpers/demo-suite.js';

/**
 * The Calls calls of calls-examples/whip-whep-server (calls-api.md §6.4), made by real Chromium:
 * page A is a WHIP encoder (`sessions/new`, then `tracks/new` with its offer and
 * `autoDiscover: true`), page B a WHEP player in client-offer mode (`sessions/new`, then
 * `tracks/new` with the discovered tracks and its recvonly offer; the answer is applied as is,
 * no renegotiation). B must decode A's camera.
 */
describe.each(['native', 'werift'] as const)('Chromium WHIP → SFU → Chromium WHEP (engine %s)', (engine) => {
  const suite = demoSuite(engine);

  test('B (WHEP, client offer) decodes the camera A published with autoDiscover (WHIP)', async () => {
    const ingest = await suite.pageA.evaluate(async () => {
      const oc = (window as any).opencalls;
      const api = oc.apiFor(await oc.loadConfig());
      const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
      const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
      for (const track of media.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
      await pc.setLocalDescription(await pc.createOffer());
      const { sessionId } = await api('POST', '/sessions/new');
      const res = await api('POST', `/sessions/${sessionId}/tracks/new`, {
        sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
        autoDiscover: true,
      });
      await pc.setRemoteDescription(res.sessionDescription);
      (window as any).whip = pc;
      return { sessionId: sessionId as string, tracks: res.tracks as { trackName: string; kind: string; mid: string }[] };
    });
    expect(ingest.tracks.map((t) => t.kind).sort()).toEqual(['audio', 'video']);

    const result = await suite.pageB.evaluate(
      async ({ sessionId, trackNames }) => {
        const oc = (window as any).opencalls;
        const api = oc.apiFor(await oc.loadConfig());
        const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
        pc.addTransceiver('video', { direction: 'recvonly' });
        pc.addTransceiver('audio', { direction: 'recvonly' });
        await pc.setLocalDescription(await pc.createOffer());
        const session = await api('POST', '/sessions/new');
        const res = await api('POST', `/sessions/${session.sessionId}/tracks/new`, {
          tracks: trackNames.map((trackName: string) => ({ location: 'remote', sessionId, trackName })),
          sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
        });
        await pc.setRemoteDescription(res.sessionDescription);
        let stats = await oc.inboundStats(pc);
        const deadline = performance.now() + 20_000;
        while (performance.now() < deadline) {
          stats = await oc.inboundStats(pc);
          if ((stats.video?.framesDecoded ?? 0) > 30 && (stats.audio?.packetsReceived ?? 0) > 20) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        return {
          stats,
          type: res.sessionDescription?.type as string,
          renegotiate: res.requiresImmediateRenegotiation as boolean,
          mids: (res.tracks as { mid: string }[]).map((t) => t.mid),
          offeredMids: pc.getTransceivers().map((t) => t.mid),
        };
      },
      { sessionId: ingest.sessionId, trackNames: ingest.tracks.map((t) => t.trackName) },
    );

    expect(result.type).toBe('answer');
    expect(result.renegotiate).toBe(false);
    expect([...result.mids].sort()).toEqual([...result.offeredMids].sort());
    expect(result.stats.video.framesDecoded).toBeGreaterThan(30);
    expect(result.stats.video.frameWidth).toBe(640);
    expect(result.stats.video.frameHeight).toBe(480);
    expect(result.stats.audio.packetsReceived).toBeGreaterThan(20);
  });
});
