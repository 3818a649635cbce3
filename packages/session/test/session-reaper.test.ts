import { describe, expect, test } from 'vitest';
import { decideSessionExpiry, resolveSessionOptions, SessionReaper, SessionRegistry } from '../src/index.js';
import type { ConnectionState, ResolvedSessionOptions, Session, SessionCloseReason } from '../src/index.js';
import { FakeClock } from '../src/testing/index.js';

type Step = readonly [atMs: number, state: ConnectionState];

interface Timeline {
  readonly name: string;
  readonly steps: readonly Step[];
  /** When the reaper closes the session (undefined: still open at `until`), and why. */
  readonly closedAtMs: number | undefined;
  readonly reason?: SessionCloseReason;
  readonly until: number;
}

// Short values through config: reuse window 3 s, unconnected TTL 10 s, ticks every 100 ms.
const SHORT = resolveSessionOptions({ reuseWindowMs: 3_000, unconnectedSessionTtlMs: 10_000, gcIntervalMs: 100 });

const timelines: readonly Timeline[] = [
  { name: 'never connects', steps: [], closedAtMs: 10_000, reason: 'unconnected', until: 20_000 },
  {
    name: 'stuck connecting',
    steps: [[500, 'connecting']],
    closedAtMs: 10_000,
    reason: 'unconnected',
    until: 20_000,
  },
  {
    name: 'fails before ever connecting',
    steps: [[500, 'connecting'], [1_000, 'failed']],
    closedAtMs: 10_000,
    reason: 'unconnected',
    until: 20_000,
  },
  { name: 'connects and stays', steps: [[1_000, 'connected']], closedAtMs: undefined, until: 60_000 },
  {
    name: 'disconnects for good',
    steps: [[1_000, 'connected'], [5_000, 'disconnected']],
    closedAtMs: 8_000,
    reason: 'expired',
    until: 20_000,
  },
  {
    name: 'disconnected then failed: the window counts from the first loss',
    steps: [[1_000, 'connected'], [5_000, 'disconnected'], [7_000, 'failed']],
    closedAtMs: 8_000,
    reason: 'expired',
    until: 20_000,
  },
  {
    name: 'PeerConnection closed',
    steps: [[1_000, 'connected'], [5_000, 'closed']],
    closedAtMs: 8_000,
    reason: 'expired',
    until: 20_000,
  },
  {
    name: 'reconnects inside the window: kept',
    steps: [[1_000, 'connected'], [5_000, 'disconnected'], [7_900, 'connected']],
    closedAtMs: undefined,
    until: 60_000,
  },
  {
    name: 'reconnects, then loses it again: a fresh window',
    steps: [[1_000, 'connected'], [5_000, 'disconnected'], [6_000, 'connected'], [9_000, 'failed']],
    closedAtMs: 12_000,
    reason: 'expired',
    until: 20_000,
  },
  // The media layer reports an ICE restart as connected → connecting → connected, and a consent
  // expiry as failed (packages/media peer-connectivity.ts); the window treats both as a loss.
  {
    name: 'ICE restart that completes inside the window: kept',
    steps: [[1_000, 'connected'], [5_000, 'disconnected'], [6_000, 'connecting'], [6_200, 'connected']],
    closedAtMs: undefined,
    until: 60_000,
  },
  {
    name: 'ICE restart that never completes: the window counts from the first loss',
    steps: [[1_000, 'connected'], [5_000, 'disconnected'], [6_000, 'connecting']],
    closedAtMs: 8_000,
    reason: 'expired',
    until: 20_000,
  },
  {
    name: 'ICE restart while still connected, never completing: connecting is a loss too',
    steps: [[1_000, 'connected'], [5_000, 'connecting']],
    closedAtMs: 8_000,
    reason: 'expired',
    until: 20_000,
  },
  {
    name: 'consent expired (failed), then a restart reconnects inside the window: kept',
    steps: [[1_000, 'connected'], [5_000, 'failed'], [7_500, 'connecting'], [7_900, 'connected']],
    closedAtMs: undefined,
    until: 60_000,
  },
  {
    name: 'connected long after creation is not unconnected',
    steps: [[9_900, 'connected']],
    closedAtMs: undefined,
    until: 60_000,
  },
];

