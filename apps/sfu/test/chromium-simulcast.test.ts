import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openDemoPages } from './helpers/browser.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

interface Layer {
  rid: string;
  frameWidth: number;
  frameHeight: number;
  framesEncoded: number;
  bytesSent: number;
  qualityLimitationReason: string;
}

interface InboundVideo {
  ssrc: number;
  frameWidth: number;
  frameHeight: number;
  framesDecoded: number;
  keyFramesDecoded: number;
  packetsReceived: number;
}

/** Generous: Chromium ramps its layers up and may be slow on a loaded 2-core machine. */
const WAIT_MS = 25_000;

/**
 * End to end in real Chromium: page A publishes its fake camera at 1280×720 with simulcast
 * (`sendEncodings` f/h/q, scaleResolutionDownBy 1/2/4, as echo-simulcast does); page B pulls it
 * with `preferredRid: "h"`, then switches with `PUT tracks/update` to "q" and to "f". B's decoder
 * must follow: it decodes, at each step, the size A's encoder produces on that rid (nominally
 * 640×360 → 320×180 → 1280×720). Chromium may lower every layer under CPU load, so the test
 * compares B with A's own outbound stats for the rid and checks the order f > h > q; it logs
 * whether the nominal sizes were met.
 */
describe.each(['native', 'werift'] as const)('Chromium simulcast push → SFU → Chromium pull with layer switches (engine %s)', (engine) => {
  let server: TestServer;
  let browser: Browser;
  let pageA: Page;
  let pageB: Page;

  beforeAll(async () => {
    server = await startTestServer({ media: { engine } });
    ({ browser, pageA, pageB } = await openDemoPages(server.url));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const layersOfA = (): Promise<Layer[]> =>
    pageA.evaluate(() => (window as any).opencalls.outboundLayers((window as any).pub.pc) as Promise<Layer[]>);
  const videoOfB = (): Promise<InboundVideo | null> =>
    pageB.evaluate(() => (window as any).opencalls.inboundVideo((window as any).sub.pc) as Promise<InboundVideo | null>);

  /** Polls until B decodes frames at the size A currently encodes on `rid`; returns both. */
  async function waitForLayer(rid: string, sinceKeyFrames: number): Promise<{ layer: Layer; video: InboundVideo; ms: number }> {
    const start = performance.now();
    let last: { layer: Layer | undefined; video: InboundVideo | null } = { layer: undefined, video: null };
    while (performance.now() - start < WAIT_MS) {
      const layer = (await layersOfA()).find((l) => l.rid === rid);
      const video = await videoOfB();
      last = { layer, video };
      if (
        layer &&
        video &&
        layer.frameWidth > 0 &&
        video.frameWidth === layer.frameWidth &&
        video.frameHeight === layer.frameHeight &&
        video.keyFramesDecoded > sinceKeyFrames
      ) {
        // Frames keep coming at this size.
        const before = video.framesDecoded;
        await new Promise((r) => setTimeout(r, 500));
        const after = await videoOfB();
        if (after && after.framesDecoded > before && after.frameWidth === layer.frameWidth) {
          return { layer, video: after, ms: performance.now() - start };
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`B never decoded layer ${rid}: last ${JSON.stringify(last)}`);
  }

  test('B follows h → q → f; one SSRC throughout; a keyframe at each switch', async () => {
    const pushed = await pageA.evaluate(async () => {
      const media = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 } });
      const track = media.getVideoTracks()[0]!;
      const pub = await (window as any).opencalls.pushSimulcast(track);
      (window as any).pub = pub;
      const s = track.getSettings();
      return { sessionId: pub.sessionId as string, trackName: pub.trackName as string, width: s.width, height: s.height };
    });
    expect([pushed.width, pushed.height]).toEqual([1280, 720]);

    const pulled = await pageB.evaluate(
      async ({ sessionId, trackName }) => {
        const sub = await (window as any).opencalls.pullSimulcast(sessionId, trackName, { preferredRid: 'h' });
        (window as any).sub = sub;
        return { sessionId: sub.sessionId as string, mid: sub.mid as string, item: sub.item as Record<string, unknown> };
      },
      { sessionId: pushed.sessionId, trackName: pushed.trackName },
    );
    expect(pulled.item).toMatchObject({ sessionId: pushed.sessionId, trackName: pushed.trackName, simulcast: { preferredRid: 'h' } });
    expect(pulled.mid).not.toBe('');

    const h = await waitForLayer('h', 0);
    const update = (preferredRid: string): Promise<Record<string, unknown>> =>
      pageB.evaluate(
        ({ sessionId, tracks }) => (window as any).opencalls.updateTracks(sessionId, tracks) as Promise<Record<string, unknown>>,
        {
          sessionId: pulled.sessionId,
          tracks: [{ location: 'remote', sessionId: pushed.sessionId, trackName: pushed.trackName, mid: pulled.mid, simulcast: { preferredRid } }],
        },
      );

    expect(await update('q')).toEqual({
      requiresImmediateRenegotiation: false,
      tracks: [{ mid: pulled.mid, sessionId: pushed.sessionId, trackName: pushed.trackName, simulcast: { preferredRid: 'q' } }],
    });
    const q = await waitForLayer('q', h.video.keyFramesDecoded);
    await update('f');
    const f = await waitForLayer('f', q.video.keyFramesDecoded);

    const sizes = { h: [h.video.frameWidth, h.video.frameHeight], q: [q.video.frameWidth, q.video.frameHeight], f: [f.video.frameWidth, f.video.frameHeight] };
    const nominal = sizes.f[0] === 1280 && sizes.f[1] === 720 && sizes.h[0] === 640 && sizes.h[1] === 360 && sizes.q[0] === 320 && sizes.q[1] === 180;
    console.log(
      `decoded h ${sizes.h.join('×')} (${h.ms.toFixed(0)} ms after the pull), q ${sizes.q.join('×')} (${q.ms.toFixed(0)} ms after update), ` +
        `f ${sizes.f.join('×')} (${f.ms.toFixed(0)} ms after update); nominal sizes: ${nominal}; ` +
        `A's limitation: ${f.layer.qualityLimitationReason}`,
    );
    // The order of the layers holds even when Chromium scales them down under load.
    expect(sizes.f[0]!).toBeGreaterThan(sizes.h[0]!);
    expect(sizes.h[0]!).toBeGreaterThan(sizes.q[0]!);
    // A 1280×720 source: each layer keeps 16:9.
    for (const [w, hgt] of Object.values(sizes)) expect(Math.abs(w! / hgt! - 16 / 9)).toBeLessThan(0.05);
    // One continuous stream for the subscriber: the SSRC never changes; each switch decoded a keyframe.
    expect(new Set([h.video.ssrc, q.video.ssrc, f.video.ssrc]).size).toBe(1);
    expect(q.video.keyFramesDecoded).toBeGreaterThan(h.video.keyFramesDecoded);
    expect(f.video.keyFramesDecoded).toBeGreaterThan(q.video.keyFramesDecoded);
  });
});
