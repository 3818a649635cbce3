import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './helpers/browser.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

/**
 * The demo page as a person uses it: open `/`, press Start. The right-hand <video> must play the
 * camera picture that went through the SFU: 640×480, its clock advancing, and its pixels the fake
 * camera's pattern (not a black or frozen frame).
 */
describe('demo page (Chromium, engine native)', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('Start → the pulled video plays the camera at 640×480 and the caption counts decoded frames', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.click('#start');
    await page.waitForFunction(
      () => {
        const v = document.querySelector<HTMLVideoElement>('#remote');
        return !!v && v.videoWidth > 0 && v.currentTime > 1;
      },
      undefined,
      { timeout: 20_000, polling: 100 },
    );

    const frame = await page.evaluate(async () => {
      const v = document.querySelector<HTMLVideoElement>('#remote')!;
      const canvas = document.createElement('canvas');
      canvas.width = v.videoWidth;
      canvas.height = v.videoHeight;
      const ctx = canvas.getContext('2d')!;
      // Every 16th pixel as [r, g, b].
      const sample = (): number[][] => {
        ctx.drawImage(v, 0, 0);
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        const pixels: number[][] = [];
        for (let i = 0; i < data.length; i += 64) pixels.push([data[i]!, data[i + 1]!, data[i + 2]!]);
        return pixels;
      };
      const first = sample();
      const t0 = v.currentTime;
      await new Promise((r) => setTimeout(r, 1000));
      const second = sample();
      const mean = [0, 1, 2].map((c) => first.reduce((a, p) => a + p[c]!, 0) / first.length);
      const changed = first.filter((p, i) => p.some((x, c) => Math.abs(x - second[i]![c]!) > 16)).length / first.length;
      return { width: v.videoWidth, height: v.videoHeight, advanced: v.currentTime - t0, mean, changed };
    });
    await page.waitForFunction(() => /640×480, [1-9]\d* frames decoded/.test(document.querySelector('#remote-caption')?.textContent ?? ''), undefined, {
      timeout: 10_000,
    });
    const status = await page.textContent('#status');
    // Start is spent: clicking again opens no more sessions (it opened two more before).
    expect(await page.isDisabled('#start')).toBe(true);
    await page.evaluate(() => document.querySelector<HTMLButtonElement>('#start')!.click());
    await page.waitForTimeout(500);
    expect(server.sfu.service.registry.size).toBe(2);

    expect(status).toMatch(/^push session [0-9a-f]{32}\npull session [0-9a-f]{32}$/);
    expect(frame.width).toBe(640);
    expect(frame.height).toBe(480);
    expect(frame.advanced).toBeGreaterThan(0.5);
    // Chromium's fake camera: a green frame with a growing light-green pie and a running clock —
    // so the picture is green (not black), and part of it changes within a second (not frozen).
    const [r, g, b] = frame.mean as [number, number, number];
    expect(g).toBeGreaterThan(80);
    expect(g).toBeGreaterThan(2 * Math.max(r, b));
    expect(frame.changed).toBeGreaterThan(0.005);
  });
});
