import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { connectDataSession, DataChannelsApi, onlyItem, type DataSession } from './helpers/datachannels.js';
import { loopbackPeer } from './helpers/werift-peers.js';

/**
 * DataChannel errors: request-level (status + {errorCode, errorDescription}) and per item (200).
 * Every body is checked against the official schema. `connectWaitMs` is short here so the 425
 * case is quick.
 */
describe('DataChannel errors', () => {
  let server: TestServer;
  let dc: DataChannelsApi;
  let other: DataChannelsApi;
  const peers: RTCPeerConnection[] = [];
  let pub: DataSession;
  const CONNECT_WAIT_MS = 1500;

  beforeAll(async () => {
    server = await startTestServer({ limits: { connectWaitMs: CONNECT_WAIT_MS } });
    dc = new DataChannelsApi(server.api);
    other = new DataChannelsApi(server.otherApi);
    pub = await connectDataSession(dc);
    peers.push(pub.pc);
    expect(onlyItem(await dc.create(pub.sessionId, [{ location: 'local', dataChannelName: 'news' }])).id).toBe(1);
  });

  afterAll(async () => {
    await Promise.all(peers.map((pc) => pc.close()));
    await server?.close();
  });

  test('datachannels/new before any transport: 406 invalid_params, nothing recorded', async () => {
    const sessionId = await server.api.newSession();
    const res = await dc.create(sessionId, [{ location: 'local', dataChannelName: 'early' }]);
    expect(res.status).toBe(406);
    expect(res.body).toEqual({
      errorCode: 'invalid_params',
      errorDescription:
        'This session has no DataChannel transport: call datachannels/establish first (or send an offer with an m=application section)',
    });
    expect(await dc.listed(sessionId)).toEqual([]);
  });

  test('datachannels/new while the establish offer is unanswered: 406 invalid_params', async () => {
    const sessionId = await server.api.newSession();
    expect((await dc.establish(sessionId)).status).toBe(200);
    const res = await dc.create(sessionId, [{ location: 'local', dataChannelName: 'early' }]);
    expect(res.status).toBe(406);
    expect(res.body.errorCode).toBe('invalid_params');
    expect(res.body.errorDescription).toMatch(/answer the SFU offer of datachannels\/establish with PUT renegotiate/);
  });

  test('establish twice: 400 decoding_error (pending offer and connected transport alike)', async () => {
    const sessionId = await server.api.newSession();
    expect((await dc.establish(sessionId)).status).toBe(200);
    const pending = await dc.establish(sessionId);
    expect(pending.status).toBe(400);
    expect(pending.body).toEqual({
      errorCode: 'decoding_error',
      errorDescription: 'The DataChannel transport is already established on this session: datachannels/establish works once per session',
    });
    const connected = await dc.establish(pub.sessionId);
    expect(connected.status).toBe(400);
    expect(connected.body.errorCode).toBe('decoding_error');
  });

  test('establish with an answer: 400 invalid_session_description; with an offer without m=application: 400 decoding_error', async () => {
    const sessionId = await server.api.newSession();
    const pc = loopbackPeer();
    peers.push(pc);
    pc.addTransceiver('audio', { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    const asAnswer = await dc.establish(sessionId, {
      dataChannel: { location: 'remote', dataChannelName: 'server-events' },
      sessionDescription: { type: 'answer', sdp: pc.localDescription!.sdp },
    });
    expect(asAnswer.status).toBe(400);
    expect(asAnswer.body.errorCode).toBe('invalid_session_description');
    const noApplication = await dc.establish(sessionId, {
      dataChannel: { location: 'remote', dataChannelName: 'server-events' },
      sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
    });
    expect(noApplication.status).toBe(400);
    expect(noApplication.body).toEqual({
      errorCode: 'decoding_error',
      errorDescription: 'DataChannel transport setup failed: the offer has no m=application section',
    });
    // Nothing was set up: a proper establish still works.
    expect((await dc.establish(sessionId)).body.requiresImmediateRenegotiation).toBe(true);
  });

  test('establish must pull server-events: another name is invalid_params', async () => {
    const sessionId = await server.api.newSession();
    const res = await dc.establish(sessionId, { dataChannel: { location: 'remote', dataChannelName: 'chat' } });
    expect(res.status).toBe(406);
    expect(res.body.errorCode).toBe('invalid_params');
  });

  test('unknown publisher channel, another app, duplicates: per-item errors next to successes', async () => {
    const sub = await connectDataSession(dc);
    peers.push(sub.pc);
    const res = await dc.create(sub.sessionId, [
      { location: 'remote', sessionId: pub.sessionId, dataChannelName: 'nope' },
      { location: 'remote', sessionId: pub.sessionId, dataChannelName: 'news' },
      { location: 'remote', sessionId: pub.sessionId, dataChannelName: 'news' },
      { location: 'local', dataChannelName: 'mine' },
      { location: 'local', dataChannelName: 'mine' },
      { location: 'remote', sessionId: 'f'.repeat(32), dataChannelName: 'news' },
    ]);
    expect(res.status).toBe(200);
    const notFound = {
      errorCode: 'not_found_track_error',
      errorDescription: 'DataChannel not found on remote peer. Make sure the publisher session published it with datachannels/new',
    };
    expect(res.body.dataChannels).toEqual([
      { location: 'remote', sessionId: pub.sessionId, dataChannelName: 'nope', ...notFound },
      { location: 'remote', sessionId: pub.sessionId, dataChannelName: 'news', id: 1 },
      {
        location: 'remote',
        sessionId: pub.sessionId,
        dataChannelName: 'news',
        errorCode: 'repeated_local_track_error',
        errorDescription: 'Data channel news already exists on this session (id 1)',
      },
      { location: 'local', dataChannelName: 'mine', id: 2 },
      {
        location: 'local',
        dataChannelName: 'mine',
        errorCode: 'repeated_local_track_error',
        errorDescription: 'Data channel mine already exists on this session (id 2)',
      },
      { location: 'remote', sessionId: 'f'.repeat(32), dataChannelName: 'news', ...notFound },
    ]);
    // A later request repeats the local name: the same error.
    const again = await dc.create(sub.sessionId, [{ location: 'local', dataChannelName: 'mine' }]);
    expect(onlyItem(again).errorCode).toBe('repeated_local_track_error');

    // Sessions of another app cannot pull this app's channels.
    const foreign = await connectDataSession(other);
    peers.push(foreign.pc);
    const cross = await other.create(foreign.sessionId, [{ location: 'remote', sessionId: pub.sessionId, dataChannelName: 'news' }]);
    expect(onlyItem(cross).errorCode).toBe('not_found_track_error');
  });

  test('update: a channel this session did not pull is not_found_track_error', async () => {
    const res = await dc.update(pub.sessionId, [
      { location: 'remote', sessionId: pub.sessionId, dataChannelName: 'news', canReply: true },
      { location: 'local', dataChannelName: 'news' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.dataChannels).toEqual([
      {
        location: 'remote',
        sessionId: pub.sessionId,
        dataChannelName: 'news',
        errorCode: 'not_found_track_error',
        errorDescription: 'DataChannel not found on this session: pull it with datachannels/new first',
      },
      { location: 'local', dataChannelName: 'news', id: 1 },
    ]);
  });

  test('bad bodies: decoding_error (400) and invalid_params (406)', async () => {
    const notJson = await dc.api.call('POST', `/sessions/${pub.sessionId}/datachannels/new`, undefined, { rawBody: '{"dataChannels": [' });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ errorCode: 'decoding_error' });
    const wrongType = await dc.api.call('PUT', `/sessions/${pub.sessionId}/datachannels/close`, { dataChannels: [{ id: 'one' }] });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ errorCode: 'decoding_error' });
    const bothLimits = await dc.create(pub.sessionId, [{ location: 'local', dataChannelName: 'x', maxRetransmits: 0, maxPacketLifeTime: 10 } as never]);
    expect(bothLimits.status).toBe(406);
    expect(bothLimits.body.errorCode).toBe('invalid_params');
    const noPublisher = await dc.create(pub.sessionId, [{ location: 'remote', dataChannelName: 'x' }]);
    expect(noPublisher.status).toBe(406);
  });

  test(`the PeerConnection never connects: datachannels/new waits ${CONNECT_WAIT_MS} ms, then 425 session_error`, async () => {
    const sessionId = await server.api.newSession();
    const pc = loopbackPeer();
    const res = await dc.establish(sessionId);
    await pc.setRemoteDescription(res.body.sessionDescription!);
    await pc.setLocalDescription(await pc.createAnswer());
    const answer = pc.localDescription!.sdp;
    await pc.close(); // the client is gone before ICE could connect
    expect((await dc.renegotiate(sessionId, answer)).status).toBe(200);
    const started = performance.now();
    const late = await dc.create(sessionId, [{ location: 'local', dataChannelName: 'late' }]);
    expect(late.status).toBe(425);
    expect(late.body.errorCode).toBe('session_error');
    expect(performance.now() - started).toBeGreaterThanOrEqual(CONNECT_WAIT_MS - 100);
  });
});
