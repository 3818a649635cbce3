import { afterEach, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { connectPublisher, waitUntil } from './helpers/flows.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { loopbackPeer, syntheticPublisher, type SyntheticSender } from './helpers/werift-peers.js';

const invalid = (detail: string) => ({ errorCode: 'invalid_session_description', errorDescription: detail });

/**
 * What werift lets through and a browser's setRemoteDescription would refuse: answers that do not
 * mirror the SFU offer, duplicate mids, malformed fingerprints, a certificate swapped on a live
 * transport. Each is a 400 that changes nothing; the real description still works afterwards.
 */
describe('description checks', () => {
  let server: TestServer | undefined;
  const pcs: RTCPeerConnection[] = [];
  const publishers: SyntheticSender[] = [];
  afterEach(async () => {
    for (const p of publishers.splice(0)) p.stop();
    await Promise.all(pcs.splice(0).map((pc) => pc.close()));
    await server?.close();
    server = undefined;
  });

  function peer(): RTCPeerConnection {
    const pc = loopbackPeer();
    pcs.push(pc);
    return pc;
  }

  async function publishing(s: TestServer): Promise<string> {
    const pc = peer();
    const pub = syntheticPublisher(pc);
    publishers.push(pub);
    const sessionId = await connectPublisher(s.api, pc, pub);
    pub.start(20, 1000);
    return sessionId;
  }

  test('an answer that does not mirror the pending SFU offer → 400, the offer stays pending and the real answer works', async () => {
    server = await startTestServer();
    const pubSession = await publishing(server);
    const sub = await server.api.newSession();
    const pull = await server.api.tracksNew(sub, {
      tracks: ['cam', 'mic'].map((trackName) => ({ location: 'remote', sessionId: pubSession, trackName })),
    });
    expect(pull.status).toBe(200);
    const pc = peer();
    let packets = 0;
    pc.onTrack.subscribe((t) => t.onReceiveRtp.subscribe(() => packets++));
    await pc.setRemoteDescription(pull.body.sessionDescription!);
    await pc.setLocalDescription(await pc.createAnswer());
    const answer = pc.localDescription!.sdp;
    const [head, first, second] = answer.split(/(?=^m=)/m) as [string, string, string];
    const firstMid = /^a=mid:(\S+)/m.exec(first)![1]!;
    const secondKind = second.slice(2, 7);
    const doubleSpaced = answer.replace(/a=fingerprint:sha-256 /g, 'a=fingerprint:sha-256  ');
    const fingerprintLine = (sdp: string): string => /^a=fingerprint:[^\r\n]*/m.exec(sdp)![0];

    const bad: [string, string][] = [
      [head + first, 'the answer has 1 media sections but the pending SFU offer has 2 (answer the latest offer, section for section)'],
      [answer.replace(`a=mid:${firstMid}\r\n`, 'a=mid:renamed\r\n'), `media section 1 of the answer has a=mid:renamed but the offer's has a=mid:${firstMid}`],
      [head + second + first, `media section 1 of the answer is m=${secondKind} but the offer's is m=${first.slice(2, 7)}`],
      [answer.replace(/a=setup:\w+/g, 'a=setup:actpass'), 'an answer must say a=setup:active or a=setup:passive, not "actpass" (is this an offer?)'],
      [answer.replace(/a=setup:\w+/g, 'a=setup:ACTPASS'), 'an answer must say a=setup:active or a=setup:passive, not "ACTPASS" (is this an offer?)'],
      [answer.replace(/a=setup:\w+/g, 'a=setup:holdconn'), 'an answer must say a=setup:active or a=setup:passive, not "holdconn"'],
      [answer.replace(/a=setup:\w+\r\n/g, ''), 'the answer has no a=setup attribute (RFC 5763 §5: active or passive)'],
      [answer.replace(`a=mid:${firstMid}\r\n`, `a=mid: ${firstMid}\r\n`), `media section 1 of the answer has a=mid: ${firstMid} but the offer's has a=mid:${firstMid}`],
      [doubleSpaced, `the a=fingerprint line must be "a=fingerprint:<hash-function> <digest>", got ${JSON.stringify(fingerprintLine(doubleSpaced).slice(0, 60))}`],
    ];
    for (const [sdp, detail] of bad) {
      const res = await server.api.renegotiate(sub, sdp);
      expect(res.status, detail).toBe(400);
      expect(res.body).toEqual(invalid(`Could not apply the answer: ${detail}`));
    }
    const good = await server.api.renegotiate(sub, answer);
    expect(good.status).toBe(200);
    expect(good.body).toEqual({});
    await pc.connectionStateChange.watch((s) => s === 'connected', 10_000);
    await waitUntil(() => packets > 10, 10_000);
  });

  test('a client offer with two sections of one mid, or a fingerprint that is no digest → 400 before werift sees it', async () => {
    server = await startTestServer();
    const pc = peer();
    publishers.push(syntheticPublisher(pc));
    await pc.setLocalDescription(await pc.createOffer());
    const offer = pc.localDescription!.sdp;
    const session = await server.api.newSession();
    const push = (sdp: string) =>
      server!.api.tracksNew(session, { sessionDescription: { type: 'offer', sdp }, tracks: [{ location: 'local', mid: '0', trackName: 'cam' }] });

    const duplicate = await push(offer.replace('a=mid:1\r\n', 'a=mid:0\r\n'));
    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toEqual(invalid('Could not apply the offer: media sections 1 and 2 both have a=mid:0'));
    const md5 = await push(offer.replace(/a=fingerprint:\S+ \S+/g, 'a=fingerprint:md5 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF'));
    expect(md5.status).toBe(400);
    expect(md5.body).toEqual(
      invalid('Could not apply the offer: the a=fingerprint hash function "md5" is not one of sha-1, sha-224, sha-256, sha-384, sha-512'),
    );
    const short = await push(offer.replace(/(a=fingerprint:sha-256 )\S+/g, '$1AB:CD'));
    expect(short.body).toEqual(invalid('Could not apply the offer: the a=fingerprint digest is not 32 colon-separated hex bytes, as sha-256 needs'));
    const real = await push(offer);
    expect(real.status).toBe(200);
    expect(real.body.tracks?.map((t) => t.trackName)).toEqual(['cam']);
  });

  test('a new offer whose certificate fingerprint changed on a connected transport → 400, media keeps flowing', async () => {
    server = await startTestServer();
    const pubSession = await publishing(server);
    const sfu = server.sfu.service.engine;
    await waitUntil(() => (sfu.counters()?.native.rtpIn ?? 0) > 5, 10_000); // DTLS done, SRTP flowing
    const before = sfu.counters()?.native.rtpIn ?? 0;
    const pc = pcs[0]!;
    await pc.setLocalDescription(await pc.createOffer());
    const swapped = pc.localDescription!.sdp.replace(/(a=fingerprint:sha-256 )\S+/g, `$1${Array(32).fill('AB').join(':')}`);
    const reoffer = (sdp: string) => server!.api.call('PUT', `/sessions/${pubSession}/renegotiate`, { sessionDescription: { type: 'offer', sdp } });
    const res = await reoffer(swapped);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      invalid(
        "Could not apply the offer: its a=fingerprint differs from the one this session's DTLS transport was established with (a new certificate needs a new session)",
      ),
    );
    // The same with a trailing token, which a looser reader would skip: refused as malformed.
    const padded = await reoffer(swapped.replace(/(a=fingerprint:sha-256 \S+)/g, '$1 extra'));
    expect(padded.status).toBe(400);
    expect((padded.body as { errorDescription: string }).errorDescription).toMatch(/^Could not apply the offer: the a=fingerprint line must be /);
    await waitUntil(() => (sfu.counters()?.native.rtpIn ?? 0) > before + 20, 10_000);
    const state = await server.api.getSession(pubSession);
    expect(state.body.tracks?.map((t) => t.status)).toEqual(['active', 'active']);
  });
});
