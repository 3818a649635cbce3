import { describe, expect, test } from 'vitest';
import { demoSuite } from './helpers/demo-suite.js';

/**
 * End to end in real Chromium with its fake camera and microphone: page A pushes camera + mic
 * through the Calls API, page B pulls both from another session; B must decode A's video at A's
 * resolution and receive audio.
 */
describe.each(['native', 'werift'] as const)('Chromium push → SFU → Chromium pull (engine %s)', (engine) => {
  const suite = demoSuite(engine);

  test('B decodes A\'s camera at 640×480 and receives A\'s audio', async () => {
    const pushed = await suite.pageA.evaluate(async () => {
      const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
      const settings = media.getVideoTracks()[0]!.getSettings();
      const pub = await (window as any).opencalls.push(media);
      (window as any).pub = pub;
      return { sessionId: pub.sessionId as string, tracks: pub.tracks as { trackName: string; kind: string }[], width: settings.width, height: settings.height };
    });
    expect(pushed.tracks.map((t) => t.kind).sort()).toEqual(['audio', 'video']);

    const result = await suite.pageB.evaluate(
      async ({ sessionId, trackNames }) => {
        const oc = (window as any).opencalls;
        const sub = await oc.pull(sessionId, trackNames);
        const start = sub.answeredAt as number;
        let firstFrameMs: number | undefined;
        let stats = await oc.inboundStats(sub.pc);
        const deadline = performance.now() + 20_000;
        while (performance.now() < deadline) {
          stats = await oc.inboundStats(sub.pc);
          if (firstFrameMs === undefined && (stats.video?.framesDecoded ?? 0) > 0) firstFrameMs = performance.now() - start;
          if ((stats.video?.framesDecoded ?? 0) > 30 && (stats.audio?.packetsReceived ?? 0) > 20) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        return { stats, firstFrameMs, items: sub.tracks };
      },
      { sessionId: pushed.sessionId, trackNames: pushed.tracks.map((t) => t.trackName) },
    );

    console.log(`pull answer → first decoded frame: ${result.firstFrameMs?.toFixed(0)} ms`);
    expect(result.items.every((t: { mid: string }) => t.mid !== '')).toBe(true);
    expect(result.stats.video.framesDecoded).toBeGreaterThan(30);
    expect(result.stats.video.frameWidth).toBe(pushed.width);
    expect(result.stats.video.frameHeight).toBe(pushed.height);
    expect(result.stats.audio.packetsReceived).toBeGreaterThan(20);
  });

  if (engine === 'native') {
    test('engine native: > 1000 packets forwarded natively, no media datagram delivered to JS', async () => {
      const engineOf = suite.server.sfu.service.engine;
      const deadline = Date.now() + 30_000;
      while ((engineOf.counters()?.native.rtpForwarded ?? 0) <= 1000 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      const counters = engineOf.counters()!;
      console.log(`native engine counters: ${JSON.stringify(counters)}`);
      expect(counters.native.rtpForwarded).toBeGreaterThan(1000);
      expect(counters.native.mediaToJs).toBe(0);
      expect(counters.deliveredToWerift.media).toBe(0);
      expect(counters.native.rtcpIn).toBeGreaterThan(0);
      expect(counters.native.dropAuth).toBe(0);
      expect(counters.native.dropReplay).toBe(0);
    });

    test('engine native: transport-wide feedback lets A\'s estimate leave its 300 kbit/s start (werift engine: no feedback, it creeps up)', async () => {
      const estimate = await suite.pageA.evaluate(async () => {
        const pc = (window as any).pub.pc as RTCPeerConnection;
        let best = 0;
        const deadline = performance.now() + 10_000;
        while (performance.now() < deadline && best <= 1_000_000) {
          (await pc.getStats()).forEach((s) => {
            if (s.type === 'candidate-pair' && s.nominated) best = Math.max(best, s.availableOutgoingBitrate ?? 0);
          });
          await new Promise((r) => setTimeout(r, 200));
        }
        return best;
      });
      const sent = suite.server.sfu.service.engine.counters()!.native.twccFeedbackSent;
      console.log(`publisher's available outgoing bitrate: ${Math.round(estimate / 1000)} kbit/s after ${sent} transport-wide feedback packets`);
      expect(sent).toBeGreaterThan(0);
      expect(estimate).toBeGreaterThan(1_000_000);
    });
  }
});
