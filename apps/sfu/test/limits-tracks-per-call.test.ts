import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { MediaStreamTrack, type RTCPeerConnection } from 'werift';
import { assertMatchesOfficialSchema } from '@opencalls/conformance';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';
import { connectPublisher } from './helpers/flows.js';
import type { ApiResponse, TrackItem, TracksResponse } from './helpers/calls-api.js';

/**
 * "Up to 64 tracks per API call" (calls-api.md §5, design.md §6): a request naming more is
 * rejected whole with 406 `invalid_params` and nothing of it is applied: no track recorded, no
 * SDP applied or offered, nothing closed. Checked for tracks/new (push with an offer, push without
 * one, pull), tracks/update, tracks/close and datachannels/new|update|close (data channels count
 * like tracks), at a configured limit of 2 and at the real default of 64.
 */
const TRACKS_NEW = '/apps/{appId}/sessions/{sessionId}/tracks/new';
const TRACKS_CLOSE = '/apps/{appId}/sessions/{sessionId}/tracks/close';
const TRACKS_UPDATE = '/apps/{appId}/sessions/{sessionId}/tracks/update';
const DC = (op: string): string => `/apps/{appId}/sessions/{sessionId}/datachannels/${op}`;

function expectTooMany(res: ApiResponse<TracksResponse>, count: number, max: number, path: string, method: string): void {
  expect(res.status).toBe(406);
  expect(res.body).toEqual({ errorCode: 'invalid_params', errorDescription: `Too many tracks in one request: ${count} (at most ${max})` });
  assertMatchesOfficialSchema({ path, method, status: 406, body: res.body });
}

const statuses = (tracks: readonly TrackItem[] | undefined): string[][] =>
  (tracks ?? []).map((t) => [t.location ?? '', t.trackName ?? '', t.status ?? '']);

