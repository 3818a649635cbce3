import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';
import { connectPublisher, connectSubscriber, sleep, waitUntil, type Subscriber } from './helpers/flows.js';
import { NetworkSwitch } from './helpers/network-switch.js';
import { restartIceFromClient } from './helpers/ice-restart.js';
import { expectGoneEverywhere, serverConnectionState, waitForGone, waitForServerState } from './helpers/session-lifecycle.js';
import type { TrackItem } from './helpers/calls-api.js';

/**
 * The reuse window (calls-api.md §5, design.md §6): a session whose PeerConnection lost
 * connectivity keeps its tracks for `reuseWindowMs`; resumed ICE, or an ICE restart offer on
 * `PUT renegotiate` (beyond Calls' beta), keeps every push and pull alive; otherwise the session
 * ends and every call naming it answers 410 `session_error`.
 *
 * A werift publisher streams to a werift subscriber through the SFU; "losing connectivity" is
 * `NetworkSwitch.cut()` on the publisher (every datagram dropped both ways). The server notices
 * after `disconnectedAfterMs` of silence (packages/media peer-connectivity.ts).
 */
const REUSE_WINDOW_MS = 3000;
const DISCONNECTED_AFTER_MS = 1000;

const statuses = (tracks: readonly TrackItem[] | undefined): string[] => (tracks ?? []).map((t) => `${t.trackName}:${t.status}`);

