import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './helpers/browser.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

/**
 * DataChannels in real Chromium (one page, three PeerConnections, three Calls sessions): a
 * publisher, a subscriber set up with `datachannels/establish` that holds `canReply`, and a
 * subscriber set up the legacy way (echo-datachannels: its own `server-events` channel in the
 * `sessions/new` offer). Both subscribers must receive every message, text and binary, in order;
 * only the `canReply` one reaches the publisher.
 */
describe('Chromium DataChannels: one publisher, two subscribers', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') console.error(`[page] ${m.text()}`);
    });
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => 'opencalls' in window && 'openDataChannel' in (window as any).opencalls);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('every message reaches both subscribers; canReply works for one', async () => {
    const result = await page.evaluate(async () => {
      const oc = (window as any).opencalls;
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const until = async (pred: () => boolean, ms: number) => {
        const deadline = performance.now() + ms;
        while (!pred() && performance.now() < deadline) await sleep(20);
        return pred();
      };
      const pub = await oc.dataSession();
      const sub1 = await oc.dataSession();
      const sub2 = await oc.legacyDataSession();

      const published = await oc.openDataChannel(pub, { location: 'local', dataChannelName: 'room' });
      const pulled1 = await oc.openDataChannel(sub1, { location: 'remote', sessionId: pub.sessionId, dataChannelName: 'room', canReply: true }, 'room-1');
      const pulled2 = await oc.openDataChannel(sub2, { location: 'remote', sessionId: pub.sessionId, dataChannelName: 'room' }, 'room-2');
      const atPub = oc.recordMessages(published.channel);
      const at1 = oc.recordMessages(pulled1.channel);
      const at2 = oc.recordMessages(pulled2.channel);

      const count = 200;
      const expected: string[] = [];
      for (let i = 0; i < count; i++) {
        if (i % 4 === 3) {
          const bytes = new Uint8Array(100 + i);
          bytes.fill(i & 0xff);
          bytes[0] = 0xff; // not text
          published.channel.send(bytes);
          expected.push(`bin:${bytes.length}:${i & 0xff}`);
        } else {
          const text = `message ${i} ${'é'.repeat(i % 50)}`;
          published.channel.send(text);
          expected.push(`txt:${text}`);
        }
      }
      const show = (m: string | Uint8Array) => (typeof m === 'string' ? `txt:${m}` : `bin:${m.length}:${m[m.length - 1]}`);
      const allArrived = await until(() => at1.length >= count && at2.length >= count, 20_000);

      for (let i = 0; i < 5; i++) pulled2.channel.send(`from sub2 ${i}`);
      pulled1.channel.send('from sub1');
      const replyArrived = await until(() => atPub.length >= 1, 10_000);
      await sleep(500);

      return {
        allArrived,
        replyArrived,
        ids: { pub: published.id, sub1: pulled1.id, sub2: pulled2.id, sub2OwnServerEvents: sub2.serverEvents.id },
        expected,
        at1: at1.map(show),
        at2: at2.map(show),
        atPub: atPub.map(show),
      };
    });

    expect(result.allArrived).toBe(true);
    expect(result.at1).toEqual(result.expected);
    expect(result.at2).toEqual(result.expected);
    expect(result.replyArrived).toBe(true);
    expect(result.atPub).toEqual(['txt:from sub1']);
    // server-events is 0 on establish sessions, so their first channel is 1; the legacy session's
    // browser opened server-events on a stream of its own, which the SFU's allocation avoids.
    expect(result.ids.pub).toBe(1);
    expect(result.ids.sub1).toBe(1);
    expect(result.ids.sub2).not.toBe(result.ids.sub2OwnServerEvents);
    expect(result.ids.sub2).not.toBe(0);
  });
});
