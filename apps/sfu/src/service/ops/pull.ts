import { asMid, type RemoteTrackRequest, type TrackResult } from '@opencalls/protocol';
import type { Publication } from '@opencalls/media';
import type { CallSession } from '../call-session.js';
import type { CallsService } from '../calls-service.js';

/** One pull of a tracks/new call: decided before the SFU offer, finished (mid known) after it. */
export interface PullPlanItem {
  readonly kind: 'error' | 'new-transceiver' | 'reuse';
  finish(): TrackResult;
}

export const MEDIA_SECTIONS_FULL =
  "This session's SDP has as many media sections as OpenCalls negotiates (512): open another session for more tracks";

export const TRACK_NOT_FOUND_DESCRIPTION =
  'Track not found on remote peer. Make sure the publisher peer is connected and sending packets for this track';

export async function planPulls(
  service: CallsService,
  call: CallSession,
  items: readonly RemoteTrackRequest[],
): Promise<PullPlanItem[]> {
  const appId = call.session.appId;
  const found = await Promise.all(items.map((item) => findPullable(service, appId, item)));
  return items.map((item, i) => planOne(call, item, found[i]));
}

function planOne(call: CallSession, item: RemoteTrackRequest, publisher: Publication | undefined): PullPlanItem {
  const echo = { location: 'remote' as const, sessionId: item.sessionId, trackName: item.trackName, ...(item.simulcast ? { simulcast: item.simulcast } : {}) };
  const error = (errorCode: 'not_found_track_error' | 'invalid_params', errorDescription: string): PullPlanItem => ({
    kind: 'error',
    finish: () => ({ sessionId: item.sessionId, trackName: item.trackName, mid: asMid(''), errorCode, errorDescription }),
  });
  if (!publisher) return error('not_found_track_error', TRACK_NOT_FOUND_DESCRIPTION);
  if (item.kind && item.kind !== publisher.kind) {
    return error('invalid_params', `Track ${item.trackName} is ${publisher.kind}, not ${item.kind}`);
  }
  const peer = call.peer;

  // `mid: "#name"`: carry the remote track on the transceiver of this session's local track `name`.
  if (item.mid?.startsWith('#')) {
    const local = call.session.getLocalTrack(item.mid.slice(1));
    const transceiver = local?.status === 'active' ? peer.transceiverByMid(local.mid) : undefined;
    if (!local || !transceiver) return error('invalid_params', `No local track ${item.mid.slice(1)} to reuse for ${item.trackName}`);
    if (transceiver.kind !== publisher.kind) return error('invalid_params', `Track ${item.mid.slice(1)} is ${transceiver.kind}, not ${publisher.kind}`);
    const direction = transceiver.currentDirection;
    if (direction !== 'sendrecv' && direction !== 'sendonly') {
      return error('invalid_params', `Track ${item.mid.slice(1)} was not pushed with bidirectionalMediaStream: its transceiver cannot send`);
    }
    return {
      kind: 'reuse',
      finish: () => {
        const added = call.session.addRemoteTrack({ mid: local.mid, sessionId: item.sessionId, trackName: item.trackName, kind: publisher.kind });
        if (!added.ok) return { sessionId: item.sessionId, trackName: item.trackName, mid: asMid(''), errorCode: added.errorCode, errorDescription: added.errorDescription };
        peer.subscribe(transceiver, publisher, { simulcast: item.simulcast });
        return { ...echo, mid: asMid(local.mid) };
      },
    };
  }

  if (!peer.hasRoomForMediaSection) return error('invalid_params', MEDIA_SECTIONS_FULL);
  const transceiver = peer.addSendTransceiver(publisher.kind);
  return {
    kind: 'new-transceiver',
    finish: () => {
      const mid = transceiver.mid ?? '';
      const added = call.session.addRemoteTrack({ mid, sessionId: item.sessionId, trackName: item.trackName, kind: publisher.kind });
      if (!added.ok) return { sessionId: item.sessionId, trackName: item.trackName, mid: asMid(''), errorCode: added.errorCode, errorDescription: added.errorDescription };
      call.pendingPulls.set(mid, { transceiver, publisher, mid, simulcast: item.simulcast });
      return { ...echo, mid: asMid(mid) };
    },
  };
}

/**
 * The publication to pull. A publication that exists but has not sent a packet yet is waited for
 * (up to `pullWaitForMediaMs`), instead of failing at once as Calls sometimes does.
 */
export async function findPullable(
  service: CallsService,
  appId: string,
  item: { readonly sessionId: string; readonly trackName: string },
): Promise<Publication | undefined> {
  const deadline = performance.now() + service.config.limits.pullWaitForMediaMs;
  for (;;) {
    const pub = service.findPublished(appId, item.sessionId, item.trackName);
    const registered = service.registry.findPublishedTrack(appId, item.sessionId, item.trackName);
    if (pub && pub.stats().packets > 0) return pub;
    if (!registered) return undefined;
    if (performance.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** After the client's answer: every pending pull starts forwarding. */
export function completePendingPulls(call: CallSession): void {
  for (const [mid, pending] of call.pendingPulls) {
    call.pendingPulls.delete(mid);
    const remote = call.session.getRemoteTrack(mid);
    if (remote?.status !== 'active') continue;
    if (pending.publisher.closed) {
      call.session.markRemoteTrackInactive(mid, 'sourceclosed');
      continue;
    }
    call.peer.subscribe(pending.transceiver, pending.publisher, { simulcast: pending.simulcast });
  }
}