describe('tracks per call, configured limit 2', () => {
  let server: TestServer;
  const pcs: RTCPeerConnection[] = [];
  let publisher: SyntheticSender;
  let pubSession: string;

  beforeAll(async () => {
    server = await startTestServer({ limits: { tracksPerCall: 2 } });
    const pubPc = loopbackPeer();
    pcs.push(pubPc);
    publisher = syntheticPublisher(pubPc);
    pubSession = await connectPublisher(server.api, pubPc, publisher);
    publisher.start(20, 10_000, 25);
  });
  afterAll(async () => {
    publisher?.stop();
    await Promise.all(pcs.map((pc) => pc.close()));
    await server?.close();
  });

  test('push with a client offer naming 3 tracks → 406; the offer is not applied; 2 of them → 200', async () => {
    const pc = loopbackPeer();
    pcs.push(pc);
    const mids = ['video', 'audio', 'video'].map((kind) => pc.addTransceiver(new MediaStreamTrack({ kind: kind as 'video' }), { direction: 'sendonly' }));
    await pc.setLocalDescription(await pc.createOffer());
    const offer = { type: 'offer', sdp: pc.localDescription!.sdp };
    const sid = await server.api.newSession();
    const three = mids.map((t, i) => ({ location: 'local', mid: t.mid, trackName: `t${i}` }));

    const res = await server.api.tracksNew(sid, { sessionDescription: offer, tracks: three });
    expectTooMany(res, 3, 2, TRACKS_NEW, 'POST');
    expect((await server.api.getSession(sid)).body).toEqual({ tracks: [], dataChannels: [] });
    // Not even the PeerConnection was set up: the offer was never applied.
    expect(server.sfu.service.lookup('test-app', sid).hasPeer).toBe(false);

    const ok = await server.api.tracksNew(sid, { sessionDescription: offer, tracks: three.slice(0, 2) });
    expect(ok.status).toBe(200);
    expect(ok.body.sessionDescription?.type).toBe('answer');
    expect(ok.body.tracks).toEqual(three.slice(0, 2).map(({ mid, trackName }) => ({ mid, trackName })));
    expect(statuses((await server.api.getSession(sid)).body.tracks)).toEqual([
      ['local', 't0', 'active'],
      ['local', 't1', 'active'],
    ]);
  });

  test('autoDiscover: discovered sections count toward the limit (3 → 406, offer not applied; 1 named + 1 discovered → 200)', async () => {
    const pc = loopbackPeer();
    pcs.push(pc);
    const transceivers = ['video', 'audio', 'video'].map((kind) => pc.addTransceiver(new MediaStreamTrack({ kind: kind as 'video' }), { direction: 'sendonly' }));
    await pc.setLocalDescription(await pc.createOffer());
    const offer = { type: 'offer', sdp: pc.localDescription!.sdp };
    const sid = await server.api.newSession();

    expectTooMany(await server.api.tracksNew(sid, { sessionDescription: offer, autoDiscover: true }), 3, 2, TRACKS_NEW, 'POST');
    const named = [{ location: 'local', mid: transceivers[0]!.mid, trackName: 'named' }];
    expectTooMany(await server.api.tracksNew(sid, { sessionDescription: offer, autoDiscover: true, tracks: named }), 3, 2, TRACKS_NEW, 'POST');
    expect((await server.api.getSession(sid)).body).toEqual({ tracks: [], dataChannels: [] });
    expect(server.sfu.service.lookup('test-app', sid).hasPeer).toBe(false);

    // An offer with two sending sections: 1 named + 1 discovered fit.
    const pc2 = loopbackPeer();
    pcs.push(pc2);
    const two = ['video', 'audio'].map((kind) => pc2.addTransceiver(new MediaStreamTrack({ kind: kind as 'video' }), { direction: 'sendonly' }));
    await pc2.setLocalDescription(await pc2.createOffer());
    const ok = await server.api.tracksNew(sid, {
      sessionDescription: { type: 'offer', sdp: pc2.localDescription!.sdp },
      autoDiscover: true,
      tracks: [{ location: 'local', mid: two[0]!.mid, trackName: 'named' }],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.tracks?.map((t) => [t.trackName === 'named' ? 'named' : 'discovered', t.mid])).toEqual([
      ['named', two[0]!.mid],
      ['discovered', two[1]!.mid],
    ]);
  });

  test('push without an offer (the SFU would offer) naming 3 tracks → 406, no offer, nothing recorded', async () => {
    const sid = await server.api.newSession();
    const res = await server.api.tracksNew(sid, {
      tracks: ['a', 'b', 'c'].map((trackName) => ({ location: 'local', trackName, kind: 'audio' })),
    });
    expectTooMany(res, 3, 2, TRACKS_NEW, 'POST');
    expect(res.body.sessionDescription).toBeUndefined();
    expect((await server.api.getSession(sid)).body.tracks).toEqual([]);
    expect(server.sfu.service.lookup('test-app', sid).hasPeer).toBe(false);
  });

  test('pull naming 3 tracks → 406, no SFU offer, nothing recorded; 2 → 200 with an offer', async () => {
    const sid = await server.api.newSession();
    const pull = (names: string[]): Promise<ApiResponse<TracksResponse>> =>
      server.api.tracksNew(sid, { tracks: names.map((trackName) => ({ location: 'remote', sessionId: pubSession, trackName })) });
    expectTooMany(await pull(['cam', 'mic', 'cam']), 3, 2, TRACKS_NEW, 'POST');
    expect((await server.api.getSession(sid)).body.tracks).toEqual([]);
    expect(server.sfu.service.lookup('test-app', sid).hasPeer).toBe(false);

    const ok = await pull(['cam', 'mic']);
    expect(ok.status).toBe(200);
    expect(ok.body.sessionDescription?.type).toBe('offer');
    expect(statuses((await server.api.getSession(sid)).body.tracks)).toEqual([
      ['remote', 'cam', 'active'],
      ['remote', 'mic', 'active'],
    ]);

    // tracks/update naming 3 transceivers → 406; 2 → processed (per-item results).
    const [camMid, micMid] = (ok.body.tracks ?? []).map((t) => t.mid!);
    const update = (items: { mid: string; trackName: string }[]): Promise<ApiResponse<TracksResponse>> =>
      server.api.call('PUT', `/sessions/${sid}/tracks/update`, {
        tracks: items.map(({ mid, trackName }) => ({ location: 'remote', mid, sessionId: pubSession, trackName })),
      });
    const items = [
      { mid: camMid!, trackName: 'cam' },
      { mid: micMid!, trackName: 'mic' },
      { mid: camMid!, trackName: 'cam' },
    ];
    expectTooMany(await update(items), 3, 2, TRACKS_UPDATE, 'PUT');
    const two = await update(items.slice(0, 2));
    expect(two.status).toBe(200);
    expect(two.body.tracks).toHaveLength(2);
  });

  test('tracks/close naming 3 mids → 406 and every track stays active; 2 → 200 and both close', async () => {
    const mids = [publisher.video.mid!, publisher.audio.mid!];
    const res = await server.api.tracksClose(pubSession, { tracks: [...mids, '99'].map((mid) => ({ mid })), force: true });
    expectTooMany(res, 3, 2, TRACKS_CLOSE, 'PUT');
    expect(statuses((await server.api.getSession(pubSession)).body.tracks)).toEqual([
      ['local', 'cam', 'active'],
      ['local', 'mic', 'active'],
    ]);

    const ok = await server.api.tracksClose(pubSession, { tracks: mids.map((mid) => ({ mid })), force: true });
    expect(ok.status).toBe(200);
    expect(ok.body.tracks).toEqual(mids.map((mid) => ({ mid })));
    expect(statuses((await server.api.getSession(pubSession)).body.tracks)).toEqual([
      ['local', 'cam', 'inactive'],
      ['local', 'mic', 'inactive'],
    ]);
  });
});

describe('data channels per call, configured limit 2', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ limits: { tracksPerCall: 2 } });
  });
  afterAll(async () => {
    await server?.close();
  });

  test('datachannels/new, update and close naming 3 channels → 406, nothing recorded', async () => {
    const sid = await server.api.newSession();
    const other = await server.api.newSession();
    const channels = ['a', 'b', 'c'].map((dataChannelName) => ({ location: 'remote', sessionId: other, dataChannelName }));
    const call = (method: string, op: string, body: unknown): Promise<ApiResponse<TracksResponse>> =>
      server.api.call(method, `/sessions/${sid}/datachannels/${op}`, body);

    expectTooMany(await call('POST', 'new', { dataChannels: channels }), 3, 2, DC('new'), 'POST');
    expectTooMany(await call('PUT', 'update', { dataChannels: channels }), 3, 2, DC('update'), 'PUT');
    expectTooMany(await call('PUT', 'close', { dataChannels: [1, 2, 3].map((id) => ({ id })) }), 3, 2, DC('close'), 'PUT');
    expect((await server.api.getSession(sid)).body).toEqual({ tracks: [], dataChannels: [] });
    expect(server.sfu.service.lookup('test-app', sid).hasPeer).toBe(false);

    // Two are processed (per-item results: nothing to update or close here).
    const update2 = await call('PUT', 'update', { dataChannels: channels.slice(0, 2) });
    expect(update2.status).toBe(200);
    const close2 = await call('PUT', 'close', { dataChannels: [1, 2].map((id) => ({ id })) });
    expect(close2.status).toBe(200);
  });
});

