import { describe, expect, test } from 'vitest';
import { DEFAULT_SESSION_OPTIONS, resolveSessionOptions } from '../src/index.js';
import type { SessionOptions } from '../src/index.js';

describe('resolveSessionOptions', () => {
  test("defaults are Cloudflare's documented values", () => {
    expect(resolveSessionOptions()).toEqual({
      callsPerSecond: 50,
      tracksPerCall: 64,
      connectWaitMs: 5_000,
      trackInactivityMs: 30_000,
      reuseWindowMs: 30_000,
      unconnectedSessionTtlMs: 300_000,
      gcIntervalMs: 1_000,
    });
    expect(resolveSessionOptions()).toEqual(DEFAULT_SESSION_OPTIONS);
  });

  test('result and defaults are frozen', () => {
    expect(Object.isFrozen(resolveSessionOptions({ reuseWindowMs: 10 }))).toBe(true);
    expect(Object.isFrozen(DEFAULT_SESSION_OPTIONS)).toBe(true);
  });

  test('overrides keep the other defaults; undefined means default', () => {
    const resolved = resolveSessionOptions({ reuseWindowMs: 2_000, connectWaitMs: undefined, callsPerSecond: 5 });
    expect(resolved).toEqual({ ...DEFAULT_SESSION_OPTIONS, reuseWindowMs: 2_000, callsPerSecond: 5 });
  });

  test.each<[string, SessionOptions, RegExp]>([
    ['zero', { reuseWindowMs: 0 }, /reuseWindowMs must be a positive finite number/],
    ['negative', { connectWaitMs: -1 }, /connectWaitMs .* got -1/],
    ['NaN', { gcIntervalMs: Number.NaN }, /gcIntervalMs/],
    ['Infinity', { trackInactivityMs: Number.POSITIVE_INFINITY }, /trackInactivityMs/],
    ['fractional count', { callsPerSecond: 2.5 }, /callsPerSecond must be a positive integer, got 2.5/],
    ['string', { tracksPerCall: '64' as unknown as number }, /tracksPerCall must be a positive integer, got "64"/],
  ])('rejects %s', (_name, options, message) => {
    expect(() => resolveSessionOptions(options)).toThrow(RangeError);
    expect(() => resolveSessionOptions(options)).toThrow(message);
  });

  test('rejects an unknown option name', () => {
    const typo = { reuseWindowMS: 10 } as unknown as SessionOptions;
    expect(() => resolveSessionOptions(typo)).toThrow(/unknown option "reuseWindowMS"/);
  });
});
