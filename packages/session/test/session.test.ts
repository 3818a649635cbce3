import { InvalidStateError } from '@opencalls/protocol';
import { describe, expect, test } from 'vitest';
import { isSessionId, MAX_DATA_CHANNEL_ID, Session, setListenerErrorHandler } from '../src/index.js';
import type { SessionEvents } from '../src/index.js';
import { FakeClock } from '../src/testing/index.js';

function newSession(clock = new FakeClock(1_000)): Session {
  return new Session({ appId: 'app', clock });
}

/** Records every event of a session as [name, ...args]. */
function record(session: Session): unknown[][] {
  const events: unknown[][] = [];
  const names: Array<keyof SessionEvents> = [
    'trackadded',
    'trackupdated',
    'trackclosed',
    'datachanneladded',
    'datachannelupdated',
    'datachannelclosed',
    'connectionstatechange',
    'close',
  ];
  for (const name of names) session.on(name, (...args: unknown[]) => events.push([name, ...args]));
  return events;
}

describe('Session identity', () => {
  test('ids are 32 lowercase hex characters and differ', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newSession().id));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(isSessionId([...ids][0]!)).toBe(true);
    expect(isSessionId('E017a2629c754fedc1f7d8587e06d126')).toBe(false);
  });

  test('fields from init', () => {
    const clock = new FakeClock(42);
    const s = new Session({ appId: 'app', clock, thirdparty: true, correlationId: 'room-1', id: 'a'.repeat(32) });
    expect(s).toMatchObject({ id: 'a'.repeat(32), appId: 'app', createdAtMs: 42, thirdparty: true, correlationId: 'room-1' });
    expect(s.connectionState).toBe('new');
    expect(s.everConnected).toBe(false);
    expect(s.disconnectedAtMs).toBeUndefined();
    expect(new Session({ appId: 'x', clock }).thirdparty).toBe(false);
  });
});

describe('connection state', () => {
  test('tracks everConnected and disconnectedAtMs', () => {
    const clock = new FakeClock();
    const s = newSession(clock);
    const events = record(s);
    expect(s.setConnectionState('connecting')).toBe(true);
    expect(s.setConnectionState('connecting')).toBe(false);
    clock.advance(100);
    s.setConnectionState('connected');
    expect(s.everConnected).toBe(true);
    clock.advance(100);
    s.setConnectionState('disconnected');
    expect(s.disconnectedAtMs).toBe(200);
    clock.advance(100);
    s.setConnectionState('failed'); // still counts from the first loss
    expect(s.disconnectedAtMs).toBe(200);
    s.setConnectionState('connected');
    expect(s.disconnectedAtMs).toBeUndefined();
    expect(events).toEqual([
      ['connectionstatechange', 'connecting', 'new'],
      ['connectionstatechange', 'connected', 'connecting'],
      ['connectionstatechange', 'disconnected', 'connected'],
      ['connectionstatechange', 'failed', 'disconnected'],
      ['connectionstatechange', 'connected', 'failed'],
    ]);
  });

  test('a session that never connected has no disconnectedAtMs', () => {
    const s = newSession();
    s.setConnectionState('connecting');
    s.setConnectionState('failed');
    expect(s.disconnectedAtMs).toBeUndefined();
    expect(s.everConnected).toBe(false);
  });
});

