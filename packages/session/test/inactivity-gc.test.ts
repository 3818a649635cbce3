import { describe, expect, test } from 'vitest';
import { attachInactivityGc, InactivityGc, resolveSessionOptions, SessionRegistry } from '../src/index.js';
import type { ActivitySource, TrackInactiveEvent } from '../src/index.js';
import { FakeActivitySource, FakeClock } from '../src/testing/index.js';

const OPTIONS = resolveSessionOptions({ trackInactivityMs: 5_000, gcIntervalMs: 1_000 });

function setup(initialCapacity?: number): {
  clock: FakeClock;
  source: FakeActivitySource;
  gc: InactivityGc;
  events: Array<TrackInactiveEvent & { atMs: number }>;
} {
  const clock = new FakeClock();
  const source = new FakeActivitySource(clock);
  const gc = new InactivityGc({ source, timers: clock, options: OPTIONS, initialCapacity });
  const events: Array<TrackInactiveEvent & { atMs: number }> = [];
  gc.on('trackinactive', (e) => events.push({ ...e, atMs: clock.nowMs() }));
  return { clock, source, gc, events };
}

describe('InactivityGc', () => {
  test('an idle track is GC\'d exactly at the threshold, once', () => {
    const { clock, source, gc, events } = setup();
    source.packet(1, 0);
    gc.watch(1, { sessionId: 's', trackName: 'cam' });
    clock.advanceTo(1_000);
    source.packet(1); // last packet at 1000
    clock.advanceTo(5_999);
    expect(gc.tick()).toEqual([]);
    clock.advanceTo(6_000);
    const [event] = gc.tick();
    expect(event).toEqual({ handle: 1, sessionId: 's', trackName: 'cam', lastPacketAtMs: 1_000, idleMs: 5_000 });
    expect(events).toHaveLength(1);
    expect(gc.isWatched(1)).toBe(false);
    clock.advance(60_000);
    expect(gc.tick()).toEqual([]);
    expect(events).toHaveLength(1);
  });

  test('an active track is kept', () => {
    const { clock, source, gc, events } = setup();
    gc.watch(1, { sessionId: 's', trackName: 'cam' });
    gc.start();
    for (let t = 0; t < 60; t++) {
      source.packet(1);
      clock.advance(1_000);
    }
    expect(events).toEqual([]);
    expect(gc.isWatched(1)).toBe(true);
  });

  test('a track that never sent is GC\'d from its registration time', () => {
    const { clock, source, gc, events } = setup();
    clock.advanceTo(2_500);
    source.addTrack(7); // NaN: no packet yet
    gc.watch(7, { sessionId: 's', trackName: 'mic' });
    gc.start(); // ticks at 3500, 4500, …
    clock.advanceTo(7_499);
    expect(events).toEqual([]);
    clock.advanceTo(7_500);
    expect(events).toEqual([{ handle: 7, sessionId: 's', trackName: 'mic', lastPacketAtMs: undefined, idleMs: 5_000, atMs: 7_500 }]);
  });

  test('registeredAtMs can be given explicitly', () => {
    const { clock, source, gc } = setup();
    clock.advanceTo(10_000);
    source.addTrack(1);
    gc.watch(1, { sessionId: 's', trackName: 'a', registeredAtMs: 5_000 });
    expect(gc.tick().map((e) => e.handle)).toEqual([1]);
  });

  test('exactly one readActivity call per tick, none while nothing is watched', () => {
    const { clock, source, gc } = setup();
    gc.start();
    clock.advance(3_000);
    expect(source.readCount).toBe(0);
    for (let h = 1; h <= 10; h++) {
      source.packet(h);
      gc.watch(h, { sessionId: 's', trackName: `t${h}` });
    }
    clock.advance(4_000);
    expect(source.readCount).toBe(4);
    gc.stop();
    clock.advance(4_000);
    expect(source.readCount).toBe(4);
  });

  test('arrays grow beyond the initial capacity to cover every watched track', () => {
    const { clock, source, gc, events } = setup(4);
    expect(gc.capacity).toBe(4);
    for (let h = 100; h < 110; h++) {
      source.packet(h, 0);
      gc.watch(h, { sessionId: 's', trackName: `t${h}` });
    }
    clock.advanceTo(4_000);
    for (let h = 100; h < 105; h++) source.packet(h); // the first five stay fresh
    clock.advanceTo(5_000);
    const inactive = gc.tick();
    expect(source.readCount).toBe(1);
    expect(gc.capacity).toBe(16);
    expect(inactive.map((e) => e.handle)).toEqual([105, 106, 107, 108, 109]);
    expect(events).toHaveLength(5);
  });

  test('a full read (unwatched native tracks) never judges unseen tracks, and grows for the next tick', () => {
    const { clock, source, gc } = setup(4);
    for (let h = 1; h <= 6; h++) source.packet(h, 0); // six native tracks, rows in this order
    gc.watch(2, { sessionId: 's', trackName: 'seen' }); // row 2: inside the first read
    gc.watch(6, { sessionId: 's', trackName: 'cut' }); // row 6: past the first read's end
    clock.advanceTo(1_000);
    source.packet(6); // 'cut' is fresh, but the first read cannot see it
    clock.advanceTo(5_000);
    expect(gc.tick().map((e) => e.trackName)).toEqual(['seen']);
    expect(gc.capacity).toBe(4);
    expect(gc.isWatched(6)).toBe(true);
    gc.tick();
    expect(gc.capacity).toBe(8);
    expect(source.readCount).toBe(2);
    clock.advanceTo(6_000);
    expect(gc.tick().map((e) => e.trackName)).toEqual(['cut']);
  });

  test('a watched handle missing from a complete read is judged on the last time seen', () => {
    const { clock, source, gc } = setup();
    source.packet(3, 0);
    gc.watch(3, { sessionId: 's', trackName: 'gone' });
    clock.advanceTo(2_000);
    source.packet(3);
    expect(gc.tick()).toEqual([]);
    source.removeTrack(3);
    clock.advanceTo(6_999);
    expect(gc.tick()).toEqual([]);
    clock.advanceTo(7_000);
    expect(gc.tick()).toMatchObject([{ handle: 3, lastPacketAtMs: 2_000 }]);
  });

  test('arrays are reused between ticks', () => {
    const clock = new FakeClock();
    const seen = new Set<Uint32Array>();
    const source: ActivitySource = {
      nowMs: () => clock.nowMs(),
      readActivity(handles) {
        seen.add(handles);
        return 0;
      },
    };
    const gc = new InactivityGc({ source, timers: clock, options: OPTIONS });
    gc.watch(1, { sessionId: 's', trackName: 'a' });
    gc.tick();
    gc.tick();
    gc.tick();
    expect(seen.size).toBe(1);
  });

  test('unwatch, re-watch, close; handles must be u32', () => {
    const { clock, source, gc, events } = setup();
    source.addTrack(1);
    gc.watch(1, { sessionId: 's', trackName: 'a' });
    expect(gc.unwatch(1)).toBe(true);
    expect(gc.unwatch(1)).toBe(false);
    clock.advanceTo(4_000);
    gc.watch(1, { sessionId: 's', trackName: 'a' }); // restarts its clock
    clock.advanceTo(8_999);
    expect(gc.tick()).toEqual([]);
    gc.start();
    gc.close();
    expect(gc.watchedCount).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(events).toEqual([]);
    expect(() => gc.watch(-1, { sessionId: 's', trackName: 'a' })).toThrow(RangeError);
    expect(() => gc.watch(2 ** 32, { sessionId: 's', trackName: 'a' })).toThrow(RangeError);
    expect(() => new InactivityGc({ source, timers: clock, options: OPTIONS, initialCapacity: 0 })).toThrow(RangeError);
  });
});

