import { describe, expect, test } from 'vitest';
import { MemorySessionStore, Session, SessionRegistry } from '../src/index.js';
import type { SessionCloseReason } from '../src/index.js';
import { FakeClock } from '../src/testing/index.js';

function setup(maxTombstones?: number): { clock: FakeClock; registry: SessionRegistry; store: MemorySessionStore } {
  const clock = new FakeClock();
  const store = new MemorySessionStore({ maxTombstones });
  return { clock, store, registry: new SessionRegistry({ clock, store }) };
}

describe('SessionRegistry lookups', () => {
  test('create then lookup in the same app', () => {
    const { registry } = setup();
    const created: Session[] = [];
    registry.on('sessioncreated', (s) => created.push(s));
    const session = registry.create('app', { thirdparty: true, correlationId: 'c' });
    expect(created).toEqual([session]);
    expect(session).toMatchObject({ appId: 'app', thirdparty: true, correlationId: 'c' });
    expect(registry.lookup('app', session.id)).toEqual({ ok: true, session });
    expect(registry.get(session.id)).toBe(session);
    expect(registry.size).toBe(1);
  });

  test.each<[string, (r: SessionRegistry) => [string, string], object]>([
    ['unknown id', () => ['app', 'f'.repeat(32)], { ok: false, code: 'not_found' }],
    ['malformed id', () => ['app', 'nope'], { ok: false, code: 'not_found' }],
    ["another app's live session", (r) => ['other', r.create('app').id], { ok: false, code: 'not_found' }],
    [
      'closed (requested) session',
      (r) => {
        const s = r.create('app');
        s.close();
        return ['app', s.id];
      },
      { ok: false, code: 'session_error', reason: 'gone', closeReason: 'requested' },
    ],
    [
      'expired session',
      (r) => {
        const s = r.create('app');
        s.close('expired');
        return ['app', s.id];
      },
      { ok: false, code: 'session_error', reason: 'gone', closeReason: 'expired' },
    ],
    [
      "another app's closed session",
      (r) => {
        const s = r.create('app');
        s.close('unconnected');
        return ['other', s.id];
      },
      { ok: false, code: 'not_found' },
    ],
  ])('%s', (_name, arrange, expected) => {
    const { registry } = setup();
    const [appId, sessionId] = arrange(registry);
    expect(registry.lookup(appId, sessionId)).toMatchObject({ ...expected, description: expect.any(String) });
  });

  test('closing removes the session, tombstones it and announces it after the cascade', () => {
    const { registry, store, clock } = setup();
    const session = registry.create('app');
    session.addLocalTrack({ trackName: 'a', mid: '0' });
    const log: string[] = [];
    session.on('trackclosed', () => log.push('trackclosed'));
    registry.on('sessionclosed', (s, reason: SessionCloseReason) => log.push(`sessionclosed ${s.id === session.id} ${reason}`));
    clock.advance(123);
    session.close('unconnected');
    expect(log).toEqual(['trackclosed', 'sessionclosed true unconnected']);
    expect(registry.get(session.id)).toBeUndefined();
    expect(registry.size).toBe(0);
    expect(store.tombstone(session.id)).toEqual({
      sessionId: session.id,
      appId: 'app',
      reason: 'unconnected',
      closedAtMs: 123,
    });
  });

  test('tombstones are bounded: the oldest fall back to not_found', () => {
    const { registry, store } = setup(3);
    const sessions = Array.from({ length: 5 }, () => registry.create('app'));
    for (const s of sessions) s.close();
    expect(store.tombstoneCount).toBe(3);
    expect(sessions.map((s) => registry.lookup('app', s.id))).toMatchObject([
      { code: 'not_found' },
      { code: 'not_found' },
      { code: 'session_error', reason: 'gone' },
      { code: 'session_error', reason: 'gone' },
      { code: 'session_error', reason: 'gone' },
    ]);
  });

  test('maxTombstones 0 keeps none; a bad bound is rejected', () => {
    const { registry } = setup(0);
    const s = registry.create('app');
    s.close();
    expect(registry.lookup('app', s.id)).toMatchObject({ code: 'not_found' });
    expect(() => new MemorySessionStore({ maxTombstones: -1 })).toThrow(RangeError);
  });

  test('listByApp and sessions()', () => {
    const { registry } = setup();
    const a1 = registry.create('a');
    const a2 = registry.create('a');
    const b1 = registry.create('b');
    expect(registry.listByApp('a')).toEqual([a1, a2]);
    expect(registry.listByApp('b')).toEqual([b1]);
    expect(registry.listByApp('c')).toEqual([]);
    a1.close();
    expect(registry.listByApp('a')).toEqual([a2]);
    expect(registry.sessions()).toEqual([a2, b1]);
  });

  test('close() closes every session and refuses new ones; idempotent', () => {
    const { registry } = setup();
    const a = registry.create('a');
    const b = registry.create('b');
    registry.close();
    registry.close();
    expect(a.closed && b.closed).toBe(true);
    expect(registry.size).toBe(0);
    expect(() => registry.create('a')).toThrow(/closed/);
  });

  test('the store refuses a duplicate id', () => {
    const store = new MemorySessionStore();
    const s = new Session({ appId: 'a', clock: new FakeClock() });
    store.add(s);
    expect(() => store.add(s)).toThrow(/already stored/);
    expect(store.delete(s.id)).toBe(true);
    expect(store.delete(s.id)).toBe(false);
  });
});

