import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection, RtpPacket } from 'werift';
import { assertMatchesOfficialSchema } from '@opencalls/conformance';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { connectPublisher, sleep, waitUntil } from './helpers/flows.js';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';
import {
  isVp8Keyframe,
  layerOfPayload,
  simulcastPublisherPeer,
  simulcastSender,
  type SimulcastSender,
} from './helpers/simulcast-publisher.js';
import type { ApiResponse, CallsApi, TracksResponse } from './helpers/calls-api.js';

const TRACKS_NEW = '/apps/{appId}/sessions/{sessionId}/tracks/new';
const TRACKS_UPDATE = '/apps/{appId}/sessions/{sessionId}/tracks/update';
/** Frames every 20 ms; a keyframe only every 10 s, so a layer switch completes thanks to the PLI. */
const FRAME_MS = 20;
const KEYFRAME_EVERY = 500;
/** Plain (non-simulcast) VP8 payloads of the synthetic publisher are 200 bytes. */
const PLAIN_BYTES = 200;

/** New session; push the simulcast sender's video as `cam`; waits for connected. */
async function pushSimulcast(api: CallsApi, pc: RTCPeerConnection, sender: SimulcastSender): Promise<{ sessionId: string; answer: string }> {
  const sessionId = await api.newSession();
  await pc.setLocalDescription(await pc.createOffer());
  const res = await api.tracksNew(sessionId, {
    sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
    tracks: [{ location: 'local', mid: sender.transceiver.mid, trackName: 'cam' }],
  });
  expect(res.status).toBe(200);
  expect(res.body.tracks).toEqual([{ trackName: 'cam', mid: sender.transceiver.mid }]);
  await pc.setRemoteDescription(res.body.sessionDescription!);
  await pc.connectionStateChange.watch((s) => s === 'connected', 10_000);
  return { sessionId, answer: res.body.sessionDescription!.sdp };
}

interface Received {
  readonly packets: RtpPacket[];
}

/** A werift subscriber on a new session pulling `tracks`; answers the SFU offer. */
async function pull(
  api: CallsApi,
  pc: RTCPeerConnection,
  tracks: readonly Record<string, unknown>[],
): Promise<{ sessionId: string; res: ApiResponse<TracksResponse>; received: Received }> {
  const sessionId = await api.newSession();
  const received: Received = { packets: [] };
  pc.onTrack.subscribe((track) => {
    if (track.kind === 'video') track.onReceiveRtp.subscribe((rtp) => received.packets.push(rtp));
  });
  const res = await api.tracksNew<TracksResponse>(sessionId, { tracks });
  expect(res.status).toBe(200);
  assertMatchesOfficialSchema({ path: TRACKS_NEW, method: 'POST', status: 200, body: res.body });
  await pc.setRemoteDescription(res.body.sessionDescription!);
  await pc.setLocalDescription(await pc.createAnswer());
  const reneg = await api.renegotiate(sessionId, pc.localDescription!.sdp);
  expect(reneg.status).toBe(200);
  await pc.connectionStateChange.watch((s) => s === 'connected', 10_000);
  return { sessionId, res, received };
}

function update(api: CallsApi, sessionId: string, body: unknown): Promise<ApiResponse<TracksResponse>> {
  return api.call<TracksResponse>('PUT', `/sessions/${sessionId}/tracks/update`, body);
}

function layerOf(p: RtpPacket): string {
  return layerOfPayload(p.payload) ?? (p.payload.length === PLAIN_BYTES ? 'plain' : `?${p.payload.length}`);
}

/**
 * Waits until packets of `layer` arrive after index `from`, then checks the switch: the first such
 * packet is a keyframe, its sequence number follows the previous packet's, and no packet of another
 * layer follows it. Returns the index of that first packet.
 */
