import { DEFAULT_CALLS_LIMITS } from '@opencalls/protocol';
import type { SfuConfig } from './config-types.js';

/** The embedded default app: fine on a laptop, never in production (the CLI says so at start). */
export const DEFAULT_APP_ID = 'opencalls-dev-app';
export const DEFAULT_APP_SECRET = 'opencalls-dev-secret';

/** The media engine unless configured (see `SfuConfig.media.engine`). */
export const ENGINE_DEFAULT: SfuConfig['media']['engine'] = 'native';

export const DEFAULT_CONFIG: SfuConfig = Object.freeze({
  host: '127.0.0.1',
  port: 8787,
  apps: Object.freeze([{ appId: DEFAULT_APP_ID, secret: DEFAULT_APP_SECRET, name: 'default' }]),
  media: Object.freeze({ announcedAddresses: Object.freeze(['127.0.0.1']), bindAddress: '127.0.0.1', engine: ENGINE_DEFAULT }),
  limits: Object.freeze({
    callsPerSecond: DEFAULT_CALLS_LIMITS.callsPerSecond,
    tracksPerCall: DEFAULT_CALLS_LIMITS.tracksPerCall,
    connectWaitMs: DEFAULT_CALLS_LIMITS.connectWaitMs,
    trackInactivityMs: DEFAULT_CALLS_LIMITS.trackInactivityMs,
    reuseWindowMs: DEFAULT_CALLS_LIMITS.reuseWindowMs,
    // Our choice: above the longest gap a healthy idle peer leaves (werift consent checks every
    // 4–6 s; browsers check every ~2.5 s). werift alone would notice only at consent expiry (30 s).
    disconnectedAfterMs: 10_000,
    unconnectedSessionTtlMs: DEFAULT_CALLS_LIMITS.unconnectedSessionTtlMs,
    waitForAckMs: DEFAULT_CALLS_LIMITS.waitForAckMs,
    gcIntervalMs: 1000,
    pullWaitForMediaMs: 5000,
    maxBodyBytes: 1024 * 1024,
  }),
  iceServers: Object.freeze([]),
  turnKeys: Object.freeze([{ keyId: DEFAULT_APP_ID, token: DEFAULT_APP_SECRET }]),
  logLevel: 'info',
});