describe('tracks per call, the real default 64', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test('64 items are processed (per-item results), 65 are rejected whole', async () => {
    server = await startTestServer();
    expect(server.sfu.config.limits.tracksPerCall).toBe(64);
    const sid = await server.api.newSession();
    const other = await server.api.newSession();
    const mids = (n: number): { mid: string }[] => Array.from({ length: n }, (_, i) => ({ mid: String(100 + i) }));
    const pulls = (n: number): unknown[] =>
      Array.from({ length: n }, (_, i) => ({ location: 'remote', sessionId: other, trackName: `t${i}` }));

    const close64 = await server.api.tracksClose(sid, { tracks: mids(64), force: true });
    expect(close64.status).toBe(200);
    expect(close64.body.tracks).toHaveLength(64);
    expect(close64.body.tracks?.every((t) => t.errorCode === 'close_track_error')).toBe(true);
    expectTooMany(await server.api.tracksClose(sid, { tracks: mids(65), force: true }), 65, 64, TRACKS_CLOSE, 'PUT');

    const pull64 = await server.api.tracksNew(sid, { tracks: pulls(64) });
    expect(pull64.status).toBe(200);
    expect(pull64.body.tracks).toHaveLength(64);
    expect(pull64.body.tracks?.every((t) => t.errorCode === 'not_found_track_error')).toBe(true);
    expect(pull64.body.sessionDescription).toBeUndefined();
    expectTooMany(await server.api.tracksNew(sid, { tracks: pulls(65) }), 65, 64, TRACKS_NEW, 'POST');

    const push65 = Array.from({ length: 65 }, (_, i) => ({ location: 'local', trackName: `p${i}`, kind: 'video' }));
    expectTooMany(await server.api.tracksNew(sid, { tracks: push65 }), 65, 64, TRACKS_NEW, 'POST');
    expect((await server.api.getSession(sid)).body.tracks).toEqual([]);
  });
});
