import { describe, expect, test } from 'vitest';
import { loadCliConfig } from '../src/config/load-cli-config.js';
import { resolveConfig } from '../src/config/resolve-config.js';
import { startTestServer } from './helpers/test-server.js';

/** `media.engine`: config, `--engine`, `OPENCALLS_ENGINE`; native by default. */
describe('media engine selection', () => {
  test('native by default; werift or native from config, flag or environment; anything else is refused', () => {
    expect(resolveConfig({}).media.engine).toBe('native');
    expect(resolveConfig({ media: { engine: 'werift' } }).media.engine).toBe('werift');
    expect(() => resolveConfig({ media: { engine: 'gstreamer' as never } })).toThrow(/config\.media\.engine must be "native" or "werift"/);
    expect(resolveConfig(loadCliConfig({ engine: 'werift' }, {}).input).media.engine).toBe('werift');
    expect(resolveConfig(loadCliConfig({}, { OPENCALLS_ENGINE: 'werift' }).input).media.engine).toBe('werift');
    expect(resolveConfig(loadCliConfig({ engine: 'native' }, { OPENCALLS_ENGINE: 'werift' }).input).media.engine).toBe('native');
    expect(() => loadCliConfig({ engine: 'fast' }, {})).toThrow(/--engine must be native or werift/);
    expect(resolveConfig({ media: { rembBitrateBps: 2_000_000 } }).media.rembBitrateBps).toBe(2_000_000);
    expect(() => resolveConfig({ media: { rembBitrateBps: -1 } })).toThrow(/rembBitrateBps must be a number ≥ 0/);
    expect(resolveConfig({}).media.udpGso).toBeUndefined(); // the engine's default: on where the kernel has it
    expect(resolveConfig({ media: { udpGso: false } }).media.udpGso).toBe(false);
    expect(() => resolveConfig({ media: { udpGso: 'yes' as never } })).toThrow(/config\.media\.udpGso must be true or false, got "yes"/);
  });

  test('the server runs the configured engine: native has one media port, werift none', async () => {
    const native = await startTestServer();
    const werift = await startTestServer({ media: { engine: 'werift' } });
    try {
      expect(native.sfu.service.engine.mediaPort).toBeGreaterThan(0);
      expect(native.sfu.service.engine.counters()?.native.mediaToJs).toBe(0);
      expect(werift.sfu.service.engine.mediaPort).toBeUndefined();
      expect(werift.sfu.service.engine.counters()).toBeUndefined();
    } finally {
      await native.close();
      await werift.close();
    }
  });
});
