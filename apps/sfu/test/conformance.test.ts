import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { startTestServer, TEST_APP, type TestServer } from './helpers/test-server.js';
import { waitUntil } from './helpers/flows.js';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';
import { answerSfuOffer, audioSource, loopbackPeerWith, receiveLog, type RtpSource } from './helpers/sfu-offer-client.js';
import { ConformanceClient, OFFICIAL_PATHS, type Reply } from './helpers/conformance-client.js';

/**
 * The conformance suite: every endpoint and variant the SFU serves, driven over real HTTP with
 * werift peers, and EVERY response body validated against Cloudflare's official schema (see
 * ConformanceClient), plus the wire conventions of calls-api.md §1/§9: `/apps/…` without `/v1`,
 * CORS preflight, JSON sent as text/plain, unknown query parameters and body fields ignored,
 * `vary: Origin` on every response.
 */
describe('Calls API conformance', () => {
  let server: TestServer;
  let api: ConformanceClient;
  const peers: RTCPeerConnection[] = [];
  const sources: { stop(): void }[] = [];
  const peer = (options: { iceLite?: boolean } = {}): RTCPeerConnection => {
    const pc = options.iceLite === undefined ? loopbackPeer() : loopbackPeerWith(options);
    peers.push(pc);
    return pc;
  };

  // Shared across the media steps (they run in order).
  let pubSession: string;
  let publisher: SyntheticSender;
  let subSession: string;
  let subPc: RTCPeerConnection;
  let subMids: { cam: string; mic: string };

  beforeAll(async () => {
    server = await startTestServer({ limits: { connectWaitMs: 1000, pullWaitForMediaMs: 1000 } });
    api = new ConformanceClient(server.url, TEST_APP.appId, TEST_APP.secret);
  });

  afterAll(async () => {
    for (const s of sources) s.stop();
    await Promise.all(peers.map((pc) => pc.close()));
    await server?.close();
  });

  const connected = (pc: RTCPeerConnection): Promise<unknown> => pc.connectionStateChange.watch((s) => s === 'connected', 10_000);

  describe('sessions/new', () => {
    test.each(['', '?', '?correlationId=x', '?streamDebug', '?thirdparty=true', '?SESSION', '?correlationId=m-1&thirdparty&x=y'])(
      'query "%s" → 201 {sessionId}',
      async (query) => {
        const res = await api.newSession({ query });
        expect(res.status).toBe(201);
        expect(Object.keys(res.body)).toEqual(['sessionId']);
      },
    );

    test('without /v1, and with empty/unknown-field JSON bodies as application/json or text/plain → 201', async () => {
      expect((await api.newSession({ v1: false })).status).toBe(201);
      for (const contentType of ['application/json', 'text/plain;charset=UTF-8']) {
        const res = await api.newSession({ rawBody: '{"foo":1,"bar":{"baz":[]}}', headers: { 'content-type': contentType } });
        expect(res.status).toBe(201);
      }
      expect((await api.newSession({ rawBody: '{}' })).status).toBe(201);
    });

    test('legacy body with an offer → 201 {sessionId, sessionDescription: answer}', async () => {
      const pc = peer();
      syntheticPublisher(pc);
      await pc.setLocalDescription(await pc.createOffer());
      const res = await api.newSession({ body: { sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp }, extra: true } });
      expect(res.status).toBe(201);
      expect(res.body.sessionDescription?.type).toBe('answer');
    });

    test('errors: 404 unknown app, 401 bad/missing secret, 400 bad JSON, 400 answer instead of offer', async () => {
      const nobody = new ConformanceClient(server.url, 'no-such-app', 'x', api.validated);
      expect((await nobody.newSession()).body).toEqual({ errorCode: 'not_found', errorDescription: 'App no-such-app not found' });
      expect((await api.newSession({ secret: 'wrong' })).status).toBe(401);
      expect((await api.newSession({ secret: null })).status).toBe(401);
      const bad = await api.newSession({ rawBody: '{"sessionDescription":' });
      expect([bad.status, bad.body.errorCode]).toEqual([400, 'decoding_error']);
      const answer = await api.newSession({ body: { sessionDescription: { type: 'answer', sdp: 'v=0' } } });
      expect([answer.status, answer.body.errorCode]).toEqual([400, 'invalid_session_description']);
    });
  });

  describe('tracks, renegotiate, close, GET (media flows)', () => {
    test('push with a client offer, without /v1, unknown query params and body fields → 200 answer', async () => {
      pubSession = (await api.newSession()).body.sessionId;
      const pc = peer();
      publisher = syntheticPublisher(pc);
      sources.push(publisher);
      await pc.setLocalDescription(await pc.createOffer());
      const res = await api.tracksNew(
        pubSession,
        {
          sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp, extra: 'x' },
          tracks: [
            { location: 'local', mid: publisher.video.mid, trackName: 'cam', somethingNew: 1 },
            { location: 'local', mid: publisher.audio.mid, trackName: 'mic' },
          ],
          unknownTopLevel: { a: 1 },
        },
        { v1: false, query: '?correlationId=meeting&streamDebug' },
      );
      expect(res.status).toBe(200);
      expect(res.body.requiresImmediateRenegotiation).toBe(false);
      expect(res.body.tracks).toEqual([
        { trackName: 'cam', mid: publisher.video.mid },
        { trackName: 'mic', mid: publisher.audio.mid },
      ]);
      await pc.setRemoteDescription(res.body.sessionDescription);
      await connected(pc);
      publisher.start(20, 5000, 10);
    });

    test('pull → SFU offer; renegotiate with the answer → {}', async () => {
      subSession = (await api.newSession({ query: '?' })).body.sessionId;
      subPc = peer();
      const log = receiveLog(subPc);
      const res = await api.tracksNew(subSession, {
        tracks: [
          { location: 'remote', sessionId: pubSession, trackName: 'cam', simulcast: { preferredRid: '', fallbackStrategy: 'auto' } },
          { location: 'remote', sessionId: pubSession, trackName: 'mic' },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body.requiresImmediateRenegotiation).toBe(true);
      const [cam, mic] = res.body.tracks as { mid: string }[];
      subMids = { cam: cam!.mid, mic: mic!.mid };
      await subPc.setRemoteDescription(res.body.sessionDescription);
      await subPc.setLocalDescription(await subPc.createAnswer());
      const reneg = await api.renegotiate(subSession, subPc.localDescription!.sdp, { query: '?correlationId=x' });
      expect([reneg.status, reneg.body]).toEqual([200, {}]);
      await connected(subPc);
      await waitUntil(() => log.markers(subMids.cam).length > 5 && log.markers(subMids.mic).length > 5, 10_000);
    });

    test('GET session (with and without /v1) → tracks with status', async () => {
      const pub = await api.getSession(pubSession);
      expect(pub.body).toEqual({
        tracks: [
          { location: 'local', mid: publisher.video.mid, trackName: 'cam', status: 'active' },
          { location: 'local', mid: publisher.audio.mid, trackName: 'mic', status: 'active' },
        ],
        dataChannels: [],
      });
      const sub = await api.getSession(subSession, { v1: false, query: '?streamDebug' });
      expect(sub.body.tracks.map((t: { status: string }) => t.status)).toEqual(['active', 'active']);
    });

    test('push without an offer (bidirectional audio on a thirdparty session, ICE-lite peer) → SFU offer → renegotiate', async () => {
      const session = (await api.newSession({ query: '?thirdparty=true' })).body.sessionId;
      const pc = peer({ iceLite: true });
      const log = receiveLog(pc);
      const voice: RtpSource = audioSource(7_000_000);
      sources.push(voice);
      const res = await api.tracksNew(session, {
        tracks: [{ location: 'local', trackName: 'voice', kind: 'audio', bidirectionalMediaStream: true }],
      });
      expect(res.status).toBe(200);
      expect(res.body.requiresImmediateRenegotiation).toBe(true);
      expect(res.body.sessionDescription.type).toBe('offer');
      const mid = res.body.tracks[0].mid as string;
      const answer = await answerSfuOffer(pc, res.body.sessionDescription.sdp, new Map([[mid, voice.track]]));
      expect((await api.renegotiate(session, answer)).body).toEqual({});
      await connected(pc);
      voice.start(20, 3000);

      // Pull into the existing bidirectional transceiver: no renegotiation; the publisher's audio arrives.
      const pull = await api.tracksNew(session, { tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'mic', mid: '#voice' }] });
      expect(pull.body).toEqual({
        requiresImmediateRenegotiation: false,
        tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'mic', mid }],
      });
      await waitUntil(() => log.markers(mid).length > 5, 10_000);
    });

    test('autoDiscover with an offer and no tracks → answer, random names with kind', async () => {
      const session = (await api.newSession()).body.sessionId;
      const pc = peer();
      syntheticPublisher(pc);
      await pc.setLocalDescription(await pc.createOffer());
      const res = await api.tracksNew(session, { autoDiscover: true, sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp } });
      expect(res.status).toBe(200);
      expect(res.body.tracks.map((t: { kind: string }) => t.kind)).toEqual(['video', 'audio']);
      for (const t of res.body.tracks) expect(t.trackName).toMatch(/^[0-9a-f]{32}$/);
    });

    test('item errors: not_found_track_error (pull), close_track_error (close)', async () => {
      const session = (await api.newSession()).body.sessionId;
      const res = await api.tracksNew(session, { tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'ghost' }] });
      expect(res.body.tracks[0]).toMatchObject({ mid: '', errorCode: 'not_found_track_error' });
      const close = await api.tracksClose(subSession, { tracks: [{ mid: '99' }], force: true });
      expect(close.body).toEqual({
        requiresImmediateRenegotiation: false,
        tracks: [{ mid: '99', errorCode: 'close_track_error', errorDescription: "Track doesn't exist or was already closed" }],
      });
    });

    test('tracks/close force:false with a client offer → answer; the other track keeps flowing', async () => {
      const session = (await api.newSession()).body.sessionId;
      const pc = peer();
      const log = receiveLog(pc);
      const pull = await api.tracksNew(session, {
        tracks: [
          { location: 'remote', sessionId: pubSession, trackName: 'cam' },
          { location: 'remote', sessionId: pubSession, trackName: 'mic' },
        ],
      });
      const [cam, mic] = pull.body.tracks as { mid: string }[];
      await pc.setRemoteDescription(pull.body.sessionDescription);
      await pc.setLocalDescription(await pc.createAnswer());
      await api.renegotiate(session, pc.localDescription!.sdp);
      await connected(pc);
      await waitUntil(() => log.markers(mic!.mid).length > 5, 10_000);

      // partytracks: stop the transceiver, offer, close with the offer, apply the answer.
      pc.getTransceivers().find((t) => t.mid === mic!.mid)!.stop();
      await pc.setLocalDescription(await pc.createOffer());
      const close = await api.tracksClose(session, {
        tracks: [{ mid: mic!.mid }],
        sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
        force: false,
      });
      expect(close.status).toBe(200);
      expect(close.body.requiresImmediateRenegotiation).toBe(false);
      expect(close.body.tracks).toEqual([{ mid: mic!.mid }]);
      expect(close.body.sessionDescription.type).toBe('answer');
      await pc.setRemoteDescription(close.body.sessionDescription);
      const camBefore = log.markers(cam!.mid).length;
      await waitUntil(() => log.markers(cam!.mid).length > camBefore + 10, 10_000);
    });

    test('tracks/close force:true → no SDP', async () => {
      const res = await api.tracksClose(subSession, { tracks: [{ mid: subMids.mic }], force: true });
      expect(res.body).toEqual({ requiresImmediateRenegotiation: false, tracks: [{ mid: subMids.mic }] });
      const state = await api.getSession(subSession);
      expect(state.body.tracks.map((t: { status: string }) => t.status)).toEqual(['active', 'inactive']);
    });
  });

  describe('request errors on session endpoints (Calls-shaped, official body)', () => {
    const unknown = '0123456789abcdef0123456789abcdef';

    test('400 decoding_error / invalid_session_description, 406 invalid_params', async () => {
      const session = (await api.newSession()).body.sessionId;
      const broken = await api.request('tracksNew', 'POST', `/sessions/${session}/tracks/new`, { rawBody: '{"tracks":[' });
      expect([broken.status, broken.body.errorCode]).toEqual([400, 'decoding_error']);
      const sdp = await api.tracksNew(session, { sessionDescription: { type: 'offer', sdp: 'v=0\r\nnope\r\n' }, tracks: [{ location: 'local', mid: '0', trackName: 'x' }] });
      expect([sdp.status, sdp.body.errorCode]).toEqual([400, 'invalid_session_description']);
      const many = Array.from({ length: 65 }, (_, i) => ({ location: 'remote', sessionId: pubSession, trackName: `t${i}` }));
      const tooMany = await api.tracksNew(session, { tracks: many });
      expect([tooMany.status, tooMany.body.errorCode]).toEqual([406, 'invalid_params']);
      const noOffer = await api.tracksClose(session, { tracks: [{ mid: '0' }], force: false });
      expect([noOffer.status, noOffer.body.errorCode]).toEqual([406, 'invalid_params']);
      const reneg = await api.renegotiate(session, 'v=0\r\n');
      expect([reneg.status, reneg.body.errorCode]).toEqual([400, 'invalid_session_description']);
    });

    test('401 and 404 on every session endpoint', async () => {
      const calls: [string, () => Promise<Reply>][] = [
        ['GET', () => api.getSession(unknown)],
        ['tracks/new', () => api.tracksNew(unknown, { tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam' }] })],
        ['renegotiate', () => api.renegotiate(unknown, 'v=0')],
        ['tracks/close', () => api.tracksClose(unknown, { tracks: [{ mid: '0' }], force: true })],
      ];
      for (const [, call] of calls) {
        const res = await call();
        expect([res.status, res.body.errorCode]).toEqual([404, 'not_found']);
      }
      const wrong = await api.getSession(pubSession, { secret: 'wrong' });
      expect([wrong.status, wrong.body.errorCode]).toEqual([401, 'unauthorized']);
      const missing = await api.tracksClose(pubSession, { tracks: [{ mid: '0' }], force: true }, { secret: null });
      expect([missing.status, missing.body.errorCode]).toEqual([401, 'unauthorized']);
    });

    test('410 session_error on a closed session, for every endpoint', async () => {
      const session = (await api.newSession()).body.sessionId;
      server.sfu.service.registry.get(session)!.close('requested');
      for (const res of [
        await api.getSession(session),
        await api.tracksNew(session, { tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam' }] }),
        await api.renegotiate(session, 'v=0'),
        await api.tracksClose(session, { tracks: [{ mid: '0' }], force: true }),
      ]) {
        expect([res.status, res.body.errorCode]).toEqual([410, 'session_error']);
      }
    });

    test('425 session_error when the PeerConnection does not connect within connectWaitMs', async () => {
      const session = (await api.newSession()).body.sessionId;
      const pc = peer();
      syntheticPublisher(pc);
      await pc.setLocalDescription(await pc.createOffer());
      const push = await api.tracksNew(session, { sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp }, tracks: [] });
      expect(push.status).toBe(200);
      // The client never applies the answer: the transport never connects.
      const res = await api.tracksNew(session, { tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam' }] });
      expect([res.status, res.body.errorCode]).toEqual([425, 'session_error']);
    });

    test('429 with Retry-After past the per-session call rate', async () => {
      const limited = await startTestServer({ limits: { callsPerSecond: 2 } });
      try {
        const client = new ConformanceClient(limited.url, TEST_APP.appId, TEST_APP.secret, api.validated);
        const session = (await client.newSession()).body.sessionId;
        const replies = [];
        for (let i = 0; i < 4; i++) replies.push(await client.getSession(session));
        const rejected = replies.find((r) => r.status === 429);
        expect(rejected?.body.errorCode).toBe('rate_limited');
        expect(Number(rejected?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      } finally {
        await limited.close();
      }
    });
  });

  describe('HTTP conventions', () => {
    const origin = 'http://client.example.test';

    test.each([
      ['POST', '/v1/apps/test-app/sessions/new'],
      ['POST', '/apps/test-app/sessions/new'],
      ['POST', '/v1/apps/test-app/sessions/0123/tracks/new'],
      ['PUT', '/v1/apps/test-app/sessions/0123/renegotiate'],
      ['PUT', '/apps/test-app/sessions/0123/tracks/close'],
      ['GET', '/v1/apps/test-app/sessions/0123'],
      ['POST', '/v1/turn/keys/test-app/credentials/generate-ice-servers'],
    ])('CORS preflight %s %s → allowed for any origin with authorization, content-type', async (method, path) => {
      const res = await fetch(`${server.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      const allowHeaders = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      expect(allowHeaders).toContain('authorization');
      expect(allowHeaders).toContain('content-type');
      expect(res.headers.get('access-control-allow-methods')).toContain(method);
      expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    });

    test('vary: Origin on successes and errors, with and without an Origin header', async () => {
      const session = (await api.newSession()).body.sessionId;
      const replies: Reply[] = [
        await api.newSession(),
        await api.newSession({ headers: { origin } }),
        await api.getSession(session, { headers: { origin } }),
        await api.getSession(session),
        await api.getSession('0123456789abcdef0123456789abcdef'),
        await api.getSession(session, { secret: 'wrong', headers: { origin } }),
        await api.request('tracksNew', 'POST', `/sessions/${session}/tracks/new`, { rawBody: '{', headers: { origin } }),
      ];
      for (const r of replies) expect(r.headers.get('vary')).toMatch(/\bOrigin\b/);
      const cors = replies[1]!;
      expect(cors.headers.get('access-control-allow-origin')).toBe(origin);
    });

    test('TURN generate-ice-servers (with and without /v1) → 201 {iceServers}', async () => {
      for (const v1 of [true, false]) {
        const res = await api.generateIceServers(TEST_APP.appId, TEST_APP.secret, v1);
        expect([res.status, res.body]).toEqual([201, { iceServers: [] }]);
        expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
      }
      expect((await api.generateIceServers(TEST_APP.appId, 'wrong')).status).toBe(401);
    });
  });

  test('every official operation was exercised and validated, successes and errors', () => {
    const seen = [...api.validated.keys()];
    console.log(`validated responses:\n  ${seen.map((k) => `${k} ×${api.validated.get(k)}`).join('\n  ')}`);
    const expected = [
      `POST ${OFFICIAL_PATHS.sessionsNew} 201`,
      `POST ${OFFICIAL_PATHS.sessionsNew} 400`,
      `POST ${OFFICIAL_PATHS.sessionsNew} 401`,
      `POST ${OFFICIAL_PATHS.sessionsNew} 404`,
      `POST ${OFFICIAL_PATHS.tracksNew} 200`,
      `POST ${OFFICIAL_PATHS.tracksNew} 400`,
      `POST ${OFFICIAL_PATHS.tracksNew} 404`,
      `POST ${OFFICIAL_PATHS.tracksNew} 406`,
      `POST ${OFFICIAL_PATHS.tracksNew} 410`,
      `POST ${OFFICIAL_PATHS.tracksNew} 425`,
      `PUT ${OFFICIAL_PATHS.renegotiate} 200`,
      `PUT ${OFFICIAL_PATHS.renegotiate} 400`,
      `PUT ${OFFICIAL_PATHS.renegotiate} 404`,
      `PUT ${OFFICIAL_PATHS.renegotiate} 410`,
      `PUT ${OFFICIAL_PATHS.tracksClose} 200`,
      `PUT ${OFFICIAL_PATHS.tracksClose} 401`,
      `PUT ${OFFICIAL_PATHS.tracksClose} 404`,
      `PUT ${OFFICIAL_PATHS.tracksClose} 406`,
      `PUT ${OFFICIAL_PATHS.tracksClose} 410`,
      `GET ${OFFICIAL_PATHS.session} 200`,
      `GET ${OFFICIAL_PATHS.session} 401`,
      `GET ${OFFICIAL_PATHS.session} 404`,
      `GET ${OFFICIAL_PATHS.session} 410`,
      `GET ${OFFICIAL_PATHS.session} 429`,
      `POST /turn/keys/{keyId}/credentials/generate-ice-servers 201`,
      `POST /turn/keys/{keyId}/credentials/generate-ice-servers 401`,
    ];
    expect(seen).toEqual(expect.arrayContaining(expected));
  });
});
