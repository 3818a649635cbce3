import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pino from 'pino';
import { parseErrorResponse } from '@opencalls/protocol';
import { assertMatchesOfficialSchema } from '@opencalls/conformance';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { connectSubscriber, waitUntil } from './helpers/flows.js';
import { loopbackPeer, syntheticPublisher } from './helpers/werift-peers.js';
import type { TracksResponse } from './helpers/calls-api.js';

const NEW_SESSION = '/apps/{appId}/sessions/new';

/** Every JSON line the server logged. */
function memoryLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** `POST sessions/new`: the query parameters and the legacy body with an offer (calls-api.md §3.1). */
describe('sessions/new variants', () => {
  let server: TestServer;
  let log: ReturnType<typeof memoryLogger>;

  beforeAll(async () => {
    log = memoryLogger();
    server = await startTestServer({ logger: log.logger });
  });
  afterAll(async () => {
    await server?.close();
  });

  test.each([
    ['?thirdparty=true', true],
    ['?thirdparty=TRUE', true],
    ['?thirdparty', true],
    ['?thirdparty=1', true],
    ['?thirdparty=false', false],
    ['', false],
    ['?', false],
  ])('sessions/new%s → 201, thirdparty recorded as %s', async (query, expected) => {
    const res = await server.api.call<{ sessionId: string }>('POST', `/sessions/new${query}`);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(['sessionId']);
    assertMatchesOfficialSchema({ path: NEW_SESSION, method: 'POST', status: 201, body: res.body });
    expect(server.sfu.service.registry.get(res.body.sessionId)?.thirdparty).toBe(expected);
  });

  test('correlationId is accepted, recorded and on every log line of the session (pino child logger)', async () => {
    const res = await server.api.call<{ sessionId: string }>('POST', '/sessions/new?correlationId=meeting-42&thirdparty=true');
    expect(res.status).toBe(201);
    const { sessionId } = res.body;
    expect(server.sfu.service.registry.get(sessionId)?.correlationId).toBe('meeting-42');
    const created = log.lines.find((l) => l.sessionId === sessionId && l.msg === 'session created');
    expect(created).toMatchObject({ sessionId, appId: 'test-app', correlationId: 'meeting-42', thirdparty: true });
    // The same label again makes another session: it is not an idempotency key.
    const again = await server.api.call<{ sessionId: string }>('POST', '/sessions/new?correlationId=meeting-42');
    expect(again.status).toBe(201);
    expect(again.body.sessionId).not.toBe(sessionId);
    // Lines logged later through the session's logger carry it too.
    server.sfu.service.registry.get(sessionId)?.close('requested');
    await waitUntil(() => log.lines.some((l) => l.sessionId === sessionId && l.msg === 'session closed'), 2000);
    const closed = log.lines.find((l) => l.sessionId === sessionId && l.msg === 'session closed');
    expect(closed).toMatchObject({ correlationId: 'meeting-42', reason: 'requested' });
  });

  test('a session without correlationId logs no correlationId field', async () => {
    const sessionId = await server.api.newSession();
    const created = log.lines.find((l) => l.sessionId === sessionId && l.msg === 'session created');
    expect(created).toBeDefined();
    expect(created).not.toHaveProperty('correlationId');
  });

  test('legacy body with an answer instead of an offer → 400 invalid_session_description, no session made', async () => {
    const before = server.sfu.service.sessionCount;
    const res = await server.api.call('POST', '/sessions/new', { sessionDescription: { type: 'answer', sdp: 'v=0\r\n' } });
    expect(res.status).toBe(400);
    // The official schema has only the 201 body (sessionId required) for sessions/new errors.
    expect(parseErrorResponse(res.body).ok).toBe(true);
    expect(res.body).toEqual({ errorCode: 'invalid_session_description', errorDescription: 'sessions/new takes an offer, not an answer' });
    expect(server.sfu.service.sessionCount).toBe(before);
  });

  test('legacy body with a broken offer → 400 invalid_session_description, the session is closed', async () => {
    const before = server.sfu.service.sessionCount;
    const res = await server.api.call('POST', '/sessions/new', { sessionDescription: { type: 'offer', sdp: 'v=0\r\nnot sdp\r\n' } });
    expect(res.status).toBe(400);
    expect(parseErrorResponse(res.body).ok).toBe(true);
    expect(res.body.errorCode).toBe('invalid_session_description');
    expect(server.sfu.service.sessionCount).toBe(before);
  });
});

/**
 * The legacy style (echo-datachannels, sfu-turn-go, orange before 2024-08): `sessions/new` with the
 * client's offer answers it at once and sets up the transport; tracks are published afterwards with
 * `tracks/new` and a fresh offer on the now connected PeerConnection.
 */
describe('sessions/new with an offer (legacy style)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test('201 with an answer; the client connects, publishes with tracks/new, a subscriber receives', async () => {
    const pubPc = loopbackPeer();
    const subPc = loopbackPeer();
    const publisher = syntheticPublisher(pubPc);
    try {
      await pubPc.setLocalDescription(await pubPc.createOffer());
      const res = await server.api.call<{ sessionId: string; sessionDescription: { type: 'answer'; sdp: string } }>(
        'POST',
        '/sessions/new',
        { sessionDescription: { type: 'offer', sdp: pubPc.localDescription!.sdp } },
      );
      expect(res.status).toBe(201);
      assertMatchesOfficialSchema({ path: NEW_SESSION, method: 'POST', status: 201, body: res.body });
      expect(Object.keys(res.body).sort()).toEqual(['sessionDescription', 'sessionId']);
      expect(res.body.sessionId).toMatch(/^[0-9a-f]{32}$/);
      const answer = res.body.sessionDescription;
      expect(answer.type).toBe('answer');
      const candidates = answer.sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
      expect(candidates.length).toBeGreaterThan(0);
      for (const c of candidates) expect(c.split(' ')[4]).toBe('127.0.0.1');
      await pubPc.setRemoteDescription(answer);
      await pubPc.connectionStateChange.watch((s) => s === 'connected', 10_000);
      const sessionId = res.body.sessionId;

      // The offer's sections are not tracks yet (as in Calls): GET lists none.
      expect((await server.api.getSession(sessionId)).body.tracks).toEqual([]);

      // Publish them on the connected session with a fresh offer.
      await pubPc.setLocalDescription(await pubPc.createOffer());
      const push = await server.api.tracksNew<TracksResponse>(sessionId, {
        sessionDescription: { type: 'offer', sdp: pubPc.localDescription!.sdp },
        tracks: [
          { location: 'local', mid: publisher.video.mid, trackName: 'cam' },
          { location: 'local', mid: publisher.audio.mid, trackName: 'mic' },
        ],
      });
      expect(push.status).toBe(200);
      expect(push.body.tracks).toEqual([
        { trackName: 'cam', mid: publisher.video.mid },
        { trackName: 'mic', mid: publisher.audio.mid },
      ]);
      await pubPc.setRemoteDescription(push.body.sessionDescription!);
      publisher.start(20, 3000, 10);

      const sub = await connectSubscriber(server.api, subPc, sessionId, ['cam', 'mic']);
      await waitUntil(() => sub.received.video > 20 && sub.received.audio > 20, 15_000);
    } finally {
      publisher.stop();
      await pubPc.close();
      await subPc.close();
    }
  });
});
