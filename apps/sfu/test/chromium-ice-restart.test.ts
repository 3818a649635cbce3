import { describe, expect, test } from 'vitest';
import { demoSuite } from './helpers/demo-suite.js';

/**
 * End to end in real Chromium: page A pushes its fake camera, page B pulls it; then B restarts
 * ICE the browser way — `pc.restartIce()`, a new offer (new ice-ufrag/ice-pwd, no candidates: it
 * is posted right after setLocalDescription), `PUT renegotiate`, the SFU's answer — and the
 * pulled video must keep decoding on the restarted transport.
 *
 * The restart happens without a prior disconnect: on loopback there is no way to take Chromium's
 * network away from inside the page (the forced-disconnect case is covered with werift clients in
 * reuse-window.test.ts). The SFU drops its old pair the moment the restart offer arrives, so
 * frames after the restart prove the new pair works in both directions.
 */
interface RestartReport {
  readonly status: number;
  readonly oldUfrag: string;
  readonly offerUfrag: string;
  readonly answerUfrag: string;
  readonly answerCandidates: number;
  readonly transportUfragAfter: string | undefined;
  readonly iceStateAfter: string;
  readonly framesAtRestart: number;
  readonly framesAfter: number;
  /** From applying the answer to the first frame decoded after it, and to 60 frames. */
  readonly firstFrameMs: number | undefined;
  readonly sixtyFramesMs: number | undefined;
  readonly width: number;
}

describe.each(['native', 'werift'] as const)('Chromium ICE restart on a pulling session (engine %s)', (engine) => {
  const suite = demoSuite(engine);

  test('restartIce() → offer on PUT renegotiate → answer: new credentials on both sides, framesDecoded keeps rising', async () => {
    const pushed = await suite.pageA.evaluate(async () => {
      const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
      const pub = await (window as any).opencalls.push(media);
      return { sessionId: pub.sessionId as string, trackNames: (pub.tracks as { trackName: string }[]).map((t) => t.trackName) };
    });

    const subSession = await suite.pageB.evaluate(async ({ sessionId, trackNames }) => {
      const oc = (window as any).opencalls;
      const sub = await oc.pull(sessionId, trackNames);
      (window as any).sub = sub;
      const deadline = performance.now() + 20_000;
      while (performance.now() < deadline && ((await oc.inboundStats(sub.pc)).video?.framesDecoded ?? 0) <= 30) {
        await new Promise((r) => setTimeout(r, 100));
      }
      return sub.sessionId as string;
    }, pushed);

    const report: RestartReport = await suite.pageB.evaluate(async () => {
      const oc = (window as any).opencalls;
      const sub = (window as any).sub;
      const pc: RTCPeerConnection = sub.pc;
      const cfg = await oc.loadConfig();
      const ufragOf = (sdp: string): string => /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1] ?? '';
      const transport = async (): Promise<{ ufrag: string | undefined; state: string }> => {
        const report = await pc.getStats();
        let found: { ufrag: string | undefined; state: string } = { ufrag: undefined, state: '' };
        report.forEach((s: any) => {
          if (s.type === 'transport') found = { ufrag: s.iceLocalUsernameFragment, state: s.iceState ?? '' };
        });
        return found;
      };
      const oldUfrag = ufragOf(pc.remoteDescription!.sdp);

      pc.restartIce();
      await pc.setLocalDescription(await pc.createOffer());
      const offer = pc.localDescription!.sdp;
      const res = await fetch(`/v1/apps/${cfg.appId}/sessions/${sub.sessionId}/renegotiate`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${cfg.secret}` },
        body: JSON.stringify({ sessionDescription: { type: 'offer', sdp: offer } }),
      });
      const json = await res.json();
      if (res.status !== 200) {
        return { status: res.status, oldUfrag, offerUfrag: ufragOf(offer), answerUfrag: '', answerCandidates: 0 } as never;
      }
      const answer: string = json.sessionDescription.sdp;
      await pc.setRemoteDescription(json.sessionDescription);
      const framesAtRestart = (await oc.inboundStats(pc)).video.framesDecoded as number;
      const answeredAt = performance.now();
      let firstFrameMs: number | undefined;
      let sixtyFramesMs: number | undefined;

      // Wait until Chromium uses the new credentials and 60 more frames (~2 s) are decoded.
      const deadline = performance.now() + 20_000;
      let stats = await oc.inboundStats(pc);
      let t = await transport();
      while (performance.now() < deadline) {
        stats = await oc.inboundStats(pc);
        t = await transport();
        if (firstFrameMs === undefined && stats.video.framesDecoded > framesAtRestart) firstFrameMs = performance.now() - answeredAt;
        if (t.ufrag === ufragOf(offer) && stats.video.framesDecoded > framesAtRestart + 60) {
          sixtyFramesMs = performance.now() - answeredAt;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return {
        status: res.status,
        oldUfrag,
        offerUfrag: ufragOf(offer),
        answerUfrag: ufragOf(answer),
        answerCandidates: answer.split('\r\n').filter((l) => l.startsWith('a=candidate:')).length,
        transportUfragAfter: t.ufrag,
        iceStateAfter: t.state,
        framesAtRestart,
        framesAfter: stats.video.framesDecoded,
        firstFrameMs,
        sixtyFramesMs,
        width: stats.video.frameWidth,
      };
    });

    console.log(
      `Chromium ICE restart (engine ${engine}): first frame ${report.firstFrameMs?.toFixed(0)} ms and 60 frames ${report.sixtyFramesMs?.toFixed(0)} ms ` +
        `after the answer (polled every 100 ms; ICE ${report.iceStateAfter})`,
    );
    expect(report.status).toBe(200);
    expect(report.answerUfrag).not.toBe('');
    expect(report.answerUfrag).not.toBe(report.oldUfrag);
    expect(report.answerCandidates).toBeGreaterThan(0);
    expect(report.transportUfragAfter).toBe(report.offerUfrag);
    expect(report.framesAfter - report.framesAtRestart).toBeGreaterThan(60);
    // Chromium may scale the encode down under CPU load; the size is not what this test is about.
    expect(report.width).toBeGreaterThan(0);

    // The suite.server restarted its agent and nominated a pair of the new generation itself.
    const ice = suite.server.sfu.service.lookup('test-app', subSession).peer.pc.iceTransports[0]!;
    expect(ice.iceRestarts).toBe(1);
    expect(ice.connection.nominated).toBeDefined();
    expect(ice.connection.remoteUsername).toBe(report.offerUfrag);
    expect(suite.server.sfu.service.lookup('test-app', subSession).session.connectionState).toBe('connected');
  });
});
