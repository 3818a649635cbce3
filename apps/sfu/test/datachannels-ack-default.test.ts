import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { sleep, waitUntil } from './helpers/flows.js';
import { connectDataSession, DataChannelsApi, onlyItem, openNegotiated } from './helpers/datachannels.js';

/**
 * `waitForAck` at the real default: "It must arrive within 30 seconds of creating the remote
 * DataChannel; otherwise the SFU tears down the gated channel" (official schema). Still there at
 * 25 s (a timer cannot fire early, however loaded the machine), gone by 40 s.
 */
describe('waitForAck at the default 30 s', () => {
  let server: TestServer;
  const peers: RTCPeerConnection[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await Promise.all(peers.map((pc) => pc.close()));
    await server?.close();
  });

  test('a subscriber that never acknowledges loses the channel after 30 s', { timeout: 60_000 }, async () => {
    expect(server.sfu.config.limits.waitForAckMs).toBe(30_000);
    const dc = new DataChannelsApi(server.api);
    const pub = await connectDataSession(dc);
    const sub = await connectDataSession(dc);
    peers.push(pub.pc, sub.pc);
    openNegotiated(pub.pc, 'ticks', onlyItem(await dc.create(pub.sessionId, [{ location: 'local', dataChannelName: 'ticks' }])).id!);
    const createdAt = performance.now(); // before the request: the SFU's deadline starts later
    const item = onlyItem(await dc.create(sub.sessionId, [{ location: 'remote', sessionId: pub.sessionId, dataChannelName: 'ticks', waitForAck: true }]));
    const channel = openNegotiated(sub.pc, 'ticks', item.id!);
    const status = async (): Promise<string | undefined> => (await dc.listed(sub.sessionId)).find((c) => c.id === item.id)?.status;

    await sleep(25_000 - (performance.now() - createdAt));
    expect(await status()).toBe('active');
    expect(channel.readyState).toBe('open');
    await waitUntil(async () => (await status()) === 'inactive', 15_000);
    expect(performance.now() - createdAt).toBeGreaterThanOrEqual(30_000);
  });
});
