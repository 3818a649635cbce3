import { describe, expect, test } from 'vitest';
import { effectiveConnectionState, type ConnectivityInputs } from '../src/peer-connectivity.js';
import { keepCandidates } from '../src/sdp-candidates.js';

const base: ConnectivityInputs = {
  pcState: 'connected',
  iceState: 'connected',
  everConnected: true,
  nominated: true,
  silentMs: 0,
  disconnectedAfterMs: 10_000,
};

describe('effectiveConnectionState (what the session sees)', () => {
  test.each<{ name: string; inputs: Partial<ConnectivityInputs>; state: string }>([
    // Before the first connection werift's own state is the truth.
    { name: 'fresh', inputs: { pcState: 'new', iceState: 'new', everConnected: false, nominated: false }, state: 'new' },
    { name: 'first checks', inputs: { pcState: 'connecting', iceState: 'checking', everConnected: false }, state: 'connecting' },
    { name: 'first connect failed', inputs: { pcState: 'failed', iceState: 'failed', everConnected: false }, state: 'failed' },
    { name: 'never connected, long silent', inputs: { pcState: 'connecting', iceState: 'checking', everConnected: false, silentMs: 60_000 }, state: 'connecting' },
    // Connected and healthy.
    { name: 'connected', inputs: {}, state: 'connected' },
    { name: 'ICE completed', inputs: { iceState: 'completed' }, state: 'connected' },
    { name: 'silent just under the threshold', inputs: { silentMs: 9_999 }, state: 'connected' },
    // Lost connectivity: werift still says connected, the peer has gone quiet.
    { name: 'silent for the threshold', inputs: { silentMs: 10_000 }, state: 'disconnected' },
    { name: 'consent expired (werift: failed)', inputs: { pcState: 'failed', iceState: 'failed', silentMs: 30_000 }, state: 'failed' },
    // ICE restart: werift leaves pcState alone (or at failed); the ICE transport tells.
    { name: 'restart: agent reset', inputs: { iceState: 'new', nominated: false }, state: 'connecting' },
    { name: 'restart: gathered (werift says completed, no pair yet)', inputs: { iceState: 'completed', nominated: false }, state: 'connecting' },
    { name: 'restart: checking', inputs: { iceState: 'checking', nominated: false }, state: 'connecting' },
    { name: 'restart: reconnected', inputs: { iceState: 'connected' }, state: 'connected' },
    { name: 'restart after consent expiry: reconnected', inputs: { pcState: 'failed', iceState: 'connected' }, state: 'connected' },
    { name: 'restart checks failed', inputs: { iceState: 'failed', nominated: false }, state: 'failed' },
    // Closed wins over everything.
    { name: 'closed (remote DTLS close_notify or local close)', inputs: { pcState: 'closed', iceState: 'closed' }, state: 'closed' },
    { name: 'closed while ICE looked fine', inputs: { pcState: 'closed' }, state: 'closed' },
  ])('$name → $state', ({ inputs, state }) => {
    expect(effectiveConnectionState({ ...base, ...inputs })).toBe(state);
  });
});

describe('keepCandidates', () => {
  test('drops candidates on other addresses and repeated lines within one media section', () => {
    const cand = (port: number, address = '127.0.0.1'): string => `a=candidate:1 1 udp 2130706431 ${address} ${port} typ host`;
    const sdp = ['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', cand(5000), cand(5000), cand(5001, '10.0.0.2'), 'm=video 9 UDP/TLS/RTP/SAVPF 96', cand(5000), ''].join('\r\n');
    expect(keepCandidates(sdp, ['127.0.0.1']).split('\r\n')).toEqual([
      'v=0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      cand(5000),
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      cand(5000),
      '',
    ]);
  });
});