describe('attachInactivityGc', () => {
  function wired(): { clock: FakeClock; source: FakeActivitySource; gc: InactivityGc; registry: SessionRegistry; detach: () => void } {
    const clock = new FakeClock();
    const source = new FakeActivitySource(clock);
    const gc = new InactivityGc({ source, timers: clock, options: OPTIONS });
    const registry = new SessionRegistry({ clock, options: OPTIONS });
    const detach = attachInactivityGc(registry, gc);
    gc.start();
    return { clock, source, gc, registry, detach };
  }

  test('an idle pushed track is closed (inactive), its pulls end, GET shows it inactive', () => {
    const { clock, source, registry } = wired();
    const pub = registry.create('app');
    const sub = registry.create('app');
    source.addTrack(11);
    pub.addLocalTrack({ trackName: 'cam', mid: '0', nativeHandle: 11 });
    sub.addRemoteTrack({ mid: '3', sessionId: pub.id, trackName: 'cam' });
    const reasons: string[] = [];
    pub.on('trackclosed', (_t, r) => reasons.push(`pub ${r}`));
    sub.on('trackclosed', (_t, r) => reasons.push(`sub ${r}`));
    clock.advanceTo(4_000);
    expect(reasons).toEqual([]);
    clock.advanceTo(5_000);
    expect(reasons.sort()).toEqual(['pub inactive', 'sub sourceclosed']);
    expect(pub.snapshot().tracks).toEqual([{ location: 'local', mid: '0', trackName: 'cam', status: 'inactive' }]);
    expect(sub.getRemoteTrack('3')?.status).toBe('inactive');
  });

  test('a handle attached later is watched from then; closing a track unwatches it', () => {
    const { clock, source, gc, registry } = wired();
    const pub = registry.create('app');
    pub.addLocalTrack({ trackName: 'cam', mid: '0' });
    expect(gc.watchedCount).toBe(0);
    clock.advanceTo(3_000);
    source.addTrack(5);
    pub.setLocalTrackNativeHandle('cam', 5);
    expect(gc.isWatched(5)).toBe(true);
    clock.advanceTo(7_999);
    expect(pub.getLocalTrack('cam')?.status).toBe('active');
    clock.advanceTo(8_000);
    expect(pub.getLocalTrack('cam')?.status).toBe('inactive');

    pub.addLocalTrack({ trackName: 'mic', mid: '1', nativeHandle: 6 });
    expect(gc.isWatched(6)).toBe(true);
    pub.markLocalTrackInactive('mic');
    expect(gc.isWatched(6)).toBe(false);
    pub.addLocalTrack({ trackName: 'x', mid: '2', nativeHandle: 7 });
    pub.close();
    expect(gc.watchedCount).toBe(0);
  });

  test('sessions that existed before attaching are covered; detach undoes everything', () => {
    const clock = new FakeClock();
    const source = new FakeActivitySource(clock);
    const gc = new InactivityGc({ source, timers: clock, options: OPTIONS });
    const registry = new SessionRegistry({ clock, options: OPTIONS });
    const early = registry.create('app');
    early.addLocalTrack({ trackName: 'cam', mid: '0', nativeHandle: 1 });
    const detach = attachInactivityGc(registry, gc);
    expect(gc.isWatched(1)).toBe(true);
    detach();
    registry.create('app').addLocalTrack({ trackName: 'cam', mid: '0', nativeHandle: 2 });
    expect(gc.isWatched(2)).toBe(false);
    clock.advanceTo(10_000);
    gc.tick(); // emits for handle 1, but nobody listens any more
    expect(early.getLocalTrack('cam')?.status).toBe('active');
  });

  test('a stale event (name re-published with another handle) is ignored', () => {
    const { clock, gc, registry } = wired();
    const pub = registry.create('app');
    gc.watch(1, { sessionId: pub.id, trackName: 'cam' }); // e.g. left over from an earlier publication
    pub.addLocalTrack({ trackName: 'cam', mid: '0', nativeHandle: 2 });
    clock.advanceTo(1_000);
    gc.unwatch(2);
    clock.advanceTo(6_000);
    expect(gc.isWatched(1)).toBe(false);
    expect(pub.getLocalTrack('cam')?.status).toBe('active');
  });
});
