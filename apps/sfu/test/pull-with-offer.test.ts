import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { assertMatchesOfficialSchema } from '@opencalls/conformance';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { connectPublisher, waitUntil } from './helpers/flows.js';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';
import type { TracksResponse } from './helpers/calls-api.js';

const TRACKS_NEW = '/apps/{appId}/sessions/{sessionId}/tracks/new';

/** The a=mid and direction of each m= section of an SDP, in order. */
function sectionDirections(sdp: string): { mid: string; direction: string }[] {
  return sdp
    .split(/\r?\nm=/)
    .slice(1)
    .map((section) => ({
      mid: /\na=mid:(\S+)/.exec(section)?.[1] ?? '',
      direction: /\na=(sendrecv|sendonly|recvonly|inactive)\r?\n/.exec(section)?.[1] ?? '',
    }));
}

/** A player PeerConnection that offers to receive the given kinds; counts the RTP it gets per mid. */
async function playerOffer(pc: RTCPeerConnection, kinds: readonly ('audio' | 'video')[]) {
  const received = new Map<string, number>();
  for (const kind of kinds) pc.addTransceiver(kind, { direction: 'recvonly' });
  pc.ontrack = ({ track, transceiver }) => {
    const mid = transceiver.mid ?? '?';
    track.onReceiveRtp.subscribe(() => received.set(mid, (received.get(mid) ?? 0) + 1));
  };
  await pc.setLocalDescription(await pc.createOffer());
  const mids = pc.getTransceivers().map((t) => t.mid ?? '');
  return { sdp: pc.localDescription!.sdp, mids, received };
}

/**
 * `tracks/new` pulling remote tracks with a client offer: the WHEP client-offer mode of
 * calls-examples/whip-whep-server (calls-api.md §3.2 variant 5, §6.4). The SFU answers on the
 * player's receiving sections and the tracks flow without a renegotiation.
 */