async function expectSwitchTo(received: Received, from: number, layer: string, timeoutMs = 5000): Promise<number> {
  const firstAt = (): number => received.packets.findIndex((p, i) => i >= from && layerOf(p) === layer);
  await waitUntil(() => firstAt() >= 0, timeoutMs);
  const at = firstAt();
  await waitUntil(() => received.packets.length >= at + 10, 5000);
  const first = received.packets[at]!;
  expect(isVp8Keyframe(first.payload)).toBe(true);
  if (at > 0) {
    const before = received.packets[at - 1]!;
    expect((first.header.sequenceNumber - before.header.sequenceNumber + 65536) % 65536).toBe(1);
    expect(first.header.ssrc).toBe(before.header.ssrc);
  }
  const after = received.packets.slice(at, at + 10).map(layerOf);
  expect(after).toEqual(Array(10).fill(layer));
  return at;
}

/** Sequence numbers of `packets` go up by one each. */
function expectContinuous(packets: readonly RtpPacket[]): void {
  for (let i = 1; i < packets.length; i++) {
    expect((packets[i]!.header.sequenceNumber - packets[i - 1]!.header.sequenceNumber + 65536) % 65536).toBe(1);
  }
}

describe.each(['native', 'werift'] as const)('simulcast with werift clients: layers, preferences, tracks/update (engine %s)', (engine) => {
  let server: TestServer;
  let pubPc: RTCPeerConnection;
  let sim: SimulcastSender;
  let pubSession: string;
  let plainPc: RTCPeerConnection;
  let plain: SyntheticSender;
  let plainSession: string;
  let subPc: RTCPeerConnection;
  let subSession: string;
  let subMid: string;
  let received: Received;

  beforeAll(async () => {
    server = await startTestServer({ media: { engine } });
    pubPc = simulcastPublisherPeer();
    plainPc = loopbackPeer();
    subPc = loopbackPeer();
    plain = syntheticPublisher(plainPc);
    plainSession = await connectPublisher(server.api, plainPc, plain);
    plain.start(FRAME_MS, 100_000, 25);
  });

  afterAll(async () => {
    sim?.stop();
    plain?.stop();
    await pubPc?.close();
    await plainPc?.close();
    await subPc?.close();
    await server?.close();
  });

  test('push: the answer receives f/h/q (a=simulcast:recv); one publication "cam"', async () => {
    sim = simulcastSender(pubPc);
    const pushed = await pushSimulcast(server.api, pubPc, sim);
    pubSession = pushed.sessionId;
    const lines = pushed.answer.split('\r\n');
    expect(lines).toContain('a=rid:f recv');
    expect(lines).toContain('a=rid:q recv');
    expect(lines.some((l) => /^a=simulcast:recv f;h;q\s*$/.test(l))).toBe(true);
    sim.start(FRAME_MS, KEYFRAME_EVERY);
    const state = await server.api.getSession(pubSession);
    expect(state.body.tracks).toEqual([{ location: 'local', mid: sim.transceiver.mid, trackName: 'cam', status: 'active' }]);
  });

  test('pull with preferredRid "h": only the h layer arrives; the item echoes simulcast', async () => {
    const simulcast = { preferredRid: 'h' };
    const pulled = await pull(server.api, subPc, [{ location: 'remote', sessionId: pubSession, trackName: 'cam', simulcast }]);
    subSession = pulled.sessionId;
    received = pulled.received;
    const item = pulled.res.body.tracks![0]!;
    expect(item).toMatchObject({ location: 'remote', sessionId: pubSession, trackName: 'cam', simulcast });
    subMid = item.mid!;
    // The subscriber gets one plain video stream: no simulcast lines in its offer.
    expect(pulled.res.body.sessionDescription!.sdp).not.toMatch(/a=simulcast|a=rid:/);
    await waitUntil(() => received.packets.length >= 30, 10_000);
    expect(new Set(received.packets.map(layerOf))).toEqual(new Set(['h']));
    expect(new Set(received.packets.map((p) => p.header.ssrc)).size).toBe(1);
    expectContinuous(received.packets);
  });

  test('tracks/update to "q": PLI for q at once; first packet after the switch is a q keyframe, seq continuous', async () => {
    const plisBefore = sim.plis.q!;
    const from = received.packets.length;
    const simulcast = { preferredRid: 'q', priorityOrdering: 'asciibetical', ridNotAvailable: 'asciibetical' };
    const res = await update(server.api, subSession, {
      tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam', mid: subMid, simulcast }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      requiresImmediateRenegotiation: false,
      tracks: [{ mid: subMid, sessionId: pubSession, trackName: 'cam', simulcast }],
    });
    assertMatchesOfficialSchema({ path: TRACKS_UPDATE, method: 'PUT', status: 200, body: res.body });
    await expectSwitchTo(received, from, 'q');
    expect(sim.plis.q!).toBeGreaterThan(plisBefore);
  });

  test('tracks/update with no preference (preferredRid "") → the best layer, f', async () => {
    const from = received.packets.length;
    const res = await update(server.api, subSession, {
      tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam', mid: subMid, simulcast: { preferredRid: '' } }],
    });
    expect(res.body.tracks).toEqual([{ mid: subMid, sessionId: pubSession, trackName: 'cam', simulcast: { preferredRid: '' } }]);
    await expectSwitchTo(received, from, 'f');
  });

  test('ridNotAvailable "asciibetical": h stops → q; h returns → back to h', async () => {
    let from = received.packets.length;
    await update(server.api, subSession, {
      tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam', mid: subMid, simulcast: { preferredRid: 'h', ridNotAvailable: 'asciibetical' } }],
    });
    await expectSwitchTo(received, from, 'h');
    from = received.packets.length;
    sim.setActive('h', false);
    await expectSwitchTo(received, from, 'q', 8000);
    from = received.packets.length;
    sim.setActive('h', true);
    await expectSwitchTo(received, from, 'h', 8000);
  });

  test('ridNotAvailable "none": f stops → nothing is forwarded; f returns → f again', async () => {
    let from = received.packets.length;
    await update(server.api, subSession, {
      tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam', mid: subMid, simulcast: { preferredRid: 'f', ridNotAvailable: 'none' } }],
    });
    await expectSwitchTo(received, from, 'f');
    sim.setActive('f', false);
    await sleep(200);
    from = received.packets.length;
    await sleep(2500); // longer than the 1.5 s layer timeout: h and q are still sent
    expect(received.packets.slice(from).map(layerOf)).toEqual([]);
    sim.setActive('f', true);
    await expectSwitchTo(received, from, 'f', 8000);
  });

  test('legacy fallbackStrategy "leastBandwidth": f stops → q (the worst layer), not h', async () => {
    const simulcast = { preferredRid: 'f', fallbackStrategy: 'leastBandwidth' };
    const res = await update(server.api, subSession, {
      tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam', mid: subMid, simulcast }],
    });
    expect(res.body.tracks).toEqual([{ mid: subMid, sessionId: pubSession, trackName: 'cam', simulcast }]);
    const from = received.packets.length;
    sim.setActive('f', false);
    try {
      await expectSwitchTo(received, from, 'q', 8000);
      expect(received.packets.slice(from).map(layerOf)).not.toContain('h');
    } finally {
      sim.setActive('f', true);
    }
  });

  test('reuse_transceiver: the mid carries another (plain) track, then the simulcast one again', async () => {
    let from = received.packets.length;
    // A simulcast object for a non-simulcast publication is accepted, ignored and echoed.
    const res = await update(server.api, subSession, {
      tracks: [{ location: 'remote', sessionId: plainSession, trackName: 'cam', mid: subMid, simulcast: { preferredRid: 'h' } }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      requiresImmediateRenegotiation: false,
      tracks: [{ mid: subMid, sessionId: plainSession, trackName: 'cam', simulcast: { preferredRid: 'h' } }],
    });
    assertMatchesOfficialSchema({ path: TRACKS_UPDATE, method: 'PUT', status: 200, body: res.body });
    await expectSwitchTo(received, from, 'plain');
    const state = await server.api.getSession(subSession);
    expect(state.body.tracks).toEqual([{ location: 'remote', mid: subMid, sessionId: plainSession, trackName: 'cam', status: 'active' }]);

    from = received.packets.length;
    const back = await update(server.api, subSession, {
      tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam', mid: subMid, simulcast: { preferredRid: 'q' } }],
    });
    expect(back.body.tracks).toEqual([{ mid: subMid, sessionId: pubSession, trackName: 'cam', simulcast: { preferredRid: 'q' } }]);
    await expectSwitchTo(received, from, 'q');
    const again = await server.api.getSession(subSession);
    expect(again.body.tracks?.[0]).toMatchObject({ sessionId: pubSession, trackName: 'cam', status: 'active' });
  });

  test('update_track_error and not_found_track_error items; good items in the same call still apply', async () => {
    const pubState = await server.api.getSession(pubSession);
    const pubMid = pubState.body.tracks![0]!.mid!;
    const cam = { location: 'remote', sessionId: pubSession, trackName: 'cam' };
    const from = received.packets.length;
    const res = await update(server.api, subSession, {
      tracks: [
        { ...cam, mid: '99', simulcast: { preferredRid: 'h' } },
        { ...cam, location: 'local', mid: subMid },
        { location: 'remote', sessionId: pubSession, mid: subMid },
        { location: 'remote', sessionId: plainSession, trackName: 'mic', mid: subMid },
        { location: 'remote', sessionId: plainSession, trackName: 'no-such-track', mid: subMid },
        { ...cam, mid: subMid, simulcast: { preferredRid: 'h' } },
      ],
    });
    expect(res.status).toBe(200);
    assertMatchesOfficialSchema({ path: TRACKS_UPDATE, method: 'PUT', status: 200, body: res.body });
    const items = res.body.tracks!;
    expect(items.map((t) => [t.mid, t.errorCode])).toEqual([
      ['99', 'update_track_error'],
      [subMid, 'update_track_error'],
      [subMid, 'update_track_error'],
      [subMid, 'update_track_error'],
      [subMid, 'not_found_track_error'],
      [subMid, undefined],
    ]);
    expect(items[0]!.errorDescription).toBe(
      'Track on mid 99 is not configured for the requested simulcast update: this session has no such transceiver',
    );
    expect(items[3]!.errorDescription).toBe('Track on mid ' + subMid + ' is not configured for the requested update: track mic is audio, the transceiver is video');
    expect(items[4]!.errorDescription).toBe(
      'Track not found on remote peer. Make sure the publisher peer is connected and sending packets for this track',
    );
    await expectSwitchTo(received, from, 'h');

    // On the publisher's session, its own mid receives from the client: nothing to update there.
    const onPublisher = await update(server.api, pubSession, {
      tracks: [{ location: 'remote', sessionId: plainSession, trackName: 'cam', mid: pubMid }],
    });
    expect(onPublisher.body.tracks).toEqual([
      {
        mid: pubMid,
        sessionId: plainSession,
        trackName: 'cam',
        errorCode: 'update_track_error',
        errorDescription: `Track on mid ${pubMid} is not configured for the requested update: this transceiver does not send to the client`,
      },
    ]);
  });

  test('request-level errors: a sessionDescription or a missing mid (406), bad JSON (400)', async () => {
    const withSdp = await update(server.api, subSession, {
      tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam', mid: subMid }],
      sessionDescription: { type: 'offer', sdp: 'v=0' },
    });
    expect(withSdp.status).toBe(406);
    expect(withSdp.body).toEqual({
      errorCode: 'invalid_params',
      errorDescription: 'tracks/update does not take a sessionDescription: it never renegotiates',
    });
    assertMatchesOfficialSchema({ path: TRACKS_UPDATE, method: 'PUT', status: 406, body: withSdp.body });
    const badJson = await server.api.call('PUT', `/sessions/${subSession}/tracks/update`, undefined, { rawBody: '{"tracks":[' });
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ errorCode: 'decoding_error' });
    const noMid = await update(server.api, subSession, { tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam' }] });
    expect(noMid.status).toBe(406);
    expect(noMid.body).toMatchObject({ errorCode: 'invalid_params', errorDescription: expect.stringContaining('mid') });
    assertMatchesOfficialSchema({ path: TRACKS_UPDATE, method: 'PUT', status: 406, body: noMid.body });
    // Forwarding goes on undisturbed.
    const before = received.packets.length;
    await waitUntil(() => received.packets.length > before + 10, 5000);
  });

  test('tracks/new: simulcast preferences on a non-simulcast publication are accepted and ignored', async () => {
    const pc = loopbackPeer();
    try {
      const simulcast = { preferredRid: 'b', priorityOrdering: 'asciibetical', ridNotAvailable: 'none' };
      const pulled = await pull(server.api, pc, [{ location: 'remote', sessionId: plainSession, trackName: 'cam', simulcast }]);
      expect(pulled.res.body.tracks![0]).toMatchObject({ sessionId: plainSession, trackName: 'cam', simulcast });
      await waitUntil(() => pulled.received.packets.length >= 20, 10_000);
      expect(new Set(pulled.received.packets.map(layerOf))).toEqual(new Set(['plain']));
    } finally {
      await pc.close();
    }
  });

  test('tracks/update before the pull is answered: the preference applies when forwarding starts', async () => {
    const pc = loopbackPeer();
    try {
      const sessionId = await server.api.newSession();
      const packets: RtpPacket[] = [];
      pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => packets.push(rtp)));
      const res = await server.api.tracksNew(sessionId, {
        tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam', simulcast: { preferredRid: 'f' } }],
      });
      const mid = res.body.tracks![0]!.mid!;
      const upd = await update(server.api, sessionId, {
        tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam', mid, simulcast: { preferredRid: 'q' } }],
      });
      expect(upd.body.tracks).toEqual([{ mid, sessionId: pubSession, trackName: 'cam', simulcast: { preferredRid: 'q' } }]);
      await pc.setRemoteDescription(res.body.sessionDescription!);
      await pc.setLocalDescription(await pc.createAnswer());
      expect((await server.api.renegotiate(sessionId, pc.localDescription!.sdp)).status).toBe(200);
      await waitUntil(() => packets.length >= 20, 10_000);
      expect(new Set(packets.map(layerOf))).toEqual(new Set(['q']));
    } finally {
      await pc.close();
    }
  });

  test('after reuse, the earlier source ending does not end the subscription', async () => {
    // The subscriber's mid carried the plain cam before (reuse test); it now carries the simulcast cam.
    const state = await server.api.getSession(plainSession);
    const plainCamMid = state.body.tracks!.find((t) => t.trackName === 'cam')!.mid!;
    const closed = await server.api.tracksClose(plainSession, { tracks: [{ mid: plainCamMid }], force: true });
    expect(closed.body.tracks).toEqual([{ mid: plainCamMid }]);
    await sleep(300);
    const from = received.packets.length;
    await waitUntil(() => received.packets.length >= from + 20, 5000);
    expect(new Set(received.packets.slice(from).map(layerOf))).toEqual(new Set(['h']));
    const sub = await server.api.getSession(subSession);
    expect(sub.body.tracks).toEqual([{ location: 'remote', mid: subMid, sessionId: pubSession, trackName: 'cam', status: 'active' }]);
  });
});

