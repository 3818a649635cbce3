import { describe, expect, test } from 'vitest';
import { INACTIVE_TRACKS_KEPT, Session } from '../src/index.js';
import { FakeClock } from '../src/testing/index.js';

describe('inactive track records', () => {
  test(`a session that pulls and closes tracks all day keeps the newest ${INACTIVE_TRACKS_KEPT} inactive ones per location, and every active one`, () => {
    const s = new Session({ appId: 'app', clock: new FakeClock(1_000) });
    s.addRemoteTrack({ mid: 'kept', sessionId: 'p'.repeat(32), trackName: 'always-on', kind: 'video' });
    s.addLocalTrack({ trackName: 'cam', mid: 'cam-mid', kind: 'video' });
    for (let i = 0; i < 200; i++) {
      s.addRemoteTrack({ mid: String(i), sessionId: 'p'.repeat(32), trackName: `t${i}`, kind: 'audio' });
      expect(s.markRemoteTrackInactive(String(i))?.status).toBe('inactive');
      s.addLocalTrack({ trackName: `mic${i}`, mid: `m${i}`, kind: 'audio' });
      s.markLocalTrackInactive(`mic${i}`);
    }
    const remote = s.remoteTracks();
    expect(remote.filter((t) => t.status === 'active').map((t) => t.mid)).toEqual(['kept']);
    expect(remote.filter((t) => t.status === 'inactive').map((t) => t.mid)).toEqual(
      Array.from({ length: INACTIVE_TRACKS_KEPT }, (_, i) => String(200 - INACTIVE_TRACKS_KEPT + i)),
    );
    const local = s.localTracks();
    expect(local.filter((t) => t.status === 'active').map((t) => t.trackName)).toEqual(['cam']);
    expect(local.filter((t) => t.status === 'inactive')).toHaveLength(INACTIVE_TRACKS_KEPT);
    expect(local.at(-1)?.trackName).toBe('mic199');
    expect(s.snapshot().tracks).toHaveLength(2 + 2 * INACTIVE_TRACKS_KEPT);
  });
});
