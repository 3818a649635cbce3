import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { waitUntil } from './helpers/flows.js';
import {
  answerSfuOffer,
  audioSource,
  loopbackPeerWith,
  offeredDirection,
  receiveLog,
  type RtpSource,
  type ReceiveLog,
} from './helpers/sfu-offer-client.js';
import type { TracksResponse } from './helpers/calls-api.js';

/**
 * The openai-webrtc-relay / Orange AI sequence (calls-api.md §6.5) with two werift peers:
 * A is the user (client offer, a bidirectional audio push); B is the "third party" (an ICE-lite
 * werift peer on a `thirdparty=true` session answering the SFU's offer for a bidirectional push).
 * Then each pulls the other's track into its own transceiver with `mid: "#trackName"`, without any
 * renegotiation, and audio must flow both ways.
 */
describe('bidirectional audio relay (calls-api.md §6.5)', () => {
  let server: TestServer;
  let pcA: RTCPeerConnection;
  let pcB: RTCPeerConnection;
  let sourceA: RtpSource;
  let sourceB: RtpSource;
  let logA: ReceiveLog;
  let logB: ReceiveLog;
  let sessionA: string;
  let sessionB: string;
  let midA: string;
  let midB: string;

  beforeAll(async () => {
    server = await startTestServer();
    pcA = loopbackPeerWith();
    pcB = loopbackPeerWith({ iceLite: true });
    logA = receiveLog(pcA);
    logB = receiveLog(pcB);
    sourceA = audioSource(1_000_000);
    sourceB = audioSource(2_000_000);
  });

  afterAll(async () => {
    sourceA?.stop();
    sourceB?.stop();
    await pcA?.close();
    await pcB?.close();
    await server?.close();
  });

  test('A: push with a client offer and bidirectionalMediaStream → answer sends back on the same mid', async () => {
    sessionA = await server.api.newSession();
    const transceiver = pcA.addTransceiver(sourceA.track, { direction: 'sendrecv' });
    await pcA.setLocalDescription(await pcA.createOffer());
    midA = transceiver.mid!;
    const res = await server.api.tracksNew<TracksResponse>(sessionA, {
      sessionDescription: { type: 'offer', sdp: pcA.localDescription!.sdp },
      tracks: [{ location: 'local', trackName: 'user-mic', bidirectionalMediaStream: true, kind: 'audio', mid: midA }],
    });
    expect(res.status).toBe(200);
    expect(res.body.errorCode).toBeUndefined();
    expect(res.body.requiresImmediateRenegotiation).toBe(false);
    expect(res.body.tracks).toEqual([{ trackName: 'user-mic', mid: midA }]);
    const answer = res.body.sessionDescription!;
    expect(answer.type).toBe('answer');
    expect(offeredDirection(answer.sdp, midA)).toBe('sendrecv');
    await pcA.setRemoteDescription(answer);
    await pcA.connectionStateChange.watch((s) => s === 'connected', 10_000);
    sourceA.start(20, 3000);
  });

  test('B: thirdparty session, push without an offer → SFU offers sendrecv; an ICE-lite peer answers and connects', async () => {
    const created = await server.api.call<{ sessionId: string }>('POST', '/sessions/new?thirdparty=true');
    expect(created.status).toBe(201);
    sessionB = created.body.sessionId;
    expect(server.sfu.service.registry.get(sessionB)?.thirdparty).toBe(true);
    const res = await server.api.tracksNew<TracksResponse>(sessionB, {
      tracks: [{ location: 'local', trackName: 'ai-generated-voice', bidirectionalMediaStream: true, kind: 'audio' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.requiresImmediateRenegotiation).toBe(true);
    const offer = res.body.sessionDescription!;
    expect(offer.type).toBe('offer');
    // Two ICE-lite agents cannot connect: towards a third party the SFU is a full agent.
    expect(offer.sdp).not.toMatch(/a=ice-lite/);
    const item = res.body.tracks![0]!;
    expect(item).toMatchObject({ trackName: 'ai-generated-voice', kind: 'audio' });
    midB = item.mid!;
    expect(midB).toMatch(/^\d+$/);
    expect(offeredDirection(offer.sdp, midB)).toBe('sendrecv');

    const answer = await answerSfuOffer(pcB, offer.sdp, new Map([[midB, sourceB.track]]));
    expect(answer).toMatch(/a=ice-lite/);
    const reneg = await server.api.renegotiate(sessionB, answer);
    expect(reneg.status).toBe(200);
    expect(reneg.body).toEqual({});
    await pcB.connectionStateChange.watch((s) => s === 'connected', 10_000);
    sourceB.start(20, 3000);
    // The publication is live: GET lists it and it has a native handle (so the GC watches it).
    await waitUntil(() => server.sfu.service.findPublished('test-app', sessionB, 'ai-generated-voice') !== undefined, 5000);
    expect(server.sfu.service.registry.get(sessionB)?.getLocalTrack('ai-generated-voice')?.nativeHandle).toEqual(expect.any(Number));
    const state = await server.api.getSession(sessionB);
    expect(state.body.tracks).toEqual([{ location: 'local', mid: midB, trackName: 'ai-generated-voice', status: 'active' }]);
  });

  test('cross-pull with mid "#trackName": no renegotiation, the existing mid is reused', async () => {
    const toA = await server.api.tracksNew<TracksResponse>(sessionA, {
      tracks: [{ location: 'remote', sessionId: sessionB, trackName: 'ai-generated-voice', mid: '#user-mic' }],
    });
    expect(toA.status).toBe(200);
    expect(toA.body).toEqual({
      requiresImmediateRenegotiation: false,
      tracks: [{ location: 'remote', sessionId: sessionB, trackName: 'ai-generated-voice', mid: midA }],
    });
    const toB = await server.api.tracksNew<TracksResponse>(sessionB, {
      tracks: [{ location: 'remote', sessionId: sessionA, trackName: 'user-mic', mid: '#ai-generated-voice' }],
    });
    expect(toB.status).toBe(200);
    expect(toB.body).toEqual({
      requiresImmediateRenegotiation: false,
      tracks: [{ location: 'remote', sessionId: sessionA, trackName: 'user-mic', mid: midB }],
    });
  });

  test('audio flows both ways: A hears B, B hears A, payloads intact', async () => {
    await waitUntil(() => logA.markers(midA).length > 30 && logB.markers(midB).length > 30, 15_000);
    const fromB = logA.markers(midA);
    const fromA = logB.markers(midB);
    expect(fromB.every((m) => m >= 2_000_000 && m < 3_000_000)).toBe(true);
    expect(fromA.every((m) => m >= 1_000_000 && m < 2_000_000)).toBe(true);
    // In order, no duplicates.
    for (const list of [fromA, fromB]) for (let i = 1; i < list.length; i++) expect(list[i]!).toBeGreaterThan(list[i - 1]!);
    expect(logA.bytes(midA)).toBeGreaterThan(30 * 80);
    expect(logB.bytes(midB)).toBeGreaterThan(30 * 80);
  });

  test('GET session shows the local and the remote track on the one bidirectional mid', async () => {
    const a = await server.api.getSession(sessionA);
    expect(a.body.tracks).toEqual([
      { location: 'local', mid: midA, trackName: 'user-mic', status: 'active' },
      { location: 'remote', mid: midA, sessionId: sessionB, trackName: 'ai-generated-voice', status: 'active' },
    ]);
  });

  test('closing the bidirectional mid on B stops both directions', async () => {
    const res = await server.api.tracksClose(sessionB, { tracks: [{ mid: midB }], force: true });
    expect(res.body).toEqual({ requiresImmediateRenegotiation: false, tracks: [{ mid: midB }] });
    const state = await server.api.getSession(sessionB);
    expect(state.body.tracks?.map((t) => [t.location, t.status])).toEqual([
      ['local', 'inactive'],
      ['remote', 'inactive'],
    ]);
    const aBefore = logA.markers(midA).length;
    const bBefore = logB.markers(midB).length;
    await new Promise((r) => setTimeout(r, 500));
    expect(logA.markers(midA).length - aBefore).toBeLessThanOrEqual(2);
    expect(logB.markers(midB).length - bBefore).toBeLessThanOrEqual(2);
  });
});

