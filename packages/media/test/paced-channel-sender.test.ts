import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RTCPeerConnection, type RTCDataChannel } from 'werift';
import { PacedChannelSender } from '../src/paced-channel-sender.js';
import { repairSctp } from '../src/werift-sctp-repairs.js';

/** Two werift PeerConnections on 127.0.0.1 with one negotiated channel pair per test. */
function loopback(): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [],
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
  });
}

async function until(pred: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PacedChannelSender over a real SCTP association', () => {
  const a = loopback();
  const b = loopback();
  let nextId = 1;

  beforeAll(async () => {
    a.createDataChannel('setup', { negotiated: true, id: 0 });
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);
    await Promise.all([a, b].map((pc) => pc.connectionStateChange.watch((s) => s === 'connected', 10_000)));
    repairSctp(a.sctpTransport);
    repairSctp(b.sctpTransport);
  });

  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  function pair(): { from: RTCDataChannel; received: string[] } {
    const id = nextId++;
    const from = a.createDataChannel(`c${id}`, { negotiated: true, id });
    const to = b.createDataChannel(`c${id}`, { negotiated: true, id });
    const received: string[] = [];
    to.onMessage.subscribe((m) => received.push(String(m)));
    return { from, received };
  }

  test('a burst far above the low-water mark is queued here, then delivered whole and in order', async () => {
    const { from, received } = pair();
    const sender = new PacedChannelSender(from, { lowWaterBytes: 8 * 1024 });
    const sent = Array.from({ length: 300 }, (_, i) => `${i}:${'z'.repeat(1000)}`);
    for (const m of sent) expect(sender.send(m)).toBe(true);
    expect(sender.queuedBytes).toBeGreaterThan(200 * 1000); // werift got ~8 KiB, the rest waits here
    expect(from.bufferedAmount).toBeLessThanOrEqual(8 * 1024 + 1100);
    await until(() => received.length >= sent.length, 20_000);
    expect(received).toEqual(sent);
    expect([sender.sent, sender.dropped, sender.queuedBytes]).toEqual([300, 0, 0]);
    sender.close();
  });

  test('beyond maxQueuedBytes messages are dropped, never reordered', async () => {
    const { from, received } = pair();
    const sender = new PacedChannelSender(from, { lowWaterBytes: 2 * 1024, maxQueuedBytes: 10 * 1024 });
    const accepted: string[] = [];
    for (let i = 0; i < 100; i++) {
      const m = `${i}:${'q'.repeat(1000)}`;
      if (sender.send(m)) accepted.push(m);
    }
    expect(sender.dropped).toBeGreaterThan(0);
    expect(accepted.length).toBe(100 - sender.dropped);
    await until(() => received.length >= accepted.length, 20_000);
    expect(received).toEqual(accepted);
    sender.close();
  });

  test('after close() nothing more is sent; a closed channel refuses', async () => {
    const { from, received } = pair();
    const sender = new PacedChannelSender(from, { lowWaterBytes: 1024 });
    for (let i = 0; i < 50; i++) sender.send(`${i}:${'w'.repeat(1000)}`);
    const handedOver = sender.sent;
    sender.close();
    sender.close();
    expect(sender.send('late')).toBe(false);
    await new Promise((r) => setTimeout(r, 500));
    expect(received.length).toBe(handedOver);
  });
  test('finish(): takes nothing new, resolves once werift has given every queued message to SCTP', async () => {
    const { from, received } = pair();
    const sender = new PacedChannelSender(from, { lowWaterBytes: 4 * 1024 });
    const sent = Array.from({ length: 200 }, (_, i) => `${i}:${'f'.repeat(1000)}`);
    for (const m of sent) sender.send(m);
    expect(sender.queuedBytes).toBeGreaterThan(100 * 1000);
    const done = sender.finish(20_000);
    expect(sender.send('after finish')).toBe(false);
    await done;
    expect([sender.sent, sender.queuedBytes, from.bufferedAmount]).toEqual([200, 0, 0]);
    from.close(); // the stream reset follows the last message's TSN: nothing is lost
    await until(() => received.length >= sent.length, 20_000);
    expect(received).toEqual(sent);
  });

  test('finish() resolves at its timeout when the reader does not keep up, and at close()', async () => {
    const { from } = pair();
    const slow = new PacedChannelSender(from, { lowWaterBytes: 1024 });
    for (let i = 0; i < 2000; i++) slow.send(`${i}:${'t'.repeat(1000)}`);
    await slow.finish(50);
    expect(slow.queuedBytes).toBeGreaterThan(0);
    slow.close();
    const other = pair();
    const closing = new PacedChannelSender(other.from, { lowWaterBytes: 1024 });
    for (let i = 0; i < 2000; i++) closing.send(`${i}:${'c'.repeat(1000)}`);
    const finished = closing.finish(60_000);
    closing.close();
    await finished;
    expect(closing.queuedBytes).toBe(0);
  });
});
