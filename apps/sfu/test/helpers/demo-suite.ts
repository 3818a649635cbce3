import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openDemoPages } from './browser.js';
import { startTestServer, type TestServer } from './test-server.js';

export interface DemoSuite {
  readonly server: TestServer;
  readonly browser: Browser;
  /** Page A publishes, page B subscribes; both on the demo page with `window.opencalls`. */
  readonly pageA: Page;
  readonly pageB: Page;
}

/**
 * For a describe block: the real server on media engine `engine` and Chromium with the two demo
 * pages, opened before its tests and closed after them. Read the fields inside tests and hooks.
 */
export function demoSuite(engine: 'native' | 'werift'): DemoSuite {
  const suite = {} as { server: TestServer; browser: Browser; pageA: Page; pageB: Page };
  beforeAll(async () => {
    suite.server = await startTestServer({ media: { engine } });
    Object.assign(suite, await openDemoPages(suite.server.url));
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
