import { describe, expect, test } from 'vitest';
import { Session } from '../src/index.js';
import { FakeClock } from '../src/testing/index.js';

const PUB_A = 'a'.repeat(32);
const PUB_B = 'b'.repeat(32);

describe('Session.retargetRemoteTrack (tracks/update reusing a transceiver)', () => {
  test('the active pull on a mid gets another source; trackupdated, never trackclosed', () => {
    const s = new Session({ appId: 'app', clock: new FakeClock(1_000) });
    s.addRemoteTrack({ mid: '4', sessionId: PUB_A, trackName: 'cam', kind: 'video' });
    const events: string[] = [];
    s.on('trackupdated', (t) => events.push(`updated ${t.location} ${t.mid}`));
    s.on('trackclosed', () => events.push('closed'));
    const result = s.retargetRemoteTrack({ mid: '4', sessionId: PUB_B, trackName: 'screen' });
    expect(result).toMatchObject({ ok: true, value: { mid: '4', sessionId: PUB_B, trackName: 'screen', kind: 'video', status: 'active' } });
    expect(s.getRemoteTrack('4')).toMatchObject({ sessionId: PUB_B, trackName: 'screen' });
    expect(s.snapshot().tracks).toEqual([{ location: 'remote', mid: '4', sessionId: PUB_B, trackName: 'screen', status: 'active' }]);
    expect(events).toEqual(['updated remote 4']);
  });

  test('no active pull on the mid, or an empty field → invalid_params, nothing changes', () => {
    const s = new Session({ appId: 'app', clock: new FakeClock(1_000) });
    expect(s.retargetRemoteTrack({ mid: '9', sessionId: PUB_B, trackName: 'x' })).toMatchObject({ ok: false, errorCode: 'invalid_params' });
    s.addRemoteTrack({ mid: '4', sessionId: PUB_A, trackName: 'cam' });
    expect(s.retargetRemoteTrack({ mid: '4', sessionId: '', trackName: 'x' })).toMatchObject({ ok: false, errorCode: 'invalid_params' });
    s.markRemoteTrackInactive('4', 'sourceclosed');
    expect(s.retargetRemoteTrack({ mid: '4', sessionId: PUB_B, trackName: 'x' })).toMatchObject({ ok: false, errorCode: 'invalid_params' });
    expect(s.getRemoteTrack('4')).toMatchObject({ sessionId: PUB_A, trackName: 'cam', status: 'inactive' });
  });
});
