import {
  asMid,
  ProtocolError,
  type RemoteTrackRequest,
  type SessionDescription,
  type TrackResult,
  type TracksResponse,
} from '@opencalls/protocol';
import { mediaSections, type Publication, type SdpMediaSection } from '@opencalls/media';
import type { CallSession } from '../call-session.js';
import type { CallsService } from '../calls-service.js';
import { findPullable, TRACK_NOT_FOUND_DESCRIPTION } from './pull.js';

/** A pull placed on a receiving media section of the client's offer, or the item's error. */
type Placement =
  | { readonly ok: true; readonly item: RemoteTrackRequest; readonly publisher: Publication; readonly mid: string }
  | { readonly ok: false; readonly result: TrackResult };

/**
 * `tracks/new` pulling remote tracks with a client offer (WHEP client-offer mode, calls-api.md
 * §3.2 variant 5): each pulled track goes on a receiving (`recvonly` or `sendrecv`) media section
 * of the offer — the one named by the item's `mid` (those are placed first), else the first free
 * one of the track's kind, in offer order — and the SFU answers `sendonly` there. The answer needs no renegotiation and
 * the tracks flow as soon as the transport is up. Sections left over are answered `inactive`.
 */
export async function pullWithOffer(
  service: CallsService,
  call: CallSession,
  offer: SessionDescription,
  items: readonly RemoteTrackRequest[],
): Promise<TracksResponse> {
  if (offer.type !== 'offer') {
    throw new ProtocolError('invalid_session_description', 'tracks/new takes an offer, not an answer');
  }
  if (call.transportNegotiated) await call.ensureConnected();
  const appId = call.session.appId;
  const publishers = await Promise.all(items.map((item) => findPullable(service, appId, item)));
  const placements = placePulls(call, mediaSections(offer.sdp), items, publishers);
  const sendonlyMids = placements.flatMap((p) => (p.ok ? [p.mid] : []));

  const answer = await call.peer.applyOffer(offer.sdp, { sendonlyMids });
  call.transportNegotiated = true;
  const tracks = placements.map((p) => (p.ok ? startPull(call, p.item, p.publisher, p.mid) : p.result));
  return { requiresImmediateRenegotiation: false, sessionDescription: { type: 'answer', sdp: answer }, tracks };
}

function placePulls(
  call: CallSession,
  sections: readonly SdpMediaSection[],
  items: readonly RemoteTrackRequest[],
  publishers: readonly (Publication | undefined)[],
): Placement[] {
  const taken = new Set<string>();
  const busy = (mid: string): boolean =>
    taken.has(mid) ||
    call.session.findLocalTrackByMid(mid)?.status === 'active' ||
    call.session.getRemoteTrack(mid)?.status === 'active';
  const receiving = (s: SdpMediaSection): s is SdpMediaSection & { mid: string } =>
    s.mid !== undefined && s.port !== 0 && (s.direction === 'recvonly' || s.direction === 'sendrecv');

  // Items naming a section are placed first, so an auto-placed item cannot take it.
  const order = [...items.keys()].sort((a, b) => Number(!items[a]!.mid) - Number(!items[b]!.mid));
  const placed = new Map<number, Placement>();
  for (const i of order) placed.set(i, placeOne(items[i]!, publishers[i]));
  return items.map((_, i) => placed.get(i)!);

  function placeOne(item: RemoteTrackRequest, publisher: Publication | undefined): Placement {
    const failed = (errorCode: ItemErrorCode, errorDescription: string): Placement => ({
      ok: false,
      result: itemFailure(item, errorCode, errorDescription),
    });
    if (!publisher) return failed('not_found_track_error', TRACK_NOT_FOUND_DESCRIPTION);
    if (item.kind && item.kind !== publisher.kind) {
      return failed('invalid_params', `Track ${item.trackName} is ${publisher.kind}, not ${item.kind}`);
    }
    const fits = (s: SdpMediaSection): s is SdpMediaSection & { mid: string } =>
      receiving(s) && s.kind === publisher.kind && !busy(s.mid);
    const section = item.mid ? sections.find((s) => s.mid === item.mid) : sections.find(fits);
    if (!section || !fits(section)) {
      const where = item.mid ? `media section ${item.mid} of the offer` : `the offer`;
      return failed(
        'invalid_params',
        `No free receiving ${publisher.kind} media section for track ${item.trackName} in ${where}: offer one recvonly section per pulled track`,
      );
    }
    taken.add(section.mid);
    return { ok: true, item, publisher, mid: section.mid };
  }
}

function startPull(call: CallSession, item: RemoteTrackRequest, publisher: Publication, mid: string): TrackResult {
  const failed = (errorCode: ItemErrorCode, errorDescription: string): TrackResult => itemFailure(item, errorCode, errorDescription);
  if (publisher.closed) return failed('not_found_track_error', TRACK_NOT_FOUND_DESCRIPTION);
  const transceiver = call.peer.transceiverByMid(mid);
  if (!transceiver) return failed('invalid_params', `Media section ${mid} was not negotiated`);
  const added = call.session.addRemoteTrack({ mid, sessionId: item.sessionId, trackName: item.trackName, kind: publisher.kind });
  if (!added.ok) return failed(added.errorCode, added.errorDescription);
  call.peer.subscribe(transceiver, publisher, { simulcast: item.simulcast });
  return {
    location: 'remote',
    sessionId: item.sessionId,
    trackName: item.trackName,
    mid: asMid(mid),
    ...(item.simulcast ? { simulcast: item.simulcast } : {}),
  };
}

type ItemErrorCode = NonNullable<TrackResult['errorCode']>;

/** The failed result of one pull: it echoes the item, with `mid: ""` (calls-api.md §3.2). */
function itemFailure(item: RemoteTrackRequest, errorCode: ItemErrorCode, errorDescription: string): TrackResult {
  return { sessionId: item.sessionId, trackName: item.trackName, mid: asMid(''), errorCode, errorDescription };
}
