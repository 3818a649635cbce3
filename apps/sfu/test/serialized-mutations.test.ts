import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { mediaSections } from '@opencalls/media';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';
import { connectPublisher, waitUntil } from './helpers/flows.js';
import { answeredButUnreachable } from './helpers/unreachable-client.js';
import type { ApiResponse, TrackItem, TracksResponse } from './helpers/calls-api.js';

/**
 * Overlapping mutations of one session run one at a time, in arrival order, on the session's
 * mutation queue (one negotiation at a time; calls-api.md §5 "Serialize mutations per session").
 * Calls may answer such an overlap with 406; we queue instead (README "Choices where Calls is
 * silent"): the second call simply completes after the first, and sees its result.
 * GET session is not a mutation and is never queued.
 */
const statuses = (tracks: readonly TrackItem[] | undefined): string[] => (tracks ?? []).map((t) => `${t.trackName}:${t.status}`);

describe('serialized mutations on one session', () => {
  let server: TestServer;
  const pcs: RTCPeerConnection[] = [];
  let publisher: SyntheticSender;
  let pubSession: string;

  beforeAll(async () => {
    server = await startTestServer();
    const pubPc = loopbackPeer();
    pcs.push(pubPc);
    publisher = syntheticPublisher(pubPc);
    pubSession = await connectPublisher(server.api, pubPc, publisher);
    publisher.start(20, 20_000, 25);
  });
  afterAll(async () => {
    publisher?.stop();
    await Promise.all(pcs.map((pc) => pc.close()));
    await server?.close();
  });

  test('tracks/new, tracks/new, tracks/close while the first still runs: they queue, run in order, each sees the ones before it', async () => {
    const pc = loopbackPeer();
    pcs.push(pc);
    // Negotiated but not connected yet: the first call waits for connectivity, holding the queue.
    const { sessionId, publisher: client, network } = await answeredButUnreachable(server.api, pc);
    const { session } = server.sfu.service.lookup('test-app', sessionId);
    const effects: string[] = [];
    session.on('trackadded', (t) => effects.push(`added ${t.trackName}`));
    session.on('trackclosed', (t) => effects.push(`closed ${t.trackName}`));

    const push = (trackName: string, kind: string): Promise<ApiResponse<TracksResponse>> =>
      server.api.tracksNew(sessionId, { tracks: [{ location: 'local', trackName, kind }] });
    const first = push('extra', 'video');
    await waitUntil(() => session.mutations.depth === 1, 5_000);
    const second = push('extra2', 'audio');
    await waitUntil(() => session.mutations.depth === 2, 5_000);
    const third = server.api.tracksClose(sessionId, { tracks: [{ mid: client.video.mid }], force: true });
    await waitUntil(() => session.mutations.depth === 3, 5_000);

    // All three pending; a GET is answered at once and shows none has changed anything yet.
    expect(statuses((await server.api.getSession(sessionId)).body.tracks)).toEqual(['cam:active', 'mic:active']);
    expect(effects).toEqual([]);

    network.restore();
    const [a, b, c] = await Promise.all([first, second, third]);
    expect(effects).toEqual(['added extra', 'added extra2', 'closed cam']);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    const midA = a.body.tracks?.[0]?.mid;
    const midB = b.body.tracks?.[0]?.mid;
    expect(a.body.tracks).toEqual([{ trackName: 'extra', mid: midA, kind: 'video' }]);
    expect(b.body.tracks).toEqual([{ trackName: 'extra2', mid: midB, kind: 'audio' }]);
    expect(midA).not.toBe(midB);
    // The second SFU offer was made after the first: it carries the first's section too, and
    // supersedes it (a client answers the latest offer).
    const mids = (res: ApiResponse<TracksResponse>): (string | undefined)[] => mediaSections(res.body.sessionDescription?.sdp ?? '').map((m) => m.mid);
    expect(mids(a)).toEqual([client.video.mid, client.audio.mid, midA]);
    expect(mids(b)).toEqual([client.video.mid, client.audio.mid, midA, midB]);
    expect(c.body).toEqual({ requiresImmediateRenegotiation: false, tracks: [{ mid: client.video.mid }] });
    expect(statuses((await server.api.getSession(sessionId)).body.tracks)).toEqual([
      'cam:inactive',
      'mic:active',
      'extra:active',
      'extra2:active',
    ]);
    expect(session.mutations.depth).toBe(0);
  });

  test('two pulls fired together: distinct mids, the later SFU offer covers both, and answering it delivers both tracks', async () => {
    const subPc = loopbackPeer();
    pcs.push(subPc);
    const received = { video: 0, audio: 0 };
    subPc.onTrack.subscribe((t) => t.onReceiveRtp.subscribe(() => (t.kind === 'video' ? received.video++ : received.audio++)));
    const sid = await server.api.newSession();
    const pull = (trackName: string): Promise<ApiResponse<TracksResponse>> =>
      server.api.tracksNew(sid, { tracks: [{ location: 'remote', sessionId: pubSession, trackName }] });

    const [cam, mic] = await Promise.all([pull('cam'), pull('mic')]);
    expect([cam.status, mic.status]).toEqual([200, 200]);
    const camMid = cam.body.tracks?.[0]?.mid;
    const micMid = mic.body.tracks?.[0]?.mid;
    expect(camMid).toMatch(/^\d+$/);
    expect(micMid).toMatch(/^\d+$/);
    expect(camMid).not.toBe(micMid);

    // Whichever ran first offered its own section only; the one that ran second offered both.
    const sectionMids = (res: ApiResponse<TracksResponse>): (string | undefined)[] =>
      mediaSections(res.body.sessionDescription?.sdp ?? '').map((m) => m.mid);
    const [firstDone, secondDone] = sectionMids(cam).length === 1 ? [cam, mic] : [mic, cam];
    expect(sectionMids(firstDone)).toEqual([firstDone.body.tracks?.[0]?.mid]);
    expect(sectionMids(secondDone)).toEqual([firstDone.body.tracks?.[0]?.mid, secondDone.body.tracks?.[0]?.mid]);

    // The client answers the latest offer once; both pulls go live.
    await subPc.setRemoteDescription(secondDone.body.sessionDescription!);
    await subPc.setLocalDescription(await subPc.createAnswer());
    expect((await server.api.renegotiate(sid, subPc.localDescription!.sdp)).status).toBe(200);
    await waitUntil(() => received.video > 20 && received.audio > 20, 10_000);
    expect(statuses((await server.api.getSession(sid)).body.tracks)).toEqual(
      [firstDone, secondDone].map((r) => `${r.body.tracks?.[0]?.trackName}:active`),
    );
  });
});
