import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { sleep, waitUntil } from './helpers/flows.js';
import {
  binaryMessage,
  connectDataSession,
  DataChannelsApi,
  onlyItem,
  openNegotiated,
  record,
  type DataSession,
  type Message,
} from './helpers/datachannels.js';

/**
 * DataChannels end to end with werift clients on 127.0.0.1: establish + renegotiate, publish,
 * subscribe, fan-out (count, content, order, text vs binary), several streams at once (werift
 * #706), canReply, waitForAck, update, close. Every response is checked against the official
 * schema (helpers/datachannels.ts). Both media engines: SCTP rides on werift's DTLS in each.
 */
describe.each(['native', 'werift'] as const)('DataChannels with werift clients (engine %s)', (engine) => {
  let server: TestServer;
  let dc: DataChannelsApi;
  const peers: RTCPeerConnection[] = [];
  let pub: DataSession;
  let sub1: DataSession;
  let sub2: DataSession;
  let pubChannel: RTCDataChannel;
  let pubId: number;
  let sub1Channel: RTCDataChannel;
  let sub1Id: number;
  let sub2Channel: RTCDataChannel;
  let sub2Id: number;
  let atPublisher: Message[];
  let atSub1: Message[];
  let atSub2: Message[];
  /** alpha, beta, gamma: the publisher's ends and sub1's ends. */
  let pubStreams: RTCDataChannel[];
  let sub1Streams: RTCDataChannel[];

  const WAIT_FOR_ACK_MS = 1500;

  async function session(): Promise<DataSession> {
    const s = await connectDataSession(dc);
    peers.push(s.pc);
    return s;
  }

  async function subscribe(
    s: DataSession,
    options: { canReply?: boolean; waitForAck?: boolean; name?: string } = {},
  ): Promise<{ id: number; channel: RTCDataChannel }> {
    const name = options.name ?? 'chat';
    const { name: _name, ...flags } = options;
    const res = await dc.create(s.sessionId, [{ location: 'remote', sessionId: pub.sessionId, dataChannelName: name, ...flags }]);
    const item = onlyItem(res);
    expect(item).toEqual({ location: 'remote', sessionId: pub.sessionId, dataChannelName: name, id: item.id, ...(flags.canReply !== undefined ? { canReply: flags.canReply } : {}) });
    return { id: item.id!, channel: openNegotiated(s.pc, `${name}-subscribed`, item.id!) };
  }

  beforeAll(async () => {
    server = await startTestServer({ media: { engine }, limits: { waitForAckMs: WAIT_FOR_ACK_MS } });
    dc = new DataChannelsApi(server.api);
  });

  afterAll(async () => {
    await Promise.all(peers.map((pc) => pc.close()));
    await server?.close();
  });

  test('establish: an SFU offer with m=application and server-events on id 0; the answer connects', async () => {
    const sessionId = await server.api.newSession();
    const res = await dc.establish(sessionId);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      requiresImmediateRenegotiation: true,
      dataChannel: { dataChannelName: 'server-events', id: 0 },
      sessionDescription: { type: 'offer', sdp: expect.stringContaining('m=application') },
    });
    expect(res.body.sessionDescription!.sdp).toMatch(/^m=application \d+ UDP\/DTLS\/SCTP webrtc-datachannel$/m);
    expect(await dc.listed(sessionId)).toEqual([{ location: 'remote', dataChannelName: 'server-events', id: 0, status: 'initializing' }]);

    pub = await session();
    await waitUntil(async () => (await dc.listed(pub.sessionId))[0]?.status === 'active', 10_000);
    expect(await dc.listed(pub.sessionId)).toEqual([{ location: 'remote', dataChannelName: 'server-events', id: 0, status: 'active' }]);
  });

  test('publish: a local channel gets the next id on the session; the SFU holds its end', async () => {
    const res = await dc.create(pub.sessionId, [{ location: 'local', dataChannelName: 'chat' }]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ dataChannels: [{ location: 'local', dataChannelName: 'chat', id: 1 }] });
    pubId = 1;
    pubChannel = openNegotiated(pub.pc, 'chat', pubId);
    expect(pubChannel.readyState).toBe('open');
    atPublisher = record(pubChannel);
  });

  test('two subscribers receive every message, in order, text as text and binary as binary', async () => {
    sub1 = await session();
    sub2 = await session();
    ({ id: sub1Id, channel: sub1Channel } = await subscribe(sub1));
    ({ id: sub2Id, channel: sub2Channel } = await subscribe(sub2));
    // Ids are per session: each subscriber's first channel after server-events is 1.
    expect([sub1Id, sub2Id]).toEqual([1, 1]);
    atSub1 = record(sub1Channel);
    atSub2 = record(sub2Channel);

    const sent: Message[] = [];
    for (let i = 0; i < 150; i++) sent.push(i % 3 === 2 ? binaryMessage(i, 40 + i) : `message ${i} ${'x'.repeat(i)}`);
    for (const m of sent) pubChannel.send(m);
    await waitUntil(() => atSub1.length >= sent.length && atSub2.length >= sent.length, 20_000);
    await sleep(200);
    for (const got of [atSub1, atSub2]) {
      expect(got).toHaveLength(sent.length);
      got.forEach((m, i) => {
        const want = sent[i]!;
        if (typeof want === 'string') expect(m).toBe(want);
        else expect(Buffer.isBuffer(m) && Buffer.compare(m, want) === 0).toBe(true);
      });
    }
    expect(atPublisher).toEqual([]);
  });

  test('several streams at once (werift #706): 3 channels × 100 messages all arrive, each in order', async () => {
    const names = ['alpha', 'beta', 'gamma'];
    const created = await dc.create(pub.sessionId, names.map((dataChannelName) => ({ location: 'local' as const, dataChannelName })));
    expect(created.body.dataChannels!.map((c) => c.id)).toEqual([2, 3, 4]);
    const pubChannels = created.body.dataChannels!.map((c) => openNegotiated(pub.pc, c.dataChannelName!, c.id!));
    pubStreams = pubChannels;

    const subRes = await dc.create(
      sub1.sessionId,
      names.map((dataChannelName) => ({ location: 'remote' as const, sessionId: pub.sessionId, dataChannelName })),
    );
    expect(subRes.body.dataChannels!.map((c) => [c.dataChannelName, c.id])).toEqual([
      ['alpha', 2],
      ['beta', 3],
      ['gamma', 4],
    ]);
    sub1Streams = subRes.body.dataChannels!.map((c) => openNegotiated(sub1.pc, c.dataChannelName!, c.id!));
    const received = sub1Streams.map((c) => record(c));

    const perChannel = 100;
    for (let i = 0; i < perChannel; i++) {
      // Every 10th message is larger than one SCTP packet, so it travels in fragments.
      pubChannels.forEach((ch, k) => ch.send(`${names[k]}-${i}-${'y'.repeat(i % 10 === 9 ? 3000 : 10)}`));
    }
    await waitUntil(() => received.every((r) => r.length >= perChannel), 30_000);
    received.forEach((r, k) => {
      expect(r.map((m) => String(m).split('-').slice(0, 2).join('-'))).toEqual(
        Array.from({ length: perChannel }, (_, i) => `${names[k]}-${i}`),
      );
    });
    // The other subscribers of "chat" got none of it.
    expect(atSub2.length).toBe(150);
  });

  test('canReply: the holder reaches the publisher; other subscribers are dropped; update hands it over', async () => {
    const grant = await dc.update(sub1.sessionId, [{ location: 'remote', sessionId: pub.sessionId, dataChannelName: 'chat', canReply: true }]);
    expect(grant.body).toEqual({ dataChannels: [{ location: 'remote', sessionId: pub.sessionId, dataChannelName: 'chat', id: sub1Id, canReply: true }] });

    for (let i = 0; i < 10; i++) sub2Channel.send(`from sub2 ${i}`);
    sub1Channel.send('from sub1');
    sub1Channel.send(binaryMessage(7));
    await waitUntil(() => atPublisher.length >= 2, 10_000);
    await sleep(500);
    expect(atPublisher).toEqual(['from sub1', binaryMessage(7)]);
    // Replies go to the publisher only.
    expect(atSub2.length).toBe(150);

    // Granting it to sub2 takes it from sub1 (the schema: "replaces the previous selection").
    const handOver = await dc.update(sub2.sessionId, [{ location: 'remote', sessionId: pub.sessionId, dataChannelName: 'chat', canReply: true }]);
    expect(onlyItem(handOver)).toEqual({ location: 'remote', sessionId: pub.sessionId, dataChannelName: 'chat', id: sub2Id, canReply: true });
    const sub1Now = await dc.update(sub1.sessionId, [{ location: 'remote', sessionId: pub.sessionId, dataChannelName: 'chat' }]);
    expect(onlyItem(sub1Now).canReply).toBe(false);
    sub1Channel.send('sub1 again');
    sub2Channel.send('sub2 now');
    await waitUntil(() => atPublisher.length >= 3, 10_000);
    await sleep(500);
    expect(atPublisher.slice(2)).toEqual(['sub2 now']);

    // Revoke: nobody replies.
    const revoke = await dc.update(sub2.sessionId, [{ location: 'remote', sessionId: pub.sessionId, dataChannelName: 'chat', canReply: false }]);
    expect(onlyItem(revoke).canReply).toBe(false);
    sub2Channel.send('sub2 revoked');
    sub1Channel.send('sub1 revoked');
    await sleep(700);
    expect(atPublisher).toHaveLength(3);
  });

  test('waitForAck: nothing before the first message, which is consumed; canReply works after it', async () => {
    const s3 = await session();
    const { channel } = await subscribe(s3, { waitForAck: true, canReply: true });
    const atSub3 = record(channel);
    const before = atSub1.length;
    for (let i = 0; i < 20; i++) pubChannel.send(`early ${i}`);
    // sub1 has them all, so the SFU fanned them out: sub3 must have none.
    await waitUntil(() => atSub1.length >= before + 20, 10_000);
    await sleep(300);
    expect(atSub3).toEqual([]);

    channel.send('ack');
    channel.send('reply after ack'); // same ordered stream: if "ack" were forwarded it would come first
    await waitUntil(() => atPublisher.includes('reply after ack'), 10_000);
    expect(atPublisher).not.toContain('ack');

    // Delivery starts once the SFU has the ack: keep sending until sub3 sees one.
    for (let i = 0; i < 100 && atSub3.length === 0; i++) {
      pubChannel.send(`late ${i}`);
      await sleep(50);
    }
    expect(atSub3.length).toBeGreaterThan(0);
    expect(atSub3.every((m) => String(m).startsWith('late '))).toBe(true);
  });

  test(`waitForAck: no first message within waitForAckMs (${WAIT_FOR_ACK_MS} ms here) tears the subscription down`, async () => {
    const s4 = await session();
    const { id, channel } = await subscribe(s4, { waitForAck: true });
    const closed = new Promise<void>((resolve) => channel.stateChange.subscribe((s) => s === 'closed' && resolve()));
    await waitUntil(async () => (await dc.listed(s4.sessionId)).find((c) => c.id === id)?.status === 'inactive', 15_000);
    await closed; // the SFU reset the stream
    const again = await dc.close(s4.sessionId, [id]);
    expect(onlyItem(again).errorCode).toBe('close_track_error');
  });

  test('close: a subscriber stops receiving; closing again is close_track_error; GET shows it inactive', async () => {
    const res = await dc.close(sub1.sessionId, [sub1Id]);
    expect(res.body).toEqual({ dataChannels: [{ location: 'remote', sessionId: pub.sessionId, dataChannelName: 'chat', id: sub1Id }] });
    expect((await dc.listed(sub1.sessionId)).find((c) => c.id === sub1Id)).toEqual({
      location: 'remote',
      sessionId: pub.sessionId,
      dataChannelName: 'chat',
      id: sub1Id,
      status: 'inactive',
    });
    const n1 = atSub1.length;
    const n2 = atSub2.length;
    pubChannel.send('after close');
    await waitUntil(() => atSub2.length > n2, 10_000);
    await sleep(300);
    expect(atSub1.length).toBe(n1);
    expect(atSub2.at(-1)).toBe('after close');

    const again = await dc.close(sub1.sessionId, [sub1Id, 999]);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      dataChannels: [
        { id: sub1Id, errorCode: 'close_track_error', errorDescription: "DataChannel doesn't exist or was already closed" },
        { id: 999, errorCode: 'close_track_error', errorDescription: "DataChannel doesn't exist or was already closed" },
      ],
    });
  });

  test("close: the publisher's channel ends every subscription to it", async () => {
    const sub2Closed = new Promise<void>((resolve) => sub2Channel.stateChange.subscribe((s) => s === 'closed' && resolve()));
    const res = await dc.close(pub.sessionId, [pubId]);
    expect(onlyItem(res)).toEqual({ location: 'local', dataChannelName: 'chat', id: pubId });
    expect((await dc.listed(sub2.sessionId)).find((c) => c.id === sub2Id)?.status).toBe('inactive');
    await sub2Closed;
    const listed = await dc.listed(pub.sessionId);
    expect(listed.map((c) => [c.dataChannelName, c.id, c.status])).toEqual([
      ['server-events', 0, 'active'],
      ['chat', 1, 'inactive'],
      ['alpha', 2, 'active'],
      ['beta', 3, 'active'],
      ['gamma', 4, 'active'],
    ]);
    // A new subscription to the closed channel finds nothing.
    const late = await dc.create(sub1.sessionId, [{ location: 'remote', sessionId: pub.sessionId, dataChannelName: 'chat' }]);
    expect(onlyItem(late).errorCode).toBe('not_found_track_error');
  });

  test('a client closing its end: a subscriber\'s record goes inactive; a publisher\'s takes its subscriptions along', async () => {
    const statusOf = async (sessionId: string, name: string): Promise<string | undefined> =>
      (await dc.listed(sessionId)).find((c) => c.dataChannelName === name)?.status;
    // sub1 closes its end of "beta" (an SCTP stream reset): only that subscription ends.
    sub1Streams[1]!.close();
    await waitUntil(async () => (await statusOf(sub1.sessionId, 'beta')) === 'inactive', 10_000);
    expect(await statusOf(pub.sessionId, 'beta')).toBe('active');
    // The publisher closes "alpha": the publication ends, and with it sub1's subscription.
    const sub1AlphaClosed = new Promise<void>((resolve) => sub1Streams[0]!.stateChange.subscribe((st) => st === 'closed' && resolve()));
    pubStreams[0]!.close();
    await waitUntil(async () => (await statusOf(pub.sessionId, 'alpha')) === 'inactive', 10_000);
    expect(await statusOf(sub1.sessionId, 'alpha')).toBe('inactive');
    await sub1AlphaClosed;
    expect(await statusOf(sub1.sessionId, 'gamma')).toBe('active');
  });
  test('a publisher that sends a burst and then closes its channel: every subscriber still gets all of it', async () => {
    const created = await dc.create(pub.sessionId, [{ location: 'local', dataChannelName: 'last-words' }]);
    const item = onlyItem(created);
    const pubEnd = openNegotiated(pub.pc, 'last-words', item.id!);
    const subscribers = await Promise.all([sub1, sub2].map((s) => subscribe(s, { name: 'last-words' })));
    const received = subscribers.map((s) => record(s.channel));
    const closed = subscribers.map((s) => new Promise<void>((resolve) => s.channel.stateChange.subscribe((st) => st === 'closed' && resolve())));

    const count = 300;
    for (let i = 0; i < count; i++) pubEnd.send(`${i} ${'z'.repeat(1000)}`);
    // A well-behaved client: close once its own SCTP has taken every message.
    await waitUntil(() => pubEnd.bufferedAmount === 0, 10_000);
    pubEnd.close();
    await Promise.all(closed);
    for (const got of received) {
      expect(got.length).toBe(count);
      expect(got.map((m) => Number(String(m).split(' ')[0]))).toEqual(Array.from({ length: count }, (_, i) => i));
    }
  });
});
