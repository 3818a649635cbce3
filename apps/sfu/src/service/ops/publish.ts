import { asMid, asTrackName, type TrackResult } from '@opencalls/protocol';
import type { CallSession } from '../call-session.js';

/**
 * Records the publication carried by the transceiver `mid` (after the offer was applied) as the
 * session's local track `trackName`, and hands its native handle to the inactivity GC.
 */
export function publishFromTransceiver(call: CallSession, trackName: string, mid: string): TrackResult {
  const fail = (errorCode: 'invalid_params' | 'repeated_local_track_error', errorDescription: string): TrackResult => ({
    trackName: asTrackName(trackName),
    mid: asMid(''),
    errorCode,
    errorDescription,
  });
  if (!mid) return fail('invalid_params', `Track ${trackName}: mid is required when pushing with an offer`);
  const published = call.peer.publishedByMid(mid);
  const direction = call.peer.transceiverByMid(mid)?.currentDirection;
  if (!published || published.closed || (direction !== 'recvonly' && direction !== 'sendrecv')) {
    return fail('invalid_params', `Track ${trackName}: the offer has no media section with mid ${mid} sending to the SFU`);
  }
  const added = call.session.addLocalTrack({ trackName, mid, kind: published.kind, nativeHandle: published.handle });
  if (!added.ok) return { trackName: asTrackName(trackName), mid: asMid(''), errorCode: added.errorCode, errorDescription: added.errorDescription };
  return { trackName: asTrackName(trackName), mid: asMid(mid) };
}

/** After an answer to an SFU offer: the pushes it completes become live publications. */
export function completePendingPushes(call: CallSession): void {
  for (const [mid, pending] of call.pendingPushes) {
    const published = call.peer.publishedByMid(mid);
    if (!published) continue;
    call.pendingPushes.delete(mid);
    const track = call.session.getLocalTrack(pending.trackName);
    if (track?.status === 'active' && track.mid === mid) {
      call.session.setLocalTrackNativeHandle(pending.trackName, published.handle);
    }
  }
}