describe.each(['native', 'werift'] as const)('a simulcast publication is active while any of its layers sends (inactivity GC, 2 s; engine %s)', (engine) => {
  let server: TestServer;
  let pubPc: RTCPeerConnection;
  let sim: SimulcastSender;

  beforeAll(async () => {
    server = await startTestServer({ limits: { trackInactivityMs: 2000, gcIntervalMs: 100 }, media: { engine } });
    pubPc = simulcastPublisherPeer();
  });
  afterAll(async () => {
    sim?.stop();
    await pubPc?.close();
    await server?.close();
  });

  test('f and h stop: still active after 3.5 s (q sends); q stops too: inactive', async () => {
    sim = simulcastSender(pubPc);
    const { sessionId } = await pushSimulcast(server.api, pubPc, sim);
    sim.start(FRAME_MS, 25);
    await sleep(300);
    sim.setActive('f', false);
    sim.setActive('h', false);
    await sleep(3500);
    const alive = await server.api.getSession(sessionId);
    expect(alive.body.tracks?.map((t) => [t.trackName, t.status])).toEqual([['cam', 'active']]);
    sim.setActive('q', false);
    const stoppedAt = Date.now();
    await waitUntil(async () => {
      const res = await server.api.getSession(sessionId);
      return res.body.tracks?.[0]?.status === 'inactive';
    }, 10_000);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1800);
  });
});
