import {
  asMid,
  ProtocolError,
  SfuError,
  type LocalTrackRequest,
  type RemoteTrackRequest,
  type TrackResult,
  type TracksRequest,
  type TracksResponse,
} from '@opencalls/protocol';
import { generateSessionId } from '@opencalls/session';
import { mediaSections } from '@opencalls/media';
import type { CallSession } from '../call-session.js';
import type { CallsService } from '../calls-service.js';
import { publishFromTransceiver } from './publish.js';
import { MEDIA_SECTIONS_FULL, planPulls, type PullPlanItem } from './pull.js';
import { pullWithOffer } from './pull-with-offer.js';

/**
 * `POST …/sessions/:sessionId/tracks/new`: push (with a client offer, without one, or with
 * `autoDiscover`) or pull (SFU offer, a client offer, or into an existing transceiver with
 * `mid: "#trackName"`).
 */
export async function tracksNew(service: CallsService, call: CallSession, req: TracksRequest): Promise<TracksResponse> {
  const items = req.tracks ?? [];
  const limit = call.session.checkTracksPerCall(items.length);
  if (!limit.ok) throw new SfuError(limit.code, limit.description);
  const location = items[0]?.location ?? 'local';
  if (location === 'remote') return pull(service, call, req, items as readonly RemoteTrackRequest[]);
  return push(call, req, items as readonly LocalTrackRequest[]);
}

async function push(call: CallSession, req: TracksRequest, items: readonly LocalTrackRequest[]): Promise<TracksResponse> {
  const offer = req.sessionDescription;
  if (offer && offer.type !== 'offer') {
    throw new ProtocolError('invalid_session_description', 'tracks/new takes an offer, not an answer');
  }
  if (!offer) return pushWithoutOffer(call, items);

  const named = new Set(items.map((item) => item.mid ?? ''));
  const discovered = req.autoDiscover ? discoverableSections(call, offer.sdp, named) : [];
  // Discovered tracks count toward the per-call limit like named ones (406, nothing applied).
  const limit = call.session.checkTracksPerCall(items.length + discovered.length);
  if (!limit.ok) throw new SfuError(limit.code, limit.description);

  if (call.transportNegotiated) await call.ensureConnected();
  const peer = call.peer;
  const sendrecvMids = items.filter((i) => i.bidirectionalMediaStream && i.mid).map((i) => i.mid!);
  const answer = await peer.applyOffer(offer.sdp, { sendrecvMids });
  call.transportNegotiated = true;
  const results: TrackResult[] = items.map((item) => publishFromTransceiver(call, item.trackName, item.mid ?? ''));
  for (const { mid, kind } of discovered) {
    const result = publishFromTransceiver(call, generateSessionId(), mid);
    results.push({ ...result, kind, location: 'local' });
  }
  return { requiresImmediateRenegotiation: false, sessionDescription: { type: 'answer', sdp: answer }, tracks: results };
}

/** `autoDiscover`: the offer's sending audio/video sections that no item names and no live push holds. */
function discoverableSections(
  call: CallSession,
  sdp: string,
  named: ReadonlySet<string>,
): { readonly mid: string; readonly kind: 'audio' | 'video' }[] {
  const out: { mid: string; kind: 'audio' | 'video' }[] = [];
  for (const section of mediaSections(sdp)) {
    const mid = section.mid;
    if (!mid || named.has(mid) || section.port === 0) continue;
    if (section.kind !== 'audio' && section.kind !== 'video') continue;
    if (section.direction !== 'sendonly' && section.direction !== 'sendrecv') continue;
    if (call.session.findLocalTrackByMid(mid)?.status === 'active') continue;
    out.push({ mid, kind: section.kind });
  }
  return out;
}

/** The SFU offers a receiving transceiver (`kind` required); the answer comes on renegotiate. */
async function pushWithoutOffer(call: CallSession, items: readonly LocalTrackRequest[]): Promise<TracksResponse> {
  if (call.transportNegotiated) await call.ensureConnected();
  const peer = call.peer;
  const created: { item: LocalTrackRequest; transceiver: ReturnType<typeof peer.addRecvTransceiver> | undefined; error?: string }[] = [];
  for (const item of items) {
    if (item.kind !== 'audio' && item.kind !== 'video') {
      created.push({ item, transceiver: undefined, error: `Track ${item.trackName}: kind is required when the SFU generates the offer` });
      continue;
    }
    if (call.session.getLocalTrack(item.trackName)?.status === 'active') {
      created.push({ item, transceiver: undefined, error: `Track ${item.trackName} is already published on this session` });
      continue;
    }
    if (!peer.hasRoomForMediaSection) {
      created.push({ item, transceiver: undefined, error: MEDIA_SECTIONS_FULL });
      continue;
    }
    created.push({ item, transceiver: peer.addRecvTransceiver(item.kind, item.bidirectionalMediaStream ? 'sendrecv' : 'recvonly') });
  }
  const offer = created.some((c) => c.transceiver) ? await peer.createOffer() : undefined;
  const results: TrackResult[] = created.map(({ item, transceiver, error }) => {
    if (!transceiver || !transceiver.mid) {
      return { trackName: item.trackName, mid: asMid(''), errorCode: 'invalid_params', errorDescription: error ?? 'no media section' };
    }
    const added = call.session.addLocalTrack({ trackName: item.trackName, mid: transceiver.mid, kind: item.kind });
    if (!added.ok) return { trackName: item.trackName, mid: asMid(''), errorCode: added.errorCode, errorDescription: added.errorDescription };
    call.pendingPushes.set(transceiver.mid, { transceiver, trackName: item.trackName });
    return { trackName: item.trackName, mid: asMid(transceiver.mid), ...(item.kind ? { kind: item.kind } : {}) };
  });
  return {
    requiresImmediateRenegotiation: offer !== undefined,
    ...(offer ? { sessionDescription: { type: 'offer' as const, sdp: offer } } : {}),
    tracks: results,
  };
}

async function pull(
  service: CallsService,
  call: CallSession,
  req: TracksRequest,
  items: readonly RemoteTrackRequest[],
): Promise<TracksResponse> {
  if (req.sessionDescription) return pullWithOffer(service, call, req.sessionDescription, items);
  if (call.transportNegotiated) await call.ensureConnected();
  const plan: PullPlanItem[] = await planPulls(service, call, items);
  const needsOffer = plan.some((p) => p.kind === 'new-transceiver');
  const offer = needsOffer ? await call.peer.createOffer() : undefined;
  const results: TrackResult[] = plan.map((p) => p.finish());
  return {
    requiresImmediateRenegotiation: offer !== undefined,
    ...(offer ? { sessionDescription: { type: 'offer' as const, sdp: offer } } : {}),
    tracks: results,
  };
}
