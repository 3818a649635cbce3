import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { loopbackPeer } from './helpers/werift-peers.js';

/**
 * SDPs within the 1 MiB body limit that werift parses in superlinear time (thousands of
 * candidates, ssrc or rid lines, hundreds of media sections) or trips over (an a=fmtp for an
 * undeclared payload type): each gets a 400 with a description of the SDP, not of werift, and
 * the server keeps answering.
 */
describe('client SDP caps', () => {
  let server: TestServer;
  let pc: RTCPeerConnection;
  let offer: string;

  beforeAll(async () => {
    server = await startTestServer();
    pc = loopbackPeer();
    pc.addTransceiver('video', { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    offer = pc.localDescription!.sdp;
  });
  afterAll(async () => {
    await pc?.close();
    await server?.close();
  });

  const push = async (sdp: string) => {
    const sid = await server.api.newSession();
    return server.api.tracksNew(sid, { sessionDescription: { type: 'offer', sdp }, tracks: [{ location: 'local', mid: '0', trackName: 'cam' }] });
  };
  const withLines = (extra: (i: number) => string, n: number): string =>
    `${offer.trimEnd()}\r\n${Array.from({ length: n }, (_, i) => extra(i)).join('\r\n')}\r\n`;

  test('513 media sections → 400 invalid_session_description', async () => {
    const [head, section] = [offer.slice(0, offer.indexOf('m=')), offer.slice(offer.indexOf('m='))];
    const sections = Array.from({ length: 513 }, (_, i) => section.replace(/^a=mid:.*$/m, `a=mid:${i}`)).join('');
    const res = await push(head.replace(/^a=group:BUNDLE .*$/m, `a=group:BUNDLE ${Array.from({ length: 513 }, (_, i) => i).join(' ')}`) + sections);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errorCode: 'invalid_session_description',
      errorDescription: 'Could not apply the offer: the SDP has 513 media sections; at most 512 are accepted',
    });
  });

  test.each([
    ['a=candidate', (i: number) => `a=candidate:${i} 1 udp 2130706431 127.0.0.1 ${10_000 + i} typ host`, 15_000, 'a=candidate lines; at most 256'],
    ['a=ssrc', (i: number) => `a=ssrc:${i + 1000} cname:c${i}`, 30_000, 'a=ssrc lines; at most 1024'],
  ])('%s lines by the thousand → 400, and a concurrent sessions/new is answered', async (prefix, line, n, what) => {
    const sdp = withLines(line, n);
    const count = sdp.split('\r\n').filter((l) => l.startsWith(`${prefix}:`)).length;
    expect(count).toBeGreaterThanOrEqual(n);
    const [res, other] = await Promise.all([push(sdp), server.api.newSession()]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errorCode: 'invalid_session_description',
      errorDescription: `Could not apply the offer: the SDP has ${count} ${what} are accepted`,
    });
    expect(other).toMatch(/^[0-9a-f]{32}$/);
  });

  test('8 000 a=rid lines in one section → 400', async () => {
    const res = await push(withLines((i) => `a=rid:r${i} send`, 8_000));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errorCode: 'invalid_session_description',
      errorDescription: 'Could not apply the offer: media section 1 has more than 16 a=rid lines',
    });
  });

  test('an a=fmtp for a payload type the section does not declare → 400 describing the SDP, not werift', async () => {
    const res = await push(offer.replace(/^(m=video .*)$/m, '$1\r\na=fmtp:127 x-google-start-bitrate=1'));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errorCode: 'invalid_session_description',
      errorDescription:
        'Could not apply the offer: its contents are inconsistent (check the a=rtpmap, a=fmtp, a=rtcp-fb and a=extmap lines against their payload types and ids)',
    });
  });

  test('after all of it the same server still takes a normal push', async () => {
    const res = await push(offer);
    expect(res.status).toBe(200);
    expect(res.body.sessionDescription?.type).toBe('answer');
  });
});