describe('local tracks', () => {
  test('add, find by name and mid, mark inactive, remove', () => {
    const clock = new FakeClock(5);
    const s = newSession(clock);
    const events = record(s);
    const added = s.addLocalTrack({ trackName: 'cam', mid: '0', kind: 'video' });
    expect(added.ok).toBe(true);
    const track = s.getLocalTrack('cam')!;
    expect(track).toEqual({
      location: 'local',
      trackName: 'cam',
      mid: '0',
      kind: 'video',
      status: 'active',
      nativeHandle: undefined,
      createdAtMs: 5,
    });
    expect(Object.isFrozen(track)).toBe(true);
    expect(s.findLocalTrackByMid('0')).toBe(track);
    expect(s.findLocalTrackByMid('9')).toBeUndefined();

    const withHandle = s.setLocalTrackNativeHandle('cam', 7);
    expect(withHandle.nativeHandle).toBe(7);
    expect(track.nativeHandle).toBeUndefined(); // records never change under their holder

    const closed = s.markLocalTrackInactive('cam', 'inactive');
    expect(closed?.status).toBe('inactive');
    expect(s.markLocalTrackInactive('cam')).toBeUndefined(); // already inactive
    expect(s.markLocalTrackInactive('nope')).toBeUndefined();
    expect(s.snapshot().tracks).toEqual([{ location: 'local', mid: '0', trackName: 'cam', status: 'inactive' }]);

    expect(s.removeLocalTrack('cam')).toBe(true);
    expect(s.removeLocalTrack('cam')).toBe(false);
    expect(s.snapshot().tracks).toEqual([]);

    expect(events.map((e) => [e[0], (e[1] as { status: string }).status, e[2]])).toEqual([
      ['trackadded', 'active', undefined],
      ['trackupdated', 'active', undefined],
      ['trackclosed', 'inactive', 'inactive'],
    ]);
  });

  test.each([
    { name: 'duplicate active name', second: { trackName: 'a', mid: '1' }, code: 'repeated_local_track_error' },
    { name: 'mid of an active track', second: { trackName: 'b', mid: '0' }, code: 'invalid_params' },
    { name: 'empty name', second: { trackName: '', mid: '1' }, code: 'invalid_params' },
    { name: 'empty mid', second: { trackName: 'b', mid: '' }, code: 'invalid_params' },
  ])('per-item failure: $name', ({ second, code }) => {
    const s = newSession();
    s.addLocalTrack({ trackName: 'a', mid: '0' });
    const result = s.addLocalTrack(second);
    expect(result).toEqual({ ok: false, errorCode: code, errorDescription: expect.any(String) });
    expect(s.localTracks()).toHaveLength(1);
  });

  test('an inactive track can be re-published under its name and its mid reused', () => {
    const s = newSession();
    s.addLocalTrack({ trackName: 'a', mid: '0' });
    s.addLocalTrack({ trackName: 'b', mid: '1' });
    s.markLocalTrackInactive('a');
    s.markLocalTrackInactive('b');
    expect(s.addLocalTrack({ trackName: 'a', mid: '2' }).ok).toBe(true);
    expect(s.addLocalTrack({ trackName: 'c', mid: '1' }).ok).toBe(true);
    expect(s.findLocalTrackByMid('1')?.trackName).toBe('c'); // the active one wins
    expect(s.snapshot().tracks).toEqual([
      { location: 'local', mid: '1', trackName: 'b', status: 'inactive' },
      { location: 'local', mid: '2', trackName: 'a', status: 'active' },
      { location: 'local', mid: '1', trackName: 'c', status: 'active' },
    ]);
  });

  test('setLocalTrackNativeHandle on an unknown or inactive track is a bug', () => {
    const s = newSession();
    expect(() => s.setLocalTrackNativeHandle('x', 1)).toThrow(InvalidStateError);
  });
});

