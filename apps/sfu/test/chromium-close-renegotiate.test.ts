import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { assertMatchesOfficialSchema } from '@opencalls/conformance';
import { openDemoPages } from './helpers/browser.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

interface Pushed {
  sessionId: string;
  tracks: { trackName: string; kind: string }[];
}

/**
 * `tracks/close` with `force: false` the way partytracks does it (calls-api.md §3.5, §6.6c), in real
 * Chromium: page A pushes camera + mic, page B pulls both, then B stops its audio transceiver,
 * offers, and sends the offer to `tracks/close`; it applies the SFU's answer. B's video must keep
 * decoding, the audio transceiver must be stopped, and the session must show the audio pull as
 * inactive. The audio pull is B's first m= section, its BUNDLE tag: closing it moves B's transport
 * (Chrome opens a new ICE + DTLS transport for the new tag; see packages/media bundle-tag-move.ts).
 */
describe.each(['native', 'werift'] as const)('Chromium: close one pulled track with a renegotiation (engine %s)', (engine) => {
  let server: TestServer;
  let browser: Browser;
  let pageA: Page;
  let pageB: Page;
  let pushed: Pushed;
  let pullSession: string;
  let mids: { video: string; audio: string };

  beforeAll(async () => {
    server = await startTestServer({ media: { engine } });
    ({ browser, pageA, pageB } = await openDemoPages(server.url));
    for (const page of [pageA, pageB]) await page.waitForFunction(() => 'opencalls' in window && 'closeTracks' in (window as any).opencalls);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('A pushes camera + mic; B pulls both and decodes video', async () => {
    pushed = await pageA.evaluate(async () => {
      const media = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true });
      const pub = await (window as any).opencalls.push(media);
      (window as any).pub = pub;
      return { sessionId: pub.sessionId as string, tracks: pub.tracks as { trackName: string; kind: string }[] };
    });
    const pulled = await pageB.evaluate(
      async ({ sessionId, trackNames }) => {
        const oc = (window as any).opencalls;
        const sub = await oc.pull(sessionId, trackNames);
        (window as any).sub = sub;
        const deadline = performance.now() + 20_000;
        while (performance.now() < deadline) {
          const stats = await oc.inboundStats(sub.pc);
          if ((stats.video?.framesDecoded ?? 0) > 10 && (stats.audio?.packetsReceived ?? 0) > 10) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        return { sessionId: sub.sessionId as string, items: sub.tracks as { trackName: string; mid: string }[], stats: await oc.inboundStats(sub.pc) };
      },
      // Audio first: it gets mid 0, the BUNDLE tag of B's PeerConnection.
      { sessionId: pushed.sessionId, trackNames: [...pushed.tracks].sort((a, b) => a.kind.localeCompare(b.kind)).map((t) => t.trackName) },
    );
    pullSession = pulled.sessionId;
    expect(pulled.stats.video.framesDecoded).toBeGreaterThan(10);
    expect(pulled.stats.audio.packetsReceived).toBeGreaterThan(10);
    const midOf = (kind: string): string => {
      const name = pushed.tracks.find((t) => t.kind === kind)!.trackName;
      return pulled.items.find((i) => i.trackName === name)!.mid;
    };
    mids = { video: midOf('video'), audio: midOf('audio') };
    expect(mids.audio).toBe('0');
  });

  test('B closes the audio pull (stop, offer, tracks/close force:false, answer): video keeps decoding', async () => {
    const result = await pageB.evaluate(async (audioMid) => {
      const oc = (window as any).opencalls;
      const sub = (window as any).sub;
      const audioTransceiver = sub.pc.getTransceivers().find((t: RTCRtpTransceiver) => t.mid === audioMid);
      const before = await oc.inboundStats(sub.pc);
      const res = await oc.closeTracks(sub, [audioMid]);
      const closedAt = performance.now();
      const afterClose = await oc.inboundStats(sub.pc);
      const signalingState = sub.pc.signalingState as string;
      // Watch the video after the renegotiation (bounded).
      let resumedMs: number | undefined;
      let later = afterClose;
      const deadline = closedAt + 15_000;
      while (performance.now() < deadline) {
        later = await oc.inboundStats(sub.pc);
        if (resumedMs === undefined && later.video.framesDecoded > afterClose.video.framesDecoded) resumedMs = performance.now() - closedAt;
        if (later.video.framesDecoded > afterClose.video.framesDecoded + 30) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      return {
        res,
        before,
        afterClose,
        later,
        resumedMs,
        signalingState,
        connectionState: sub.pc.connectionState as string,
        audio: {
          direction: audioTransceiver.direction as string,
          currentDirection: audioTransceiver.currentDirection as string,
          stillListed: sub.pc.getTransceivers().includes(audioTransceiver) as boolean,
          trackState: audioTransceiver.receiver.track.readyState as string,
        },
        states: oc.transceiverStates(sub.pc),
      };
    }, mids.audio);

    assertMatchesOfficialSchema({ path: '/apps/{appId}/sessions/{sessionId}/tracks/close', method: 'PUT', status: 200, body: result.res });
    expect(result.res.requiresImmediateRenegotiation).toBe(false);
    expect(result.res.tracks).toEqual([{ mid: mids.audio }]);
    expect(result.res.sessionDescription.type).toBe('answer');
    expect(result.signalingState).toBe('stable');
    expect(result.connectionState).toBe('connected');

    // The audio transceiver is stopped (and, negotiated, gone from the list); its track ended.
    expect(result.audio).toEqual({ direction: 'stopped', currentDirection: 'stopped', stillListed: false, trackState: 'ended' });
    expect(result.states).toEqual([{ mid: mids.video, kind: 'video', direction: 'recvonly', currentDirection: 'recvonly' }]);

    // Video kept flowing and decoding across the renegotiation.
    console.log(`close with renegotiation → next decoded video frame: ${result.resumedMs?.toFixed(0)} ms`);
    expect(result.later.video.framesDecoded).toBeGreaterThan(result.afterClose.video.framesDecoded + 30);
    expect(result.later.video.framesDecoded).toBeGreaterThan(result.before.video.framesDecoded);
    // The SFU itself brought a keyframe to the new transport (once it had keys): B's decoder did
    // not have to ask for one — when it had to, the video stood still for about 3 s.
    expect(result.later.video.keyFramesDecoded).toBeGreaterThan(result.afterClose.video.keyFramesDecoded);
    expect(result.later.video.pliCount).toBe(result.afterClose.video.pliCount);
    if (engine === 'native') {
      // What was forwarded while the new transport had no keys yet came back on B's NACKs.
      expect(result.later.video.packetsLost).toBe(result.afterClose.video.packetsLost);
    }
  });

  test('the SFU stopped the audio output and shows the pull as inactive; the publisher is untouched', async () => {
    const sub = await server.api.getSession(pullSession);
    const status = Object.fromEntries((sub.body.tracks ?? []).map((t) => [t.mid, t.status]));
    expect(status).toEqual({ [mids.video]: 'active', [mids.audio]: 'inactive' });
    const pub = await server.api.getSession(pushed.sessionId);
    expect(pub.body.tracks?.every((t) => t.status === 'active')).toBe(true);
    const subscription = server.sfu.service.lookup('test-app', pullSession).peer.subscriptionByMid(mids.audio);
    expect(subscription).toBeUndefined();
  });

  test('closing the same mid again → close_track_error item, still answered', async () => {
    const result = await pageB.evaluate(async (audioMid) => {
      const oc = (window as any).opencalls;
      const sub = (window as any).sub;
      try {
        return { ok: true, res: await oc.closeTracks(sub, [audioMid]) };
      } catch (e) {
        return { ok: false, error: String(e) };
      }
    }, mids.audio);
    expect(result.ok).toBe(true);
    assertMatchesOfficialSchema({ path: '/apps/{appId}/sessions/{sessionId}/tracks/close', method: 'PUT', status: 200, body: result.res });
    expect(result.res.tracks).toEqual([{ mid: mids.audio, errorCode: 'close_track_error', errorDescription: "Track doesn't exist or was already closed" }]);
    expect(result.res.sessionDescription.type).toBe('answer');
  });

  test('B pulls the audio again into the same session (the m= line of the rejected BUNDLE tag is not recycled): audio and video flow', async () => {
    const audioName = pushed.tracks.find((t) => t.kind === 'audio')!.trackName;
    const result = await pageB.evaluate(
      async ({ sessionId, trackName }) => {
        const oc = (window as any).opencalls;
        const sub = (window as any).sub;
        const cfg = await oc.loadConfig();
        const call = async (method: string, path: string, body: unknown) => {
          const r = await fetch(`/v1/apps/${cfg.appId}${path}`, { method, headers: { authorization: `Bearer ${cfg.secret}` }, body: JSON.stringify(body) });
          return r.json();
        };
        const res = await call('POST', `/sessions/${sub.sessionId}/tracks/new`, { tracks: [{ location: 'remote', sessionId, trackName }] });
        try {
          await sub.pc.setRemoteDescription(res.sessionDescription);
          await sub.pc.setLocalDescription(await sub.pc.createAnswer());
        } catch (e) {
          return { error: String(e), offer: res.sessionDescription?.sdp as string };
        }
        await call('PUT', `/sessions/${sub.sessionId}/renegotiate`, { sessionDescription: { type: 'answer', sdp: sub.pc.localDescription.sdp } });
        const before = await oc.inboundStats(sub.pc);
        const deadline = performance.now() + 15_000;
        let now = before;
        while (performance.now() < deadline) {
          now = await oc.inboundStats(sub.pc);
          if ((now.audio?.packetsReceived ?? 0) > 20 && now.video.framesDecoded > before.video.framesDecoded + 10) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        return { mid: res.tracks?.[0]?.mid as string, before, now, states: oc.transceiverStates(sub.pc) };
      },
      { sessionId: pushed.sessionId, trackName: audioName },
    );
    if ('error' in result) throw new Error(`${result.error}\n${result.offer}`);
    expect(result.mid).not.toBe(mids.audio);
    expect(result.now.audio.packetsReceived).toBeGreaterThan(20);
    expect(result.now.video.framesDecoded).toBeGreaterThan(result.before.video.framesDecoded + 10);
  });
});