describe('published tracks and the subscription cascade', () => {
  test('findPublishedTrack / findPublishedDataChannel stay inside the app and see only live ones', () => {
    const { registry } = setup();
    const pub = registry.create('app');
    pub.addLocalTrack({ trackName: 'cam', mid: '0' });
    pub.addDataChannel({ location: 'local', dataChannelName: 'chat' });
    expect(registry.findPublishedTrack('app', pub.id, 'cam')?.track.trackName).toBe('cam');
    expect(registry.findPublishedTrack('other', pub.id, 'cam')).toBeUndefined();
    expect(registry.findPublishedTrack('app', pub.id, 'mic')).toBeUndefined();
    expect(registry.findPublishedDataChannel('app', pub.id, 'chat')?.channel.id).toBe(1);
    pub.markLocalTrackInactive('cam');
    pub.closeDataChannel(1);
    expect(registry.findPublishedTrack('app', pub.id, 'cam')).toBeUndefined();
    expect(registry.findPublishedDataChannel('app', pub.id, 'chat')).toBeUndefined();
  });

  test.each<[string, (pub: Session) => void, string]>([
    ['tracks/close', (pub) => pub.markLocalTrackInactive('cam', 'requested'), 'sourceclosed'],
    ['inactivity GC', (pub) => pub.markLocalTrackInactive('cam', 'inactive'), 'sourceclosed'],
    ['publisher session closed', (pub) => pub.close('expired'), 'sourceclosed'],
  ])('a published track stopping ends its pulls (%s)', (_name, stop, reason) => {
    const { registry } = setup();
    const pub = registry.create('app');
    pub.addLocalTrack({ trackName: 'cam', mid: '0' });
    pub.addLocalTrack({ trackName: 'mic', mid: '1' });
    pub.addDataChannel({ location: 'local', dataChannelName: 'chat' });
    const sub = registry.create('app');
    sub.addRemoteTrack({ mid: '5', sessionId: pub.id, trackName: 'cam' });
    sub.addRemoteTrack({ mid: '6', sessionId: pub.id, trackName: 'mic' });
    const closed: Array<[string, string]> = [];
    sub.on('trackclosed', (t, why) => closed.push([t.mid, why]));

    stop(pub);

    expect(closed[0]).toEqual(['5', reason]);
    expect(sub.getRemoteTrack('5')?.status).toBe('inactive');
    expect(sub.snapshot().tracks).toContainEqual({
      location: 'remote',
      mid: '5',
      sessionId: pub.id,
      trackName: 'cam',
      status: 'inactive',
    });
  });

  test('only matching pulls in the same app end', () => {
    const { registry } = setup();
    const pub = registry.create('app');
    pub.addLocalTrack({ trackName: 'cam', mid: '0' });
    const other = registry.create('app');
    other.addLocalTrack({ trackName: 'cam', mid: '0' });
    const sub = registry.create('app');
    sub.addRemoteTrack({ mid: '1', sessionId: pub.id, trackName: 'cam' });
    sub.addRemoteTrack({ mid: '2', sessionId: other.id, trackName: 'cam' });
    pub.markLocalTrackInactive('cam');
    expect(sub.getRemoteTrack('1')?.status).toBe('inactive');
    expect(sub.getRemoteTrack('2')?.status).toBe('active');
  });

  test('a published data channel closing ends its subscriptions', () => {
    const { registry } = setup();
    const pub = registry.create('app');
    pub.addDataChannel({ location: 'local', dataChannelName: 'chat' });
    const sub = registry.create('app');
    sub.addDataChannel({ location: 'remote', dataChannelName: 'chat', sessionId: pub.id });
    sub.addDataChannel({ location: 'local', dataChannelName: 'chat' });
    const reasons: string[] = [];
    sub.on('datachannelclosed', (c, why) => reasons.push(`${c.location} ${why}`));
    pub.close();
    expect(reasons).toEqual(['remote sourceclosed']);
    expect(sub.findDataChannel('local', 'chat')?.status).toBe('active');
  });
});
