import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import { assertMatchesOfficialSchema } from '@opencalls/conformance';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { connectPublisher, connectSubscriber, waitUntil } from './helpers/flows.js';
import { DataChannelsApi, onlyItem, openNegotiated, record, SERVER_EVENTS_REQUEST, type DataChannelItem } from './helpers/datachannels.js';
import { loopbackPeer, syntheticPublisher } from './helpers/werift-peers.js';

/**
 * The other ways a session gets its DataChannel transport (calls-api.md §3.1, §3.7, §6.3): an
 * `m=application` section in the legacy `sessions/new` offer (echo-datachannels), in a
 * `tracks/new` push offer, in a client offer to `establish`; and `establish` on a session whose
 * media is already connected. In each case `server-events` exists (id 0), establish is refused
 * afterwards (decoding_error), and published channels work.
 */
describe('DataChannel transport from client offers', () => {
  let server: TestServer;
  let dc: DataChannelsApi;
  const peers: RTCPeerConnection[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    dc = new DataChannelsApi(server.api);
  });

  afterAll(async () => {
    await Promise.all(peers.map((pc) => pc.close()));
    await server?.close();
  });

  function peer(): RTCPeerConnection {
    const pc = loopbackPeer();
    peers.push(pc);
    return pc;
  }

  /** echo-datachannels: `createDataChannel("server-events")`, then `sessions/new` with the offer. */
  async function legacySession(): Promise<{ sessionId: string; pc: RTCPeerConnection; own: RTCDataChannel }> {
    const pc = peer();
    const own = pc.createDataChannel('server-events');
    await pc.setLocalDescription(await pc.createOffer());
    const res = await server.api.call<{ sessionId: string; sessionDescription: { type: 'answer'; sdp: string } }>('POST', '/sessions/new', {
      sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
    });
    assertMatchesOfficialSchema({ path: '/apps/{appId}/sessions/new', method: 'post', status: res.status, body: res.body });
    expect(res.status).toBe(201);
    expect(res.body.sessionDescription.sdp).toMatch(/^m=application /m);
    await pc.setRemoteDescription(res.body.sessionDescription);
    await pc.connectionStateChange.watch((s) => s === 'connected', 10_000);
    await waitUntil(() => own.readyState === 'open', 10_000);
    return { sessionId: res.body.sessionId, pc, own };
  }

  async function serverEventsListed(sessionId: string): Promise<DataChannelItem | undefined> {
    return (await dc.listed(sessionId)).find((c) => c.dataChannelName === 'server-events');
  }

  test('legacy sessions/new offer with server-events: the transport works, ids avoid the client\'s own channel', async () => {
    const pub = await legacySession();
    const sub = await legacySession();
    await waitUntil(async () => (await serverEventsListed(pub.sessionId))?.status === 'active', 10_000);
    expect(await serverEventsListed(pub.sessionId)).toEqual({ location: 'remote', dataChannelName: 'server-events', id: 0, status: 'active' });
    expect((await dc.establish(pub.sessionId)).body.errorCode).toBe('decoding_error');

    // The client opened its server-events channel itself (DCEP) on a stream of its choosing.
    const clientOwn = pub.own.id;
    const published = onlyItem(await dc.create(pub.sessionId, [{ location: 'local', dataChannelName: 'channel-one' }]));
    expect(published.id).not.toBe(clientOwn);
    expect(published.id).not.toBe(0);
    const pubChannel = openNegotiated(pub.pc, 'channel-one', published.id!);

    const pulled = onlyItem(await dc.create(sub.sessionId, [{ location: 'remote', sessionId: pub.sessionId, dataChannelName: 'channel-one' }]));
    expect(pulled.id).not.toBe(sub.own.id);
    const received = record(openNegotiated(sub.pc, 'channel-one-subscribed', pulled.id!));
    for (let i = 0; i < 20; i++) pubChannel.send(`hello ${i}`);
    await waitUntil(() => received.length >= 20, 10_000);
    expect(received).toEqual(Array.from({ length: 20 }, (_, i) => `hello ${i}`));
  });

  test('tracks/new push whose offer also has m=application: server-events exists and channels work', async () => {
    const pc = peer();
    const media = syntheticPublisher(pc);
    pc.createDataChannel('server-events');
    const sessionId = await connectPublisher(server.api, pc, media);
    await waitUntil(async () => (await serverEventsListed(sessionId)) !== undefined, 10_000);
    expect(await serverEventsListed(sessionId)).toMatchObject({ id: 0 });
    expect((await dc.establish(sessionId)).status).toBe(400);
    const item = onlyItem(await dc.create(sessionId, [{ location: 'local', dataChannelName: 'telemetry' }]));
    expect(item).toEqual({ location: 'local', dataChannelName: 'telemetry', id: item.id });
    const state = await server.api.getSession(sessionId);
    expect(state.body.tracks?.map((t) => t.trackName).sort()).toEqual(['cam', 'mic']);
  });

  test('establish with a client offer: the SFU answers, requiresImmediateRenegotiation is false', async () => {
    const sessionId = await server.api.newSession();
    const pc = peer();
    pc.createDataChannel('server-events', { negotiated: true, id: 0 });
    await pc.setLocalDescription(await pc.createOffer());
    const res = await dc.establish(sessionId, { ...SERVER_EVENTS_REQUEST, sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      requiresImmediateRenegotiation: false,
      dataChannel: { dataChannelName: 'server-events', id: 0 },
      sessionDescription: { type: 'answer', sdp: expect.stringMatching(/^m=application /m) },
    });
    await pc.setRemoteDescription(res.body.sessionDescription!);
    await pc.connectionStateChange.watch((s) => s === 'connected', 10_000);
    const item = onlyItem(await dc.create(sessionId, [{ location: 'local', dataChannelName: 'chat' }]));
    expect(item.id).toBe(1);
    expect((await dc.establish(sessionId)).body.errorCode).toBe('decoding_error');
  });

  test('establish on a session whose media is already connected: the SCTP transport is added and starts', async () => {
    const pc = peer();
    const media = syntheticPublisher(pc);
    const sessionId = await connectPublisher(server.api, pc, media);
    const res = await dc.establish(sessionId);
    expect(res.body.requiresImmediateRenegotiation).toBe(true);
    await pc.setRemoteDescription(res.body.sessionDescription!);
    await pc.setLocalDescription(await pc.createAnswer());
    expect((await dc.renegotiate(sessionId, pc.localDescription!.sdp)).status).toBe(200);
    // werift (the client here) starts SCTP only while it connects ICE/DTLS: start it by hand, as
    // the SFU's PeerDataChannels does on its side. Browsers do this themselves.
    void pc.sctpTransport!.start(pc.sctpRemotePort!);

    const sub = await legacySession();
    const published = onlyItem(await dc.create(sessionId, [{ location: 'local', dataChannelName: 'late-data' }]));
    expect(published.id).toBe(1);
    const pubChannel = openNegotiated(pc, 'late-data', published.id!);
    const pulled = onlyItem(await dc.create(sub.sessionId, [{ location: 'remote', sessionId, dataChannelName: 'late-data' }]));
    const received = record(openNegotiated(sub.pc, 'late-data', pulled.id!));
    await waitUntil(() => pubChannel.readyState === 'open', 10_000);
    pubChannel.send('after media');
    await waitUntil(() => received.length > 0, 10_000);
    expect(received).toEqual(['after media']);
  });

  test('establish on a pull-first session (the SFU offered first, so it starts SCTP itself)', async () => {
    const pubPc = peer();
    const media = syntheticPublisher(pubPc);
    const pubSession = await connectPublisher(server.api, pubPc, media);
    media.start(20, 500);
    const subPc = peer();
    const subscriber = await connectSubscriber(server.api, subPc, pubSession, ['mic']);
    const res = await dc.establish(subscriber.sessionId);
    await subPc.setRemoteDescription(res.body.sessionDescription!);
    await subPc.setLocalDescription(await subPc.createAnswer());
    expect((await dc.renegotiate(subscriber.sessionId, subPc.localDescription!.sdp)).status).toBe(200);
    // The SFU starts the association once the answer is in (server-events opens), no call needed.
    await waitUntil(async () => (await serverEventsListed(subscriber.sessionId))?.status === 'active', 10_000);
    const item = onlyItem(await dc.create(subscriber.sessionId, [{ location: 'local', dataChannelName: 'from-subscriber' }]));
    expect(item.id).toBe(1);
    const channel = openNegotiated(subPc, 'from-subscriber', item.id!);
    await waitUntil(() => channel.readyState === 'open', 10_000);
    media.stop();
  });
});
