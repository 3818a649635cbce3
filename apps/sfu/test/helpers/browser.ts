import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with fake camera and microphone. Never downloads a browser. */
export const CHROMIUM_PATH = process.env.OPENCALLS_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Keep WebRTC on loopback: no mDNS host-name obfuscation, no other interfaces.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--force-webrtc-ip-handling-policy=default_public_and_private_interfaces',
  // Gather host candidates on loopback too (Chromium skips it by default).
  '--allow-loopback-in-peer-connection',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Chromium with two pages (A publishes, B subscribes) on the server's demo page, each with
 * `window.opencalls` loaded; page errors are echoed to the test log.
 */
export async function openDemoPages(url: string): Promise<{ browser: Browser; pageA: Page; pageB: Page }> {
  const browser = await launchChromium();
  const context = await browser.newContext();
  const open = async (): Promise<Page> => {
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') console.error(`[page] ${m.text()}`);
    });
    await page.goto(`${url}/`);
    await page.waitForFunction(() => 'opencalls' in window);
    return page;
  };
  return { browser, pageA: await open(), pageB: await open() };
}
