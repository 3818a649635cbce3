import { afterEach, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { createSfu } from '../src/index.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { loopbackPeer, syntheticPublisher } from './helpers/werift-peers.js';

/** Guards found by trying to break the server: glare, incomplete SDP, no media port, demo secret. */
describe('negotiation guards', () => {
  let server: TestServer | undefined;
  const pcs: RTCPeerConnection[] = [];
  afterEach(async () => {
    for (const p of publishers.splice(0)) p.stop();
    await Promise.all(pcs.splice(0).map((pc) => pc.close()));
    await server?.close();
    server = undefined;
  });

  const publishers: ReturnType<typeof syntheticPublisher>[] = [];
  async function offerFrom(pc: RTCPeerConnection): Promise<string> {
    publishers.push(syntheticPublisher(pc));
    await pc.setLocalDescription(await pc.createOffer());
    return pc.localDescription!.sdp;
  }

  test('a client offer while an SFU offer waits for its answer → 406 negotiation_conflict, the pull stays intact', async () => {
    server = await startTestServer();
    const pubPc = loopbackPeer();
    pcs.push(pubPc);
    const pubSession = await server.api.newSession();
    const pushed = await server.api.tracksNew(pubSession, {
      sessionDescription: { type: 'offer', sdp: await offerFrom(pubPc) },
      tracks: [{ location: 'local', mid: '0', trackName: 'cam' }],
    });
    expect(pushed.status).toBe(200);
    await pubPc.setRemoteDescription(pushed.body.sessionDescription!);
    await pubPc.connectionStateChange.watch((s) => s === 'connected', 10_000);
    publishers[0]!.start(20, 500);

    const sub = await server.api.newSession();
    const pull = await server.api.tracksNew(sub, { tracks: [{ location: 'remote', sessionId: pubSession, trackName: 'cam' }] });
    expect(pull.body.requiresImmediateRenegotiation).toBe(true);
    const other = loopbackPeer();
    pcs.push(other);
    const clash = await server.api.tracksNew(sub, {
      sessionDescription: { type: 'offer', sdp: await offerFrom(other) },
      tracks: [{ location: 'local', mid: '0', trackName: 'mine' }],
    });
    expect(clash.status).toBe(406);
    expect(clash.body).toEqual({
      errorCode: 'negotiation_conflict',
      errorDescription: 'An SFU offer is still waiting for its answer: send the answer with PUT renegotiate before a new offer',
    });
    const state = await server.api.getSession(sub);
    expect(state.body.tracks?.map((t) => [t.location, t.trackName, t.status])).toEqual([['remote', 'cam', 'active']]);
  });

  test('an offer without a DTLS fingerprint → 400 invalid_session_description naming the attribute', async () => {
    server = await startTestServer();
    const pc = loopbackPeer();
    pcs.push(pc);
    const sdp = (await offerFrom(pc)).split('\r\n').filter((l) => !l.startsWith('a=fingerprint:')).join('\r\n');
    const sid = await server.api.newSession();
    const res = await server.api.tracksNew(sid, {
      sessionDescription: { type: 'offer', sdp },
      tracks: [{ location: 'local', mid: '0', trackName: 'cam' }],
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errorCode: 'invalid_session_description',
      errorDescription: 'Could not apply the offer: the SDP has no fingerprint attribute',
    });
  });

  test('werift engine with its media port range used up → 503 transport_unavailable_error, not a candidate-less answer', async () => {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    server = await startTestServer({ media: { engine: 'werift', portRange: [base, base + 1] } as never });
    const statuses: number[] = [];
    let last: Record<string, unknown> = {};
    for (let i = 0; i < 4; i++) {
      const pc = loopbackPeer();
      pcs.push(pc);
      const sid = await server.api.newSession();
      const res = await server.api.tracksNew(sid, {
        sessionDescription: { type: 'offer', sdp: await offerFrom(pc) },
        tracks: [{ location: 'local', mid: '0', trackName: 'cam' }],
      });
      statuses.push(res.status);
      last = res.body as Record<string, unknown>;
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses.slice(2)).toEqual([503, 503]);
    expect(last).toEqual({
      errorCode: 'transport_unavailable_error',
      errorDescription: 'No media port is available on the SFU for this session; try again later',
    });
  });

  test('the demo page (and the secret it hands out) is served on a loopback host only, unless asked for', async () => {
    const local = createSfu({ host: '127.0.0.1', port: 0, logLevel: 'silent' });
    const open = createSfu({ host: '0.0.0.0', port: 0, logLevel: 'silent' });
    const forced = createSfu({ host: '0.0.0.0', port: 0, logLevel: 'silent', demo: true });
    try {
      expect((await local.fetch(new Request('http://127.0.0.1:8787/demo/config'))).status).toBe(200);
      const hidden = await open.fetch(new Request('http://h/demo/config'));
      expect(hidden.status).toBe(404);
      expect(await hidden.json()).toEqual({ errorCode: 'not_found', errorDescription: 'No route for GET /demo/config' });
      expect((await forced.fetch(new Request('http://h/demo/config'))).status).toBe(200);
    } finally {
      await Promise.all([local.close(), open.close(), forced.close()]);
    }
  });

  test('the demo config goes to the demo page only: no CORS, no other origin or site, no foreign Host (DNS rebinding)', async () => {
    const local = createSfu({ host: '127.0.0.1', port: 0, logLevel: 'silent' });
    const forced = createSfu({ host: '0.0.0.0', port: 0, logLevel: 'silent', demo: true });
    const config = (sfu: typeof local, url: string, headers: Record<string, string> = {}) => sfu.fetch(new Request(url, { headers }));
    try {
      for (const url of ['http://localhost:8787/demo/config', 'http://[::1]:8787/demo/config', 'http://127.0.0.2/demo/config']) {
        expect((await config(local, url)).status, url).toBe(200);
      }
      const samePage = await config(local, 'http://127.0.0.1:8787/demo/config', { origin: 'http://127.0.0.1:8787', 'sec-fetch-site': 'same-origin' });
      expect(samePage.status).toBe(200);
      expect(samePage.headers.get('access-control-allow-origin')).toBeNull();

      const evil = await config(local, 'http://127.0.0.1:8787/demo/config', { origin: 'https://evil.example' });
      expect(evil.status).toBe(403);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      expect(await evil.json()).toEqual({
        errorCode: 'unauthorized',
        errorDescription: 'The demo config is served to the demo page of this server only (cross-origin request refused)',
      });
      const crossSite = await config(local, 'http://127.0.0.1:8787/demo/config', { 'sec-fetch-site': 'cross-site' });
      expect(crossSite.status).toBe(403);
      const rebound = await config(local, 'http://evil.example:8787/demo/config', { origin: 'http://evil.example:8787' });
      expect(rebound.status).toBe(403);
      expect(await rebound.json()).toEqual({
        errorCode: 'unauthorized',
        errorDescription: 'The demo config is served on a loopback host only (this request named "evil.example:8787")',
      });
      // Turned on for a network-facing server: any Host, still same-origin only.
      expect((await config(forced, 'http://sfu.example/demo/config')).status).toBe(200);
      expect((await config(forced, 'http://sfu.example/demo/config', { origin: 'https://evil.example' })).status).toBe(403);
      // The Calls API keeps its CORS for browser clients of any origin.
      const api = await local.fetch(new Request('http://127.0.0.1/v1/apps/x/sessions/new', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } }));
      expect(api.headers.get('access-control-allow-origin')).toBe('https://app.example');
    } finally {
      await Promise.all([local.close(), forced.close()]);
    }
  });
});