describe('remote tracks', () => {
  test('add, get by mid, mark inactive, replace on the same mid', () => {
    const s = newSession();
    const events = record(s);
    expect(s.addRemoteTrack({ mid: '3', sessionId: 'p'.repeat(32), trackName: 'cam', kind: 'video' }).ok).toBe(true);
    expect(s.getRemoteTrack('3')).toMatchObject({ location: 'remote', sessionId: 'p'.repeat(32), trackName: 'cam' });
    expect(s.addRemoteTrack({ mid: '3', sessionId: 'q'.repeat(32), trackName: 'mic' })).toMatchObject({
      ok: false,
      errorCode: 'invalid_params',
    });
    expect(s.markRemoteTrackInactive('3', 'sourceclosed')?.status).toBe('inactive');
    expect(s.addRemoteTrack({ mid: '3', sessionId: 'q'.repeat(32), trackName: 'mic' }).ok).toBe(true);
    expect(s.remoteTracks()).toHaveLength(1);
    expect(s.removeRemoteTrack('3')).toBe(true);
    expect(events.map((e) => [e[0], e[2]])).toEqual([
      ['trackadded', undefined],
      ['trackclosed', 'sourceclosed'],
      ['trackadded', undefined],
      ['trackclosed', 'requested'],
    ]);
  });

  test('a remote track needs mid, sessionId and trackName', () => {
    const s = newSession();
    expect(s.addRemoteTrack({ mid: '', sessionId: 'x', trackName: 'y' }).ok).toBe(false);
    expect(s.addRemoteTrack({ mid: '1', sessionId: '', trackName: 'y' }).ok).toBe(false);
  });

  test('tracksByMid finds both directions of a bidirectional transceiver', () => {
    const s = newSession();
    s.addLocalTrack({ trackName: 'user-mic', mid: '0', kind: 'audio' });
    s.addRemoteTrack({ mid: '0', sessionId: 'b'.repeat(32), trackName: 'ai-voice' });
    expect(s.tracksByMid('0').map((t) => t.location)).toEqual(['local', 'remote']);
    s.markLocalTrackInactive('user-mic');
    expect(s.tracksByMid('0').map((t) => t.location)).toEqual(['remote', 'local']);
    expect(s.tracksByMid('5')).toEqual([]);
  });
});

describe('data channels', () => {
  test('server-events gets id 0; others get 1, 2, … across both locations', () => {
    const s = newSession();
    const ids = [
      s.addDataChannel({ location: 'remote', dataChannelName: 'server-events' }),
      s.addDataChannel({ location: 'local', dataChannelName: 'chat' }),
      s.addDataChannel({ location: 'remote', dataChannelName: 'chat', sessionId: 'p'.repeat(32) }),
      s.addDataChannel({ location: 'local', dataChannelName: 'cursor' }),
    ].map((r) => (r.ok ? r.value.id : -1));
    expect(ids).toEqual([0, 1, 2, 3]);
  });

  test('ids are not reused right after a close; they are after a wrap', () => {
    const s = newSession();
    const a = s.addDataChannel({ location: 'local', dataChannelName: 'a' });
    expect(a.ok && a.value.id).toBe(1);
    s.removeDataChannel(1);
    const b = s.addDataChannel({ location: 'local', dataChannelName: 'b' });
    expect(b.ok && b.value.id).toBe(2);
    // Pin the highest id explicitly, then allocate: the cursor wraps back to the lowest free id.
    expect(s.addDataChannel({ location: 'local', dataChannelName: 'top', id: MAX_DATA_CHANNEL_ID }).ok).toBe(true);
    for (let id = 3; id < MAX_DATA_CHANNEL_ID; id++) {
      const r = s.addDataChannel({ location: 'local', dataChannelName: `c${id}` });
      expect(r.ok && r.value.id).toBe(id);
    }
    const wrapped = s.addDataChannel({ location: 'local', dataChannelName: 'wrapped' });
    expect(wrapped.ok && wrapped.value.id).toBe(1); // freed by removeDataChannel(1)
    expect(s.addDataChannel({ location: 'local', dataChannelName: 'full' })).toMatchObject({
      ok: false,
      errorCode: 'invalid_params',
    });
  });

  test('closed channels keep their id until removed', () => {
    const s = newSession();
    s.addDataChannel({ location: 'local', dataChannelName: 'a' });
    s.closeDataChannel(1);
    expect(s.addDataChannel({ location: 'local', dataChannelName: 'x', id: 1 })).toMatchObject({
      ok: false,
      errorCode: 'invalid_params',
    });
    s.removeDataChannel(1);
    expect(s.addDataChannel({ location: 'local', dataChannelName: 'x', id: 1 }).ok).toBe(true);
  });

  test.each([
    {
      name: 'repeated local name',
      second: { location: 'local' as const, dataChannelName: 'chat' },
      code: 'repeated_local_track_error',
    },
    {
      name: 'remote without publisher',
      second: { location: 'remote' as const, dataChannelName: 'chat' },
      code: 'invalid_params',
    },
    {
      name: 'id out of range',
      second: { location: 'local' as const, dataChannelName: 'x', id: 65_535 },
      code: 'invalid_params',
    },
    { name: 'empty name', second: { location: 'local' as const, dataChannelName: '' }, code: 'invalid_params' },
  ])('per-item failure: $name', ({ second, code }) => {
    const s = newSession();
    s.addDataChannel({ location: 'local', dataChannelName: 'chat' });
    expect(s.addDataChannel(second)).toEqual({ ok: false, errorCode: code, errorDescription: expect.any(String) });
  });

  test('the same name from another publisher, or after a close, is fine', () => {
    const s = newSession();
    s.addDataChannel({ location: 'remote', dataChannelName: 'chat', sessionId: 'p'.repeat(32) });
    expect(s.addDataChannel({ location: 'remote', dataChannelName: 'chat', sessionId: 'q'.repeat(32) }).ok).toBe(true);
    s.closeDataChannel(1);
    expect(s.addDataChannel({ location: 'remote', dataChannelName: 'chat', sessionId: 'p'.repeat(32) }).ok).toBe(true);
    expect(s.findDataChannel('remote', 'chat', 'p'.repeat(32))?.id).toBe(3);
  });

  test('update status and canReply; record fields', () => {
    const s = newSession(new FakeClock(9));
    const events = record(s);
    s.addDataChannel({
      location: 'remote',
      dataChannelName: 'chat',
      sessionId: 'p'.repeat(32),
      status: 'initializing',
      waitForAck: true,
      ordered: false,
      maxRetransmits: 0,
    });
    expect(s.getDataChannel(1)).toEqual({
      location: 'remote',
      dataChannelName: 'chat',
      id: 1,
      sessionId: 'p'.repeat(32),
      status: 'initializing',
      canReply: undefined,
      waitForAck: true,
      ordered: false,
      maxRetransmits: 0,
      maxPacketLifeTime: undefined,
      createdAtMs: 9,
    });
    expect(s.updateDataChannel(1, { status: 'active', canReply: true })).toMatchObject({ status: 'active', canReply: true });
    expect(s.updateDataChannel(99, { status: 'active' })).toBeUndefined();
    s.closeDataChannel(1);
    expect(s.updateDataChannel(1, { status: 'active' })).toBeUndefined();
    expect(events.map((e) => e[0])).toEqual(['datachanneladded', 'datachannelupdated', 'datachannelclosed']);
  });
});

