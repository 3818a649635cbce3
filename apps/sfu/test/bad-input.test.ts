import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, TEST_APP, type TestServer } from './helpers/test-server.js';
import { loopbackPeer, syntheticPublisher } from './helpers/werift-peers.js';

/** Bad input gets a Calls-shaped error with the right status, and nothing else breaks. */
describe('bad input', () => {
  let server: TestServer;
  let sessionId: string;

  beforeAll(async () => {
    server = await startTestServer();
    sessionId = await server.api.newSession();
  });
  afterAll(async () => {
    await server?.close();
  });

  const raw = (method: string, path: string, init: { auth?: string | null; body?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (init.auth !== null) headers.authorization = init.auth ?? `Bearer ${TEST_APP.secret}`;
    return fetch(`${server.url}${path}`, { method, headers, body: init.body }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as Record<string, unknown>,
    }));
  };

  test('unknown app → 404 not_found', async () => {
    const res = await raw('POST', '/v1/apps/no-such-app/sessions/new');
    expect(res).toEqual({ status: 404, body: { errorCode: 'not_found', errorDescription: 'App no-such-app not found' } });
  });

  test('wrong secret → 401 unauthorized', async () => {
    const res = await raw('POST', `/v1/apps/${TEST_APP.appId}/sessions/new`, { auth: 'Bearer wrong' });
    expect(res).toEqual({ status: 401, body: { errorCode: 'unauthorized', errorDescription: 'Invalid app secret' } });
  });

  test('missing Authorization → 401 unauthorized', async () => {
    const res = await raw('POST', `/v1/apps/${TEST_APP.appId}/sessions/new`, { auth: null });
    expect(res).toEqual({ status: 401, body: { errorCode: 'unauthorized', errorDescription: 'Missing Authorization header' } });
  });

  test('unknown session → 404 not_found', async () => {
    const res = await raw('GET', `/v1/apps/${TEST_APP.appId}/sessions/0123456789abcdef0123456789abcdef`);
    expect(res).toEqual({
      status: 404,
      body: { errorCode: 'not_found', errorDescription: 'Session 0123456789abcdef0123456789abcdef not found' },
    });
  });

  test("another app's session is not found, not shared", async () => {
    const res = await server.otherApi.getSession(sessionId);
    expect(res.status).toBe(404);
    expect(res.body.errorCode).toBe('not_found');
  });

  test('malformed JSON → 400 decoding_error', async () => {
    const res = await raw('POST', `/v1/apps/${TEST_APP.appId}/sessions/${sessionId}/tracks/new`, { body: '{"tracks": [' });
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('decoding_error');
    expect(String(res.body.errorDescription)).toMatch(/JSON/);
  });

  test('invalid SDP → 400 invalid_session_description, session still usable', async () => {
    const res = await server.api.tracksNew(sessionId, {
      sessionDescription: { type: 'offer', sdp: 'v=0\r\nthis is not sdp\r\n' },
      tracks: [{ location: 'local', mid: '0', trackName: 'x' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('invalid_session_description');
    expect(res.body.errorDescription).toMatch(/offer/);
    const state = await server.api.getSession(sessionId);
    expect(state.status).toBe(200);
    expect(state.body.tracks).toEqual([]);
  });

  test('more than 64 tracks → 406 invalid_params, nothing applied', async () => {
    const tracks = Array.from({ length: 65 }, (_, i) => ({ location: 'remote', sessionId, trackName: `t${i}` }));
    const other = await server.api.newSession();
    const res = await server.api.tracksNew(other, { tracks });
    expect(res.status).toBe(406);
    expect(res.body.errorCode).toBe('invalid_params');
    expect(res.body.errorDescription).toMatch(/64/);
    const state = await server.api.getSession(other);
    expect(state.body.tracks).toEqual([]);
  });

  test('unknown route → 404 not_found', async () => {
    const res = await raw('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.errorCode).toBe('not_found');
  });

  test('after all that, a push on a fresh session still works', async () => {
    const pc = loopbackPeer();
    try {
      const pub = syntheticPublisher(pc);
      await pc.setLocalDescription(await pc.createOffer());
      const sid = await server.api.newSession();
      const res = await server.api.tracksNew(sid, {
        sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
        tracks: [{ location: 'local', mid: pub.video.mid, trackName: 'v' }],
      });
      expect(res.status).toBe(200);
      expect(res.body.tracks).toEqual([{ trackName: 'v', mid: pub.video.mid }]);
    } finally {
      await pc.close();
    }
  });
});