describe.each(['native', 'werift'] as const)(`reuse window (configured ${REUSE_WINDOW_MS} ms, silence → disconnected after ${DISCONNECTED_AFTER_MS} ms; engine %s)`, (engine) => {
  let server: TestServer;
  let pubPc: RTCPeerConnection;
  let subPc: RTCPeerConnection;
  let publisher: SyntheticSender;
  let pubSession: string;
  let sub: Subscriber;
  let network: NetworkSwitch;

  beforeEach(async () => {
    server = await startTestServer({
      media: { engine },
      limits: { reuseWindowMs: REUSE_WINDOW_MS, disconnectedAfterMs: DISCONNECTED_AFTER_MS, gcIntervalMs: 100 },
    });
    pubPc = loopbackPeer();
    subPc = loopbackPeer();
    publisher = syntheticPublisher(pubPc);
    pubSession = await connectPublisher(server.api, pubPc, publisher);
    publisher.start(20, 20_000, 25);
    sub = await connectSubscriber(server.api, subPc, pubSession, ['cam', 'mic']);
    await waitUntil(() => sub.received.video > 10 && sub.received.audio > 10, 10_000);
    network = new NetworkSwitch(pubPc);
  });
  afterEach(async () => {
    publisher?.stop();
    await pubPc?.close();
    await subPc?.close();
    await server?.close();
  });

  /** Cuts the publisher off and waits until the server calls its session disconnected. */
  async function loseConnectivity(): Promise<number> {
    network.cut();
    const cutAt = performance.now();
    const disconnectedAt = await waitForServerState(server, pubSession, 'disconnected', DISCONNECTED_AFTER_MS + 5_000);
    // Silence is counted from the last datagram, which came at most one send interval before the cut.
    expect(disconnectedAt - cutAt).toBeGreaterThanOrEqual(DISCONNECTED_AFTER_MS - 100);
    return disconnectedAt;
  }

  test('disconnected: tracks stay listed and active inside the window; after it the session is gone (410 everywhere)', async () => {
    const disconnectedAt = await loseConnectivity();
    const videoThen = sub.received.video;

    // Inside the window: both sessions answer, every track still active.
    const pub = await server.api.getSession(pubSession);
    expect(pub.status).toBe(200);
    expect(statuses(pub.body.tracks)).toEqual(['cam:active', 'mic:active']);
    expect(statuses((await server.api.getSession(sub.sessionId)).body.tracks)).toEqual(['cam:active', 'mic:active']);

    const goneAt = await waitForGone(server.api, pubSession, REUSE_WINDOW_MS + 5_000);
    expect(goneAt - disconnectedAt).toBeGreaterThanOrEqual(REUSE_WINDOW_MS - 100);
    await expectGoneEverywhere(server.api, pubSession, /expired/);

    // The subscriber lives on; what it pulled from the gone session is inactive and silent.
    const subState = await server.api.getSession(sub.sessionId);
    expect(subState.status).toBe(200);
    expect(statuses(subState.body.tracks)).toEqual(['cam:inactive', 'mic:inactive']);
    network.restore();
    await sleep(300);
    expect(sub.received.video - videoThen).toBeLessThanOrEqual(2);
  });

  test('ICE restart inside the window (client offer on PUT renegotiate): new credentials, media flows again, the session outlives the window', async () => {
    const disconnectedAt = await loseConnectivity();
    const firstAnswer = pubPc.remoteDescription!.sdp;
    const videoBefore = sub.received.video;
    await sleep(300);
    expect(sub.received.video - videoBefore).toBeLessThanOrEqual(2); // nothing gets through while cut

    // The client's network "changes" (comes back) and it restarts ICE, as a browser would.
    const restart = await restartIceFromClient(server.api, pubSession, pubPc, { beforeSend: () => network.restore() });
    expect(restart.status).toBe(200);
    expect(restart.response.body.sessionDescription?.type).toBe('answer');
    const previous = /^a=ice-ufrag:(\S+)/m.exec(firstAnswer)?.[1];
    const previousPwd = /^a=ice-pwd:(\S+)/m.exec(firstAnswer)?.[1];
    expect(restart.answerCredentials?.ufrag).not.toBe(previous);
    expect(restart.answerCredentials?.pwd).not.toBe(previousPwd);
    expect(restart.response.body.sessionDescription?.sdp).toMatch(/^a=candidate:.* 127\.0\.0\.1 \d+ typ host/m);

    await waitForServerState(server, pubSession, 'connected', 10_000);
    const videoAfterRestart = sub.received.video;
    const audioAfterRestart = sub.received.audio;
    await waitUntil(() => sub.received.video - videoAfterRestart > 25 && sub.received.audio - audioAfterRestart > 25, 10_000);
    expect(server.sfu.service.lookup('test-app', pubSession).peer.pc.iceTransports[0]!.iceRestarts).toBe(1);

    // Well past the end of the original window: nothing expired, every push and pull active.
    await sleep(Math.max(0, disconnectedAt + REUSE_WINDOW_MS + 1_000 - performance.now()));
    expect(statuses((await server.api.getSession(pubSession)).body.tracks)).toEqual(['cam:active', 'mic:active']);
    expect(statuses((await server.api.getSession(sub.sessionId)).body.tracks)).toEqual(['cam:active', 'mic:active']);
    expect(serverConnectionState(server, pubSession)).toBe('connected');
    const later = sub.received.video;
    await waitUntil(() => sub.received.video - later > 10, 5_000);
  });

  test('ICE restart of the subscriber, offer without candidates (as browsers send it): the SFU checks and nominates, media reaches it again', async () => {
    const subNetwork = new NetworkSwitch(subPc);
    subNetwork.cut();
    const disconnectedAt = await waitForServerState(server, sub.sessionId, 'disconnected', DISCONNECTED_AFTER_MS + 5_000);
    const firstOffer = server.sfu.service.lookup('test-app', sub.sessionId).peer.pc.localDescription!.sdp;

    const restart = await restartIceFromClient(server.api, sub.sessionId, subPc, {
      beforeSend: () => subNetwork.restore(),
      withoutCandidates: true,
    });
    expect(restart.status).toBe(200);
    expect(restart.response.body.sessionDescription?.sdp).not.toMatch(/^a=candidate:.* typ prflx/m);
    expect(restart.answerCredentials?.ufrag).not.toBe(/^a=ice-ufrag:(\S+)/m.exec(firstOffer)?.[1]);
    await waitForServerState(server, sub.sessionId, 'connected', 10_000);
    // SFU → subscriber needs a pair the SFU itself nominated on the restarted agent.
    const ice = server.sfu.service.lookup('test-app', sub.sessionId).peer.pc.iceTransports[0]!;
    expect(ice.iceRestarts).toBe(1);
    expect(ice.connection.nominated).toBeDefined();
    const videoBack = sub.received.video;
    const audioBack = sub.received.audio;
    await waitUntil(() => sub.received.video - videoBack > 25 && sub.received.audio - audioBack > 25, 10_000);

    await sleep(Math.max(0, disconnectedAt + REUSE_WINDOW_MS + 1_000 - performance.now()));
    expect(statuses((await server.api.getSession(sub.sessionId)).body.tracks)).toEqual(['cam:active', 'mic:active']);
  });

  test('resumed ICE inside the window (the network comes back, no restart): everything carries on', async () => {
    const disconnectedAt = await loseConnectivity();
    network.restore();
    await waitForServerState(server, pubSession, 'connected', 10_000);
    const videoBack = sub.received.video;
    await waitUntil(() => sub.received.video - videoBack > 25, 10_000);
    await sleep(Math.max(0, disconnectedAt + REUSE_WINDOW_MS + 1_000 - performance.now()));
    expect(statuses((await server.api.getSession(pubSession)).body.tracks)).toEqual(['cam:active', 'mic:active']);
    expect(server.sfu.service.lookup('test-app', pubSession).peer.pc.iceTransports[0]!.iceRestarts).toBe(0);
  });
});