describe.each(['native', 'werift'] as const)('pull with a client offer (engine %s)', (engine) => {
  let server: TestServer;
  let pubPc: RTCPeerConnection;
  let publisher: SyntheticSender;
  let pubSession: string;
  const players: RTCPeerConnection[] = [];
  const player = (): RTCPeerConnection => {
    const pc = loopbackPeer();
    players.push(pc);
    return pc;
  };

  /** A new session whose player offers to receive `kinds` and pulls `tracks` with that offer. */
  const pullWithPlayerOffer = async (kinds: readonly ('audio' | 'video')[], tracks: (mids: readonly string[]) => object[]) => {
    const pc = player();
    const offer = await playerOffer(pc, kinds);
    const sessionId = await server.api.newSession();
    const res = await server.api.tracksNew<TracksResponse>(sessionId, {
      sessionDescription: { type: 'offer', sdp: offer.sdp },
      tracks: tracks(offer.mids),
    });
    expect(res.status).toBe(200);
    assertMatchesOfficialSchema({ path: TRACKS_NEW, method: 'POST', status: 200, body: res.body });
    return { pc, offer, sessionId, res };
  };

  beforeAll(async () => {
    server = await startTestServer({ media: { engine } });
    pubPc = loopbackPeer();
    publisher = syntheticPublisher(pubPc);
    pubSession = await connectPublisher(server.api, pubPc, publisher);
    publisher.start(20, 5000, 10);
  });
  afterAll(async () => {
    publisher?.stop();
    await Promise.all(players.map((pc) => pc.close()));
    await pubPc?.close();
    await server?.close();
  });

  test('player offer (video, audio) + remote tracks → answer sendonly on its mids, media flows, no renegotiation', async () => {
    const { pc, offer, sessionId, res } = await pullWithPlayerOffer(['video', 'audio'], () => [
      { location: 'remote', sessionId: pubSession, trackName: 'mic' },
      { location: 'remote', sessionId: pubSession, trackName: 'cam' },
    ]);
    const [videoMid, audioMid] = offer.mids;
    expect(res.body.requiresImmediateRenegotiation).toBe(false);
    expect(res.body.sessionDescription?.type).toBe('answer');
    expect(res.body.tracks).toEqual([
      { location: 'remote', sessionId: pubSession, trackName: 'mic', mid: audioMid },
      { location: 'remote', sessionId: pubSession, trackName: 'cam', mid: videoMid },
    ]);
    expect(sectionDirections(res.body.sessionDescription!.sdp)).toEqual([
      { mid: videoMid, direction: 'sendonly' },
      { mid: audioMid, direction: 'sendonly' },
    ]);

    await pc.setRemoteDescription(res.body.sessionDescription!);
    await pc.connectionStateChange.watch((s) => s === 'connected', 10_000);
    await waitUntil(() => (offer.received.get(videoMid!) ?? 0) > 20 && (offer.received.get(audioMid!) ?? 0) > 20, 15_000);

    const state = await server.api.getSession(sessionId);
    expect(state.body.tracks).toEqual([
      { location: 'remote', sessionId: pubSession, trackName: 'mic', mid: audioMid, status: 'active' },
      { location: 'remote', sessionId: pubSession, trackName: 'cam', mid: videoMid, status: 'active' },
    ]);
  });

  test('an item naming a mid is placed there; an unknown track fails alone (mid "") and its section is answered inactive', async () => {
    const { pc, offer, res } = await pullWithPlayerOffer(['audio', 'audio'], (mids) => [
      { location: 'remote', sessionId: pubSession, trackName: 'no-such-track' },
      { location: 'remote', sessionId: pubSession, trackName: 'mic', mid: mids[1] },
    ]);
    expect(res.body.tracks).toEqual([
      {
        sessionId: pubSession,
        trackName: 'no-such-track',
        mid: '',
        errorCode: 'not_found_track_error',
        errorDescription: expect.stringContaining('Track not found'),
      },
      { location: 'remote', sessionId: pubSession, trackName: 'mic', mid: offer.mids[1] },
    ]);
    expect(sectionDirections(res.body.sessionDescription!.sdp).map((s) => s.direction)).toEqual(['inactive', 'sendonly']);
    await pc.setRemoteDescription(res.body.sessionDescription!);
    await pc.connectionStateChange.watch((s) => s === 'connected', 10_000);
    await waitUntil(() => (offer.received.get(offer.mids[1]!) ?? 0) > 20, 15_000);
    expect(offer.received.get(offer.mids[0]!) ?? 0).toBe(0);
  });

  test('an item naming a mid gets it even when an item before it is placed automatically', async () => {
    const { offer, res } = await pullWithPlayerOffer(['audio', 'audio'], (mids) => [
      { location: 'remote', sessionId: pubSession, trackName: 'mic' },
      { location: 'remote', sessionId: pubSession, trackName: 'mic', mid: mids[0] },
    ]);
    expect(res.body.tracks?.map((t) => t.mid)).toEqual([offer.mids[1], offer.mids[0]]);
    expect(sectionDirections(res.body.sessionDescription!.sdp).map((d) => d.direction)).toEqual(['sendonly', 'sendonly']);
  });

  test('no receiving section of the track\'s kind → item invalid_params; an answer is no offer → 400', async () => {
    const { offer, res } = await pullWithPlayerOffer(['audio'], () => [{ location: 'remote', sessionId: pubSession, trackName: 'cam' }]);
    expect(res.body.tracks).toEqual([
      {
        sessionId: pubSession,
        trackName: 'cam',
        mid: '',
        errorCode: 'invalid_params',
        errorDescription: expect.stringContaining('No free receiving video media section'),
      },
    ]);

    const other = await server.api.newSession();
    const wrongType = await server.api.tracksNew(other, {
      sessionDescription: { type: 'answer', sdp: offer.sdp },
      tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam' }],
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toEqual({
      errorCode: 'invalid_session_description',
      errorDescription: 'tracks/new takes an offer, not an answer',
    });
  });
});
