import { describe, expect, test } from 'vitest';
import { demoSuite } from './helpers/demo-suite.js';

/**
 * After a client closed its BUNDLE-tag track, its next offer that adds a track puts a recycled
 * m= line first: Chrome offers `BUNDLE <new mid> <old mids>` and opens a new transport for that
 * new tag. The SFU must answer with the offerer's tag first and a fresh transport for the group,
 * or the tracks already flowing stop. Page B plays a WHEP-style player (client offers only):
 * it pulls two of A's videos, closes the first (the tag), then pulls a third with a new offer.
 */
describe.each(['native', 'werift'] as const)('Chromium: a recycled m= line becomes the BUNDLE tag (engine %s)', (engine) => {
  const suite = demoSuite(engine);

  test('close the tag, pull another track with an offer: the track that was flowing keeps flowing, the new one plays', async () => {
    const published = await suite.pageA.evaluate(async () => {
      const media = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
      const camera = media.getVideoTracks()[0]!;
      const pub = await (window as any).opencalls.push(new MediaStream([camera, camera.clone(), camera.clone()]));
      (window as any).pub = pub;
      return { sessionId: pub.sessionId as string, names: (pub.tracks as { trackName: string }[]).map((t) => t.trackName) };
    });

    const result = await suite.pageB.evaluate(
      async ({ sessionId, names }) => {
        const oc = (window as any).opencalls;
        const api = oc.apiFor(await oc.loadConfig());
        const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
        const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
        const decoded = async (): Promise<Record<string, number>> => {
          const out: Record<string, number> = {};
          (await pc.getStats()).forEach((s) => {
            if (s.type === 'inbound-rtp' && s.kind === 'video') out[s.mid as string] = s.framesDecoded ?? 0;
          });
          return out;
        };
        const pull = async (trackNames: string[]) => {
          await pc.setLocalDescription(await pc.createOffer());
          const res = await api('POST', `/sessions/${session}/tracks/new`, {
            tracks: trackNames.map((trackName) => ({ location: 'remote', sessionId, trackName })),
            sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
          });
          await pc.setRemoteDescription(res.sessionDescription);
          return {
            mids: (res.tracks as { mid: string }[]).map((t) => t.mid),
            offer: pc.localDescription!.sdp,
            answer: res.sessionDescription.sdp as string,
          };
        };
        const { sessionId: session } = await api('POST', '/sessions/new');
        pc.addTransceiver('video', { direction: 'recvonly' });
        pc.addTransceiver('video', { direction: 'recvonly' });
        const first = await pull([names[0]!, names[1]!]);
        await sleep(2000);

        const tag = pc.getTransceivers()[0]!;
        tag.stop();
        await pc.setLocalDescription(await pc.createOffer());
        const closed = await api('PUT', `/sessions/${session}/tracks/close`, {
          tracks: [{ mid: first.mids[0] }],
          sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
          force: false,
        });
        await pc.setRemoteDescription(closed.sessionDescription);
        await sleep(1000);

        pc.addTransceiver('video', { direction: 'recvonly' });
        const third = await pull([names[2]!]);
        const before = await decoded();
        await sleep(4000);
        const after = await decoded();
        return {
          kept: first.mids[1]!,
          added: third.mids[0]!,
          before,
          after,
          offerGroup: third.offer.match(/a=group:BUNDLE .*/)?.[0],
          answerGroup: third.answer.match(/a=group:BUNDLE .*/)?.[0],
          state: pc.connectionState,
        };
      },
      { sessionId: published.sessionId, names: published.names },
    );

    // The premise: Chrome put the recycled line (the new mid) first.
    expect(result.offerGroup).toBe(`a=group:BUNDLE ${result.added} ${result.kept}`);
    expect(result.answerGroup).toBe(result.offerGroup);
    expect(result.state).toBe('connected');
    expect(result.after[result.kept]! - (result.before[result.kept] ?? 0), JSON.stringify(result)).toBeGreaterThan(30);
    expect(result.after[result.added] ?? 0, JSON.stringify(result)).toBeGreaterThan(30);
  });
});
