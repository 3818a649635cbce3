import { ProtocolError, SfuError, type CloseTrackResult, type CloseTracksRequest, type CloseTracksResponse } from '@opencalls/protocol';
import type { CallSession } from '../call-session.js';

export const CLOSE_TRACK_ERROR_DESCRIPTION = "Track doesn't exist or was already closed";

/**
 * `PUT …/tracks/close`: ends pushes and pulls by this session's mids. `force: true` stops
 * forwarding with no SDP; otherwise the client's offer (its transceivers stopped) is answered.
 */
export async function tracksClose(call: CallSession, req: CloseTracksRequest): Promise<CloseTracksResponse> {
  // More than `tracksPerCall` mids: the whole request is rejected (406) before anything closes.
  const limit = call.session.checkTracksPerCall(req.tracks.length);
  if (!limit.ok) throw new SfuError(limit.code, limit.description);
  const force = req.force === true;
  const offer = req.sessionDescription;
  if (!force && offer?.type !== 'offer') {
    throw new ProtocolError('invalid_params', 'tracks/close needs the client offer in sessionDescription unless force is true');
  }
  if (call.transportNegotiated) await call.ensureConnected();
  // The offer first: one that cannot be applied (400) leaves every track as it was.
  const answer = !force && offer ? await call.peer.applyOffer(offer.sdp) : undefined;
  const results: CloseTrackResult[] = req.tracks.map(({ mid }) => {
    const live = call.session.tracksByMid(mid).filter((t) => t.status === 'active');
    if (live.length === 0) return { mid, errorCode: 'close_track_error', errorDescription: CLOSE_TRACK_ERROR_DESCRIPTION };
    for (const track of live) {
      if (track.location === 'local') call.session.markLocalTrackInactive(track.trackName, 'requested');
      else call.session.markRemoteTrackInactive(track.mid, 'requested');
    }
    call.pendingPulls.delete(mid);
    call.pendingPushes.delete(mid);
    if (call.hasPeer) call.peer.closeMid(mid);
    return { mid };
  });
  if (answer === undefined) return { requiresImmediateRenegotiation: false, tracks: results };
  return { requiresImmediateRenegotiation: false, sessionDescription: { type: 'answer', sdp: answer }, tracks: results };
}
