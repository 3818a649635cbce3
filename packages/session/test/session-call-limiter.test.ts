import { describe, expect, test } from 'vitest';
import { checkTracksPerCall, resolveSessionOptions, SessionCallLimiter, Session } from '../src/index.js';
import type { CallRateDecision } from '../src/index.js';
import { FakeClock } from '../src/testing/index.js';

function callN(limiter: SessionCallLimiter, n: number): CallRateDecision[] {
  return Array.from({ length: n }, () => limiter.tryCall());
}

describe('SessionCallLimiter (sliding window, 50/s)', () => {
  test.each([
    { calls: 50, allowed: 50 },
    { calls: 51, allowed: 50 },
    { calls: 80, allowed: 50 },
  ])('$calls calls at one instant → $allowed allowed', ({ calls, allowed }) => {
    const limiter = new SessionCallLimiter(new FakeClock(), { callsPerSecond: 50 });
    const decisions = callN(limiter, calls);
    expect(decisions.filter((d) => d.ok)).toHaveLength(allowed);
    expect(decisions.slice(0, 50).every((d) => d.ok)).toBe(true);
  });

  test('the 51st call is denied with retryAfterMs until the first call leaves the window', () => {
    const clock = new FakeClock();
    const limiter = new SessionCallLimiter(clock, { callsPerSecond: 50 });
    callN(limiter, 50);
    clock.advance(300);
    const denied = limiter.tryCall();
    expect(denied).toEqual({
      ok: false,
      code: 'rate_limited',
      limit: 'calls_per_second',
      retryAfterMs: 700,
      description: expect.any(String),
    });
    clock.advance(699);
    expect(limiter.tryCall()).toMatchObject({ ok: false, retryAfterMs: 1 });
    clock.advance(1);
    expect(limiter.tryCall()).toEqual({ ok: true });
  });

  test('the window slides: calls spread over the second free up one by one', () => {
    const clock = new FakeClock();
    const limiter = new SessionCallLimiter(clock, { callsPerSecond: 50 });
    for (let i = 0; i < 50; i++) {
      expect(limiter.tryCall().ok).toBe(true);
      clock.advance(10); // calls at 0, 10, …, 490
    }
    clock.advanceTo(999);
    expect(limiter.tryCall()).toMatchObject({ ok: false, retryAfterMs: 1 });
    clock.advanceTo(1_000); // the call at 0 left the window: exactly one slot
    expect(limiter.tryCall().ok).toBe(true);
    expect(limiter.tryCall()).toMatchObject({ ok: false, retryAfterMs: 10 });
  });

  test('a full window later everything is allowed again (window reset)', () => {
    const clock = new FakeClock();
    const limiter = new SessionCallLimiter(clock, { callsPerSecond: 50 });
    callN(limiter, 60);
    clock.advance(1_000);
    expect(callN(limiter, 50).every((d) => d.ok)).toBe(true);
    expect(limiter.tryCall().ok).toBe(false);
  });

  test('no boundary burst: at most 50 calls in any one second', () => {
    const clock = new FakeClock();
    const limiter = new SessionCallLimiter(clock, { callsPerSecond: 50 });
    clock.advanceTo(999);
    expect(callN(limiter, 50).every((d) => d.ok)).toBe(true);
    clock.advanceTo(1_001); // a fixed window would have reset at 1000
    expect(limiter.tryCall()).toMatchObject({ ok: false, retryAfterMs: 998 });
  });

  test('denied calls do not extend the wait', () => {
    const clock = new FakeClock();
    const limiter = new SessionCallLimiter(clock, { callsPerSecond: 2 });
    callN(limiter, 2);
    for (let t = 0; t < 10; t++) {
      clock.advance(50);
      expect(limiter.tryCall().ok).toBe(false);
    }
    clock.advanceTo(1_000);
    expect(limiter.tryCall().ok).toBe(true);
  });

  test('a session applies its configured rate (3/s, as in the integration test)', () => {
    const clock = new FakeClock();
    const session = new Session({ appId: 'a', clock, options: resolveSessionOptions({ callsPerSecond: 3 }) });
    expect([session.tryCall(), session.tryCall(), session.tryCall()].every((d) => d.ok)).toBe(true);
    clock.advance(20);
    expect(session.tryCall()).toEqual({
      ok: false,
      code: 'rate_limited',
      limit: 'calls_per_second',
      retryAfterMs: 980,
      description: 'More than 3 API calls in 1000 ms for this session',
    });
    clock.advance(980);
    expect(session.tryCall().ok).toBe(true);
  });

  test('sessions are limited independently', () => {
    const clock = new FakeClock();
    const a = new Session({ appId: 'app', clock });
    const b = new Session({ appId: 'app', clock });
    for (let i = 0; i < 50; i++) a.tryCall();
    expect(a.tryCall().ok).toBe(false);
    expect(Array.from({ length: 50 }, () => b.tryCall()).every((d) => d.ok)).toBe(true);
  });

  test('retryAfterMs is a whole number of ms, at least 1', () => {
    const clock = new FakeClock(0.25);
    const limiter = new SessionCallLimiter(clock, { callsPerSecond: 1 });
    limiter.tryCall();
    clock.advance(999.5);
    expect(limiter.tryCall()).toMatchObject({ ok: false, retryAfterMs: 1 });
  });

  test('rejects a bad configuration', () => {
    expect(() => new SessionCallLimiter(new FakeClock(), { callsPerSecond: 0 })).toThrow(RangeError);
    expect(() => new SessionCallLimiter(new FakeClock(), { callsPerSecond: 5, windowMs: 0 })).toThrow(RangeError);
  });
});

describe('checkTracksPerCall', () => {
  test.each([
    { count: 0, ok: true },
    { count: 1, ok: true },
    { count: 64, ok: true },
    { count: 65, ok: false },
    { count: 1_000, ok: false },
  ])('$count tracks → ok: $ok', ({ count, ok }) => {
    const decision = checkTracksPerCall(count, 64);
    expect(decision.ok).toBe(ok);
    if (!decision.ok) {
      expect(decision).toEqual({
        ok: false,
        code: 'invalid_params',
        limit: 'tracks_per_call',
        count,
        max: 64,
        description: expect.stringContaining('64'),
      });
    }
  });

  test('a session applies its configured limit', () => {
    const session = new Session({ appId: 'a', clock: new FakeClock() });
    expect(session.checkTracksPerCall(64).ok).toBe(true);
    expect(session.checkTracksPerCall(65).ok).toBe(false);
    const small = new Session({ appId: 'a', clock: new FakeClock(), options: resolveSessionOptions({ tracksPerCall: 2 }) });
    expect(small.checkTracksPerCall(2).ok).toBe(true);
    expect(small.checkTracksPerCall(3)).toMatchObject({ ok: false, count: 3, max: 2, description: 'Too many tracks in one request: 3 (at most 2)' });
  });
});
