import { createSocket, type Socket } from 'node:dgram';
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import type { EngineCounterName } from '@opencalls/media';
import { connectPublisher, connectSubscriber, sleep, waitUntil, type Subscriber } from './helpers/flows.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';

/**
 * Engine native, hostile input: while a publisher streams to a subscriber, a stranger on the
 * same host sprays the one media port with truncated, oversized and garbage datagrams of every
 * class (STUN, DTLS, RTP, RTCP, unassigned), including forged SRTP from an address it made the
 * engine learn with a STUN check naming the SFU's real ufrag. Every such datagram is dropped and
 * counted (never handed to werift as media), and the legitimate stream keeps flowing.
 */
describe('engine native: junk sprayed at the media port', () => {
  let server: TestServer;
  let pubPc: RTCPeerConnection;
  let subPc: RTCPeerConnection;
  let publisher: SyntheticSender;
  let subscriber: Subscriber;
  let junk: Socket;

  beforeAll(async () => {
    server = await startTestServer({ media: { engine: 'native' } });
    pubPc = loopbackPeer();
    subPc = loopbackPeer();
    junk = createSocket('udp4');
    await new Promise<void>((resolve) => junk.bind(0, '127.0.0.1', resolve));
    publisher = syntheticPublisher(pubPc);
    const pubSession = await connectPublisher(server.api, pubPc, publisher);
    publisher.start(20, 5000, 25);
    subscriber = await connectSubscriber(server.api, subPc, pubSession, ['cam', 'mic']);
    await waitUntil(() => subscriber.received.video > 10, 15_000);
  });

  afterAll(async () => {
    publisher?.stop();
    junk?.close();
    await pubPc?.close();
    await subPc?.close();
    await server?.close();
  });

  test('truncated, oversized and garbage datagrams are dropped and counted; media keeps flowing', async () => {
    const engine = server.sfu.service.engine;
    const port = engine.mediaPort!;
    const before = engine.counters()!;
    const sfuUfrag = /a=ice-ufrag:(\S+)/.exec(pubPc.remoteDescription!.sdp)![1]!;
    const sfuPwd = /a=ice-pwd:(\S+)/.exec(pubPc.remoteDescription!.sdp)![1]!;
    /** A Binding request with USERNAME and, given a password, MESSAGE-INTEGRITY (RFC 5389 §15.4). */
    const stunCheck = (username: string, pwd?: string): Buffer => {
      const user = Buffer.from(username);
      const padded = Math.ceil(user.length / 4) * 4;
      const m = Buffer.alloc(20 + 4 + padded);
      m.writeUInt16BE(0x0001, 0); // Binding request
      m.writeUInt16BE(4 + padded, 2);
      m.writeUInt32BE(0x2112a442, 4);
      randomBytes(12).copy(m, 8);
      m.writeUInt16BE(0x0006, 20);
      m.writeUInt16BE(user.length, 22);
      user.copy(m, 24);
      if (pwd === undefined) return m;
      m.writeUInt16BE(4 + padded + 24, 2);
      const tag = createHmac('sha1', pwd).update(m).digest();
      return Buffer.concat([m, Buffer.from([0x00, 0x08, 0x00, 0x14]), tag]);
    };
    const rtpLike = (len: number): Buffer => {
      const b = randomBytes(len);
      b[0] = 0x80;
      b[1] = 96;
      return b;
    };
    const rtcpLike = (len: number): Buffer => {
      const b = randomBytes(len);
      b[0] = 0x81;
      b[1] = 201;
      return b;
    };
    const kinds: Buffer[] = [
      Buffer.alloc(0), // empty
      Buffer.from([0x80]), // one byte
      rtpLike(8), // truncated RTP header
      rtpLike(300), // forged SRTP
      rtcpLike(6), // truncated RTCP
      rtcpLike(64), // forged SRTCP
      Buffer.from([0x16, 0xfe, 0xfd]), // truncated DTLS
      Buffer.from([0x00, 0x01, 0x00]), // truncated STUN
      Buffer.alloc(3000, 0x80), // oversized
      randomBytes(200).fill(0xff, 0, 1), // unassigned first byte
    ];
    const send = (b: Buffer): Promise<void> =>
      new Promise((resolve) => junk.send(b, port, '127.0.0.1', () => resolve()));
    const videoBefore = subscriber.received.video;
    let sent = 0;
    // Phase 1: a stranger nobody knows.
    for (let round = 0; round < 20; round++) {
      for (const k of kinds) {
        await send(k);
        sent++;
      }
      await sleep(10);
    }
    // Phase 2: checks naming the SFU's ufrag without its password's MESSAGE-INTEGRITY (or with a
    // guessed one) are dropped natively and teach the engine nothing.
    await send(stunCheck(`${sfuUfrag}:intruder`));
    await send(stunCheck(`${sfuUfrag}:intruder`, 'guessed-password-123456'));
    await send(stunCheck(`${sfuUfrag}`, 'guessed-password-123456'));
    // Phase 3: one who read the SFU's SDP can sign a check, so the engine learns its address for
    // that endpoint; its forged SRTP/SRTCP then fails authentication.
    await send(stunCheck(`${sfuUfrag}:intruder`, sfuPwd));
    for (let round = 0; round < 20; round++) {
      await send(rtpLike(300));
      await send(rtcpLike(64));
    }
    await sleep(300);

    await waitUntil(() => subscriber.received.video > videoBefore + 20, 10_000);
    const after = engine.counters()!;
    const d = (name: EngineCounterName): number => after.native[name] - before.native[name];
    console.log(`after ${sent + 44} junk datagrams: ${JSON.stringify(after.native)}`);
    expect(d('dropOversized')).toBe(20);
    // Per round: forged SRTP and SRTCP, truncated RTP, RTCP and DTLS from an unknown address.
    expect(d('dropUnknownEndpoint')).toBe(20 * 5);
    // Per round: empty, one byte, truncated STUN, an unassigned first byte.
    expect(d('dropMalformed')).toBe(20 * 4);
    // From the learned address: forged SRTP and SRTCP fail authentication.
    expect(d('dropAuth')).toBe(40);
    expect(d('dropStunAuth')).toBe(3);
    expect(d('stunToJs')).toBeGreaterThanOrEqual(1); // the signed check went to werift
    expect(after.native.mediaToJs).toBe(0);
    expect(after.deliveredToWerift.media).toBe(0);
    expect(after.native.panics).toBe(0);
    // The legitimate stream went on and still does.
    const mid = subscriber.received.video;
    await waitUntil(() => subscriber.received.video > mid + 10 && subscriber.received.audio > 10, 10_000);
    expect(pubPc.connectionState).toBe('connected');
    expect(subPc.connectionState).toBe('connected');
  });
});
