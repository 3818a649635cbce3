import { expect, test } from 'vitest';
import { DEFAULT_CALLS_LIMITS } from '../src/index.js';

test('the documented defaults', () => {
  expect(DEFAULT_CALLS_LIMITS).toEqual({
    callsPerSecond: 50,
    tracksPerCall: 64,
    connectWaitMs: 5000,
    trackInactivityMs: 30000,
    reuseWindowMs: 30000,
    waitForAckMs: 30000,
    unconnectedSessionTtlMs: 300000,
  });
  expect(Object.isFrozen(DEFAULT_CALLS_LIMITS)).toBe(true);
});