describe('snapshot', () => {
  test('exactly the GET session shape', () => {
    const s = newSession();
    s.addLocalTrack({ trackName: 'mic', mid: '0', kind: 'audio', nativeHandle: 3 });
    s.addLocalTrack({ trackName: 'cam', mid: '1', kind: 'video' });
    s.addRemoteTrack({ mid: '2', sessionId: 'p'.repeat(32), trackName: 'their-cam', kind: 'video' });
    s.markLocalTrackInactive('cam', 'inactive');
    s.addDataChannel({ location: 'remote', dataChannelName: 'server-events' });
    s.addDataChannel({ location: 'local', dataChannelName: 'chat', ordered: true });
    s.addDataChannel({ location: 'remote', dataChannelName: 'controls', sessionId: 'p'.repeat(32), canReply: true });
    const snapshot = s.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toStrictEqual({
      tracks: [
        { location: 'local', mid: '0', trackName: 'mic', status: 'active' },
        { location: 'local', mid: '1', trackName: 'cam', status: 'inactive' },
        { location: 'remote', mid: '2', sessionId: 'p'.repeat(32), trackName: 'their-cam', status: 'active' },
      ],
      dataChannels: [
        { location: 'remote', dataChannelName: 'server-events', id: 0, status: 'active' },
        { location: 'local', dataChannelName: 'chat', id: 1, status: 'active' },
        { location: 'remote', sessionId: 'p'.repeat(32), dataChannelName: 'controls', id: 2, status: 'active' },
      ],
    });
    expect(Object.keys(snapshot.tracks[2]!)).toEqual(['location', 'mid', 'sessionId', 'trackName', 'status']);
  });

  test('an empty session', () => {
    expect(newSession().snapshot()).toStrictEqual({ tracks: [], dataChannels: [] });
  });
});

