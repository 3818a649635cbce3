import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { assertMatchesOfficialSchema } from '@opencalls/conformance';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { connectPublisher } from './helpers/flows.js';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';
import type { TracksResponse } from './helpers/calls-api.js';

const TRACKS_NEW = '/apps/{appId}/sessions/{sessionId}/tracks/new';
/** The description Calls gives (realtime-examples issue #11, calls-api.md §3.2). */
const NOT_FOUND = 'Track not found on remote peer. Make sure the publisher peer is connected and sending packets for this track';
const PULL_WAIT_MS = 1500;

/**
 * Per-item pull failures come back with HTTP 200, `mid: ""` and an item `errorCode`
 * (calls-api.md §3.2, §9). A publication that exists but has not sent a packet yet is waited for
 * up to `limits.pullWaitForMediaMs` (calls-api.md §8.1), then reported as not found.
 */
describe('pull item errors and the wait for a silent publisher', () => {
  let server: TestServer;
  let pubPc: RTCPeerConnection;
  let publisher: SyntheticSender;
  let pubSession: string;

  beforeAll(async () => {
    server = await startTestServer({ limits: { pullWaitForMediaMs: PULL_WAIT_MS } });
    pubPc = loopbackPeer();
    publisher = syntheticPublisher(pubPc);
    // Connected, but sends nothing until a test says so.
    pubSession = await connectPublisher(server.api, pubPc, publisher);
  });
  afterAll(async () => {
    publisher?.stop();
    await pubPc?.close();
    await server?.close();
  });

  const pull = async (body: unknown): Promise<TracksResponse> => {
    const sessionId = await server.api.newSession();
    const res = await server.api.tracksNew<TracksResponse>(sessionId, body);
    expect(res.status).toBe(200);
    assertMatchesOfficialSchema({ path: TRACKS_NEW, method: 'POST', status: 200, body: res.body });
    return res.body;
  };

  test('unknown track name → not_found_track_error with mid "" and the Calls description', async () => {
    const body = await pull({ tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'nope' }] });
    expect(body).toEqual({
      requiresImmediateRenegotiation: false,
      tracks: [{ sessionId: pubSession, trackName: 'nope', mid: '', errorCode: 'not_found_track_error', errorDescription: NOT_FOUND }],
    });
  });

  test('unknown publisher session → not_found_track_error', async () => {
    const other = '0123456789abcdef0123456789abcdef';
    const body = await pull({ tracks: [{ location: 'remote', sessionId: other, trackName: 'cam' }] });
    expect(body.tracks).toEqual([{ sessionId: other, trackName: 'cam', mid: '', errorCode: 'not_found_track_error', errorDescription: NOT_FOUND }]);
  });

  test("a track of another app's session is not found", async () => {
    const sessionId = await server.otherApi.newSession();
    const res = await server.otherApi.tracksNew<TracksResponse>(sessionId, { tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam' }] });
    expect(res.status).toBe(200);
    expect(res.body.tracks?.[0]).toMatchObject({ mid: '', errorCode: 'not_found_track_error' });
  });

  test('silent publisher that never sends → not_found_track_error after the configured wait', async () => {
    const started = performance.now();
    const body = await pull({ tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'mic' }] });
    const waited = performance.now() - started;
    expect(body.tracks).toEqual([{ sessionId: pubSession, trackName: 'mic', mid: '', errorCode: 'not_found_track_error', errorDescription: NOT_FOUND }]);
    expect(body.sessionDescription).toBeUndefined();
    // It did wait (a lower bound only: the deadline cannot pass early).
    expect(waited).toBeGreaterThanOrEqual(PULL_WAIT_MS - 50);
  });

  test('publisher starts sending within the wait → the pull succeeds once packets arrived', async () => {
    const sessionId = await server.api.newSession();
    let firstSendAt = Infinity;
    const timer = setTimeout(() => {
      firstSendAt = performance.now();
      publisher.start(20, 3000, 10);
    }, 400);
    try {
      const res = await server.api.tracksNew<TracksResponse>(sessionId, {
        tracks: [
          { location: 'remote', sessionId: pubSession, trackName: 'cam' },
          { location: 'remote', sessionId: pubSession, trackName: 'mic' },
        ],
      });
      const answeredAt = performance.now();
      expect(res.status).toBe(200);
      assertMatchesOfficialSchema({ path: TRACKS_NEW, method: 'POST', status: 200, body: res.body });
      expect(res.body.requiresImmediateRenegotiation).toBe(true);
      expect(res.body.sessionDescription?.type).toBe('offer');
      for (const item of res.body.tracks!) {
        expect(item.errorCode).toBeUndefined();
        expect(item.mid).toMatch(/^\d+$/);
      }
      // Causality, not timing: the pull could only succeed after the publisher sent.
      expect(answeredAt).toBeGreaterThan(firstSendAt);
    } finally {
      clearTimeout(timer);
    }
  });

  test('a mixed batch: found items get mids and an offer, the unknown one fails alone', async () => {
    const body = await pull({
      tracks: [
        { location: 'remote', sessionId: pubSession, trackName: 'cam' },
        { location: 'remote', sessionId: pubSession, trackName: 'ghost' },
        { location: 'remote', sessionId: pubSession, trackName: 'mic' },
      ],
    });
    expect(body.requiresImmediateRenegotiation).toBe(true);
    expect(body.sessionDescription?.type).toBe('offer');
    expect(body.tracks).toEqual([
      { location: 'remote', sessionId: pubSession, trackName: 'cam', mid: expect.stringMatching(/^\d+$/) },
      { sessionId: pubSession, trackName: 'ghost', mid: '', errorCode: 'not_found_track_error', errorDescription: NOT_FOUND },
      { location: 'remote', sessionId: pubSession, trackName: 'mic', mid: expect.stringMatching(/^\d+$/) },
    ]);
  });

  test('kind that does not match the publication → invalid_params item', async () => {
    const body = await pull({ tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam', kind: 'audio' }] });
    expect(body.tracks).toEqual([
      { sessionId: pubSession, trackName: 'cam', mid: '', errorCode: 'invalid_params', errorDescription: 'Track cam is video, not audio' },
    ]);
  });

  test('mid "#name" naming no local track → invalid_params item, no renegotiation', async () => {
    const body = await pull({ tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'mic', mid: '#nothing' }] });
    expect(body).toEqual({
      requiresImmediateRenegotiation: false,
      tracks: [
        { sessionId: pubSession, trackName: 'mic', mid: '', errorCode: 'invalid_params', errorDescription: 'No local track nothing to reuse for mic' },
      ],
    });
  });

  test('mid "#name" naming a send-only push → invalid_params (it cannot carry media back)', async () => {
    const res = await server.api.tracksNew<TracksResponse>(pubSession, {
      tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'mic', mid: '#mic' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.tracks).toEqual([
      {
        sessionId: pubSession,
        trackName: 'mic',
        mid: '',
        errorCode: 'invalid_params',
        errorDescription: 'Track mic was not pushed with bidirectionalMediaStream: its transceiver cannot send',
      },
    ]);
  });
});
