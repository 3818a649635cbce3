import { describe, expect, test } from 'vitest';
import { Session, waitForConnected } from '../src/index.js';
import type { ConnectedDecision } from '../src/index.js';
import { FakeClock } from '../src/testing/index.js';

function track(promise: Promise<ConnectedDecision>): { readonly value: ConnectedDecision | undefined } {
  const box: { value: ConnectedDecision | undefined } = { value: undefined };
  void promise.then((v) => (box.value = v));
  return box;
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('waitForConnected', () => {
  test('resolves at once when already connected', async () => {
    const clock = new FakeClock();
    const session = new Session({ appId: 'a', clock });
    session.setConnectionState('connected');
    await expect(waitForConnected(session, 5_000, clock)).resolves.toEqual({ ok: true });
    expect(clock.pendingTimers).toBe(0);
  });

  test('resolves when the state changes to connected, then cleans up', async () => {
    const clock = new FakeClock();
    const session = new Session({ appId: 'a', clock });
    const result = track(waitForConnected(session, 5_000, clock));
    session.setConnectionState('connecting');
    clock.advance(4_999);
    await flush();
    expect(result.value).toBeUndefined();
    session.setConnectionState('connected');
    await flush();
    expect(result.value).toEqual({ ok: true });
    expect(clock.pendingTimers).toBe(0);
    expect(session.listenerCount('connectionstatechange')).toBe(0);
    expect(session.listenerCount('close')).toBe(0);
  });

  test('fails with not_connected exactly at the timeout', async () => {
    const clock = new FakeClock();
    const session = new Session({ appId: 'a', clock });
    const result = track(waitForConnected(session, 5_000, clock));
    session.setConnectionState('connecting');
    clock.advance(4_999);
    await flush();
    expect(result.value).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(result.value).toEqual({
      ok: false,
      code: 'session_error',
      reason: 'not_connected',
      description: expect.stringContaining('5000 ms'),
    });
    session.setConnectionState('connected'); // too late: nothing changes
    await flush();
    expect(result.value?.ok).toBe(false);
    expect(session.listenerCount('connectionstatechange')).toBe(0);
  });

  test('fails early with gone when the session closes while waiting', async () => {
    const clock = new FakeClock();
    const session = new Session({ appId: 'a', clock });
    const result = track(waitForConnected(session, 5_000, clock));
    clock.advance(1_000);
    session.close('expired');
    await flush();
    expect(result.value).toEqual({ ok: false, code: 'session_error', reason: 'gone', description: expect.stringContaining('expired') });
    expect(clock.pendingTimers).toBe(0);
  });

  test('a closed session is gone at once', async () => {
    const clock = new FakeClock();
    const session = new Session({ appId: 'a', clock });
    session.close();
    await expect(waitForConnected(session, 5_000, clock)).resolves.toMatchObject({ ok: false, reason: 'gone' });
  });

  test('a session in its reuse window (disconnected) waits too, and proceeds when ICE comes back', async () => {
    const clock = new FakeClock();
    const session = new Session({ appId: 'a', clock });
    session.setConnectionState('connected');
    session.setConnectionState('disconnected');
    const result = track(waitForConnected(session, 5_000, clock));
    clock.advance(2_000);
    session.setConnectionState('connecting'); // an ICE restart
    await flush();
    expect(result.value).toBeUndefined();
    session.setConnectionState('connected');
    await flush();
    expect(result.value).toEqual({ ok: true });
  });

  test('other state changes keep waiting', async () => {
    const clock = new FakeClock();
    const session = new Session({ appId: 'a', clock });
    const result = track(waitForConnected(session, 100, clock));
    session.setConnectionState('connecting');
    session.setConnectionState('failed');
    await flush();
    expect(result.value).toBeUndefined();
    clock.advance(100);
    await flush();
    expect(result.value).toMatchObject({ reason: 'not_connected' });
  });
});