describe('close', () => {
  test('cascade: queue, local tracks, remote tracks, data channels, then close; idempotent', async () => {
    const s = newSession();
    s.addLocalTrack({ trackName: 'mic', mid: '0' });
    s.addLocalTrack({ trackName: 'old', mid: '1' });
    s.markLocalTrackInactive('old');
    s.addRemoteTrack({ mid: '2', sessionId: 'p'.repeat(32), trackName: 'cam' });
    s.addDataChannel({ location: 'local', dataChannelName: 'chat' });
    s.setConnectionState('connected');
    let release!: () => void;
    const running = s.enqueue(() => new Promise<void>((resolve) => (release = resolve)));
    const waiting = s.enqueue(() => 'never');
    const events = record(s);

    s.close('expired');
    s.close('requested');

    const label = (x: unknown): unknown =>
      typeof x === 'object' && x !== null ? ((x as { trackName?: string }).trackName ?? (x as { dataChannelName?: string }).dataChannelName) : x;
    expect(events.map((e) => [e[0], label(e[1]), e[2]])).toEqual([
      ['trackclosed', 'mic', 'sessionclosed'],
      ['trackclosed', 'cam', 'sessionclosed'],
      ['datachannelclosed', 'chat', 'sessionclosed'],
      ['close', 'expired', undefined],
    ]);
    expect((events[0]![1] as { status: string }).status).toBe('inactive');
    expect(s.closed).toBe(true);
    expect(s.closeReason).toBe('expired');
    expect(s.connectionState).toBe('closed');
    expect(s.snapshot()).toEqual({ tracks: [], dataChannels: [] });
    await expect(waiting).rejects.toBeInstanceOf(InvalidStateError);
    release();
    await expect(running).resolves.toBeUndefined();
    await expect(s.enqueue(() => 1)).rejects.toBeInstanceOf(InvalidStateError);
  });

  test('mutations on a closed session throw InvalidStateError; queries and state reports do not', () => {
    const s = newSession();
    s.close();
    const mutations: Array<() => unknown> = [
      () => s.addLocalTrack({ trackName: 'a', mid: '0' }),
      () => s.markLocalTrackInactive('a'),
      () => s.removeLocalTrack('a'),
      () => s.setLocalTrackNativeHandle('a', 1),
      () => s.addRemoteTrack({ mid: '0', sessionId: 'x', trackName: 'y' }),
      () => s.markRemoteTrackInactive('0'),
      () => s.removeRemoteTrack('0'),
      () => s.addDataChannel({ location: 'local', dataChannelName: 'x' }),
      () => s.updateDataChannel(1, {}),
      () => s.closeDataChannel(1),
      () => s.removeDataChannel(1),
    ];
    for (const mutate of mutations) expect(mutate).toThrow(InvalidStateError);
    expect(s.setConnectionState('connected')).toBe(false);
    expect(s.getLocalTrack('a')).toBeUndefined();
    expect(s.tracksByMid('0')).toEqual([]);
  });

  test('a throwing listener does not break the cascade', () => {
    const s = newSession();
    s.addLocalTrack({ trackName: 'a', mid: '0' });
    s.addLocalTrack({ trackName: 'b', mid: '1' });
    const closed: string[] = [];
    s.on('trackclosed', () => {
      throw new Error('listener bug');
    });
    s.on('trackclosed', (t) => closed.push(t.trackName));
    let reason: string | undefined;
    s.on('close', (r) => (reason = r));
    const errors: unknown[] = [];
    setListenerErrorHandler((error) => errors.push(error));
    try {
      s.close();
    } finally {
      setListenerErrorHandler(undefined);
    }
    expect(closed).toEqual(['a', 'b']);
    expect(reason).toBe('requested');
    expect(errors).toHaveLength(2);
  });
});