function run(timeline: Timeline, options: ResolvedSessionOptions): { session: Session; closedAtMs: number | undefined; reason: string | undefined } {
  const clock = new FakeClock();
  const registry = new SessionRegistry({ clock, options });
  const reaper = new SessionReaper({ sessions: registry, clock, timers: clock, options });
  const session = registry.create('app');
  let closedAtMs: number | undefined;
  let reason: string | undefined;
  session.on('close', (r) => {
    closedAtMs = clock.nowMs();
    reason = r;
  });
  for (const [atMs, state] of timeline.steps) clock.setTimeout(() => session.setConnectionState(state), atMs);
  reaper.start();
  clock.advanceTo(timeline.until);
  reaper.stop();
  return { session, closedAtMs, reason };
}

describe('SessionReaper timelines', () => {
  test.each(timelines)('$name', (timeline) => {
    const { session, closedAtMs, reason } = run(timeline, SHORT);
    expect(closedAtMs).toBe(timeline.closedAtMs);
    expect(reason).toBe(timeline.reason);
    expect(session.closed).toBe(timeline.closedAtMs !== undefined);
  });

  test('the real defaults: 30 s reuse window, 5 min unconnected', () => {
    const defaults = resolveSessionOptions();
    expect(run({ name: '', steps: [[100, 'connected'], [1_000, 'disconnected']], closedAtMs: 0, until: 120_000 }, defaults))
      .toMatchObject({ closedAtMs: 31_000, reason: 'expired' });
    expect(run({ name: '', steps: [], closedAtMs: 0, until: 400_000 }, defaults)).toMatchObject({
      closedAtMs: 300_000,
      reason: 'unconnected',
    });
  });

  test('a reaped session answers gone and keeps nothing', () => {
    const clock = new FakeClock();
    const registry = new SessionRegistry({ clock, options: SHORT });
    const reaper = new SessionReaper({ sessions: registry, clock, timers: clock, options: SHORT });
    const session = registry.create('app');
    session.setConnectionState('connected');
    session.addLocalTrack({ trackName: 'cam', mid: '0' });
    session.setConnectionState('disconnected');
    clock.advance(2_999);
    expect(reaper.tick()).toEqual({ expired: [], unconnected: [] });
    clock.advance(1);
    expect(reaper.tick()).toEqual({ expired: [session.id], unconnected: [] });
    expect(registry.lookup('app', session.id)).toMatchObject({ code: 'session_error', reason: 'gone', closeReason: 'expired' });
  });

  test('start/stop are idempotent and stop clears the interval', () => {
    const clock = new FakeClock();
    const reaper = new SessionReaper({ sessions: { sessions: () => [] }, clock, timers: clock, options: SHORT });
    reaper.start();
    reaper.start();
    expect(clock.pendingTimers).toBe(1);
    expect(reaper.running).toBe(true);
    reaper.stop();
    reaper.stop();
    expect(clock.pendingTimers).toBe(0);
    expect(reaper.running).toBe(false);
  });
});

describe('decideSessionExpiry', () => {
  const base = { createdAtMs: 0, connectionState: 'new' as ConnectionState, everConnected: false, disconnectedAtMs: undefined, closed: false };
  test.each([
    { name: 'young unconnected', s: base, now: 9_999, action: 'keep' },
    { name: 'old unconnected', s: base, now: 10_000, action: 'close', reason: 'unconnected' },
    { name: 'already closed', s: { ...base, closed: true }, now: 99_999, action: 'keep' },
    { name: 'connected', s: { ...base, everConnected: true, connectionState: 'connected' as const }, now: 99_999, action: 'keep' },
    {
      name: 'inside window',
      s: { ...base, everConnected: true, connectionState: 'disconnected' as const, disconnectedAtMs: 1_000 },
      now: 3_999,
      action: 'keep',
    },
    {
      name: 'window over',
      s: { ...base, everConnected: true, connectionState: 'failed' as const, disconnectedAtMs: 1_000 },
      now: 4_000,
      action: 'close',
      reason: 'expired',
    },
  ])('$name', ({ s, now, action, reason }) => {
    expect(decideSessionExpiry(s, now, SHORT)).toEqual(reason ? { action, reason } : { action });
  });
});
