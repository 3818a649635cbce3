import {
  asMid,
  ProtocolError,
  SfuError,
  type UpdateTrackRequest,
  type UpdateTrackResult,
  type UpdateTracksRequest,
  type UpdateTracksResponse,
} from '@opencalls/protocol';
import type { CallSession } from '../call-session.js';
import type { CallsService } from '../calls-service.js';
import { findPullable, TRACK_NOT_FOUND_DESCRIPTION } from './pull.js';

/**
 * `PUT …/tracks/update`: each item names a transceiver of THIS session by `mid` (or
 * `#<localTrackName>`) and either
 * - names the remote track it already carries: its `simulcast` wishes change, and the subscriber
 *   moves to the layer they choose (a keyframe of that layer is requested at once); or
 * - names another remote track (`reuse_transceiver`): the transceiver carries that track from now
 *   on, with no renegotiation (seq/ts continue; the switch completes at the new source's keyframe).
 * A mid with no pull (or no transceiver able to send) is `update_track_error`; a remote track that
 * is not published is `not_found_track_error`. Never renegotiates.
 */
export async function tracksUpdate(service: CallsService, call: CallSession, req: UpdateTracksRequest): Promise<UpdateTracksResponse> {
  const limit = call.session.checkTracksPerCall(req.tracks.length);
  if (!limit.ok) throw new SfuError(limit.code, limit.description);
  if (req.sessionDescription) {
    throw new ProtocolError('invalid_params', 'tracks/update does not take a sessionDescription: it never renegotiates');
  }
  await call.ensureConnected();
  const tracks: UpdateTrackResult[] = [];
  for (const item of req.tracks) tracks.push(await updateOne(service, call, item));
  return { requiresImmediateRenegotiation: false, tracks };
}

async function updateOne(service: CallsService, call: CallSession, item: UpdateTrackRequest): Promise<UpdateTrackResult> {
  const what = item.simulcast ? 'simulcast update' : 'update';
  const fail = (mid: string, why: string): UpdateTrackResult => ({
    mid: asMid(mid),
    ...(item.sessionId !== undefined ? { sessionId: item.sessionId } : {}),
    ...(item.trackName !== undefined ? { trackName: item.trackName } : {}),
    errorCode: 'update_track_error',
    errorDescription: `Track on mid ${mid} is not configured for the requested ${what}: ${why}`,
  });
  if (item.location === 'local') return fail(item.mid, 'only pulled (remote) tracks can be updated');
  const { sessionId, trackName } = item;
  if (!sessionId || !trackName) return fail(item.mid, 'sessionId and trackName of the remote track are required');

  const mid = resolveMid(call, item.mid);
  if (mid === undefined) return fail(item.mid, `this session has no local track ${item.mid.slice(1)}`);
  const transceiver = call.hasPeer ? call.peer.transceiverByMid(mid) : undefined;
  if (!transceiver || transceiver.stopped || transceiver.stopping) return fail(mid, 'this session has no such transceiver');
  const ok: UpdateTrackResult = { mid: asMid(mid), sessionId, trackName, ...(item.simulcast ? { simulcast: item.simulcast } : {}) };

  const remote = call.session.getRemoteTrack(mid);
  const pending = call.pendingPulls.get(mid);
  const sub = call.peer.subscriptionByMid(mid);
  const live = remote?.status === 'active';

  // Same remote track: only the simulcast wishes change.
  if (live && remote.sessionId === sessionId && remote.trackName === trackName) {
    if (!item.simulcast) return ok;
    if (pending) call.pendingPulls.set(mid, { ...pending, simulcast: item.simulcast });
    else if (sub && !sub.closed) sub.setSimulcast(item.simulcast);
    else return fail(mid, 'the pull on this mid is not forwarding');
    return ok;
  }

  // Another remote track on this transceiver.
  if (!pending) {
    const direction = transceiver.currentDirection;
    if (direction !== 'sendonly' && direction !== 'sendrecv') return fail(mid, 'this transceiver does not send to the client');
  }
  const publisher = await findPullable(service, call.session.appId, { sessionId, trackName });
  if (!publisher) {
    return { mid: asMid(mid), sessionId, trackName, errorCode: 'not_found_track_error', errorDescription: TRACK_NOT_FOUND_DESCRIPTION };
  }
  if (publisher.kind !== transceiver.kind) return fail(mid, `track ${trackName} is ${publisher.kind}, the transceiver is ${transceiver.kind}`);
  const booked = live
    ? call.session.retargetRemoteTrack({ mid, sessionId, trackName, kind: publisher.kind })
    : call.session.addRemoteTrack({ mid, sessionId, trackName, kind: publisher.kind });
  if (!booked.ok) return fail(mid, booked.errorDescription);
  const simulcast = item.simulcast ?? (live ? (pending?.simulcast ?? sub?.simulcast) : undefined);
  if (pending) call.pendingPulls.set(mid, { transceiver, publisher, mid, simulcast });
  else call.peer.subscribe(transceiver, publisher, { simulcast });
  return ok;
}

/** `#name` → the mid of this session's active local track `name`; other mids as they are. */
function resolveMid(call: CallSession, mid: string): string | undefined {
  if (!mid.startsWith('#')) return mid;
  const local = call.session.getLocalTrack(mid.slice(1));
  return local?.status === 'active' ? local.mid : undefined;
}
