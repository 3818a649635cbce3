import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MediaStreamTrack, type RTCPeerConnection } from 'werift';
import { assertMatchesOfficialSchema } from '@opencalls/conformance';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { connectPublisher, connectSubscriber, waitUntil } from './helpers/flows.js';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';
import type { TracksResponse } from './helpers/calls-api.js';

const TRACKS_NEW = '/apps/{appId}/sessions/{sessionId}/tracks/new';

/**
 * Guards from the third break-it pass: a call that fails applies nothing, the SFU never offers
 * an SDP whose answer it would refuse, and a push is only reported where the SFU receives.
 */
describe('session guards', () => {
  let server: TestServer;
  let pubPc: RTCPeerConnection;
  let publisher: SyntheticSender;
  let pubSession: string;
  const pcs: RTCPeerConnection[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    pubPc = loopbackPeer();
    publisher = syntheticPublisher(pubPc);
    pubSession = await connectPublisher(server.api, pubPc, publisher);
    publisher.start(20, 10_000, 10);
  });
  afterAll(async () => {
    publisher?.stop();
    await Promise.all([pubPc, ...pcs].map((pc) => pc?.close()));
    await server?.close();
  });

  test('tracks/close (force false) with an offer that cannot be applied → 400 and every track stays as it was', async () => {
    const subPc = loopbackPeer();
    pcs.push(subPc);
    const sub = await connectSubscriber(server.api, subPc, pubSession, ['cam']);
    await waitUntil(() => sub.received.video > 5, 10_000);

    const res = await server.api.tracksClose(sub.sessionId, {
      tracks: [{ mid: sub.mids[0] }],
      force: false,
      sessionDescription: { type: 'offer', sdp: 'v=0\r\ngarbage' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errorCode: 'invalid_session_description' });

    expect((await server.api.getSession(sub.sessionId)).body.tracks).toEqual([
      { location: 'remote', sessionId: pubSession, trackName: 'cam', mid: sub.mids[0], status: 'active' },
    ]);
    const before = sub.received.video;
    await waitUntil(() => sub.received.video > before + 10, 10_000);
  });

  test('a push naming a mid on which the SFU only sends (a pulled track) → item error, nothing published', async () => {
    const pc = loopbackPeer();
    pcs.push(pc);
    const sub = await connectSubscriber(server.api, pc, pubSession, ['cam']);
    const pulled = pc.getTransceivers().find((t) => t.mid === sub.mids[0])!;
    pulled.setDirection('sendrecv');
    pulled.sender.replaceTrack(new MediaStreamTrack({ kind: 'video' }));
    await pc.setLocalDescription(await pc.createOffer());
    const res = await server.api.tracksNew<TracksResponse>(sub.sessionId, {
      sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
      tracks: [{ location: 'local', mid: sub.mids[0], trackName: 'echo' }],
    });
    expect(res.status).toBe(200);
    assertMatchesOfficialSchema({ path: TRACKS_NEW, method: 'POST', status: 200, body: res.body });
    expect(res.body.sessionDescription?.sdp).toMatch(/a=sendonly/);
    expect(res.body.tracks).toEqual([
      {
        trackName: 'echo',
        mid: '',
        errorCode: 'invalid_params',
        errorDescription: `Track echo: the offer has no media section with mid ${sub.mids[0]} sending to the SFU`,
      },
    ]);
    const tracks = (await server.api.getSession(sub.sessionId)).body.tracks ?? [];
    expect(tracks.map((t) => t.trackName)).toEqual(['cam']);
  });

  test('the SFU offers at most 512 media sections per session: pulls beyond get an item error, the answer to the offer is accepted', async () => {
    const pc = loopbackPeer();
    pcs.push(pc);
    const sessionId = await server.api.newSession();
    const batch = Array.from({ length: 64 }, () => ({ location: 'remote', sessionId: pubSession, trackName: 'mic' }));
    const results: { mid?: string; errorCode?: string; errorDescription?: string }[] = [];
    let offer: string | undefined;
    for (let i = 0; i < 9; i++) {
      const res = await server.api.tracksNew<TracksResponse>(sessionId, { tracks: batch });
      expect(res.status).toBe(200);
      results.push(...(res.body.tracks ?? []));
      offer = res.body.sessionDescription?.sdp ?? offer;
    }
    const placed = results.filter((r) => r.mid !== '');
    const refused = results.filter((r) => r.mid === '');
    expect(placed).toHaveLength(512);
    expect(refused).toHaveLength(64);
    expect(refused[0]).toMatchObject({ errorCode: 'invalid_params', errorDescription: expect.stringContaining('(512)') });
    expect(offer!.match(/^m=/gm)).toHaveLength(512);

    await pc.setRemoteDescription({ type: 'offer', sdp: offer! });
    await pc.setLocalDescription(await pc.createAnswer());
    // A browser lists its candidates once, in the BUNDLE tag's section; werift repeats them in
    // every section, which would exceed the 256-candidate cap on its own.
    const [head, first, ...rest] = pc.localDescription!.sdp.split(/\r\n(?=m=)/);
    const answer = [head, first, ...rest.map((m) => m.replace(/\r\na=candidate:[^\r]*/g, ''))].join('\r\n');
    const answered = await server.api.renegotiate(sessionId, answer);
    expect(answered.body).toEqual({});
    expect(answered.status).toBe(200);
  });
});
