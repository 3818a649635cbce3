import {
  SfuError,
  type DataChannelResult,
  type DataChannelsRequest,
  type DataChannelsResponse,
  type ItemErrorCode,
  type LocalDataChannelRequest,
  type RemoteDataChannelRequest,
} from '@opencalls/protocol';
import { DataChannelRelay } from '@opencalls/media';
import type { RTCDataChannel } from 'werift';
import type { CallSession } from '../call-session.js';
import type { CallsService } from '../calls-service.js';
import { requireDataTransport } from './datachannels-transport.js';

export const DATA_CHANNEL_NOT_FOUND_DESCRIPTION =
  'DataChannel not found on remote peer. Make sure the publisher session published it with datachannels/new';

/**
 * `POST …/datachannels/new` (calls-api.md §3.7): publish (`local`) or subscribe to (`remote`)
 * channels. Each item gets an SCTP stream id on this session; the client then opens
 * `createDataChannel(name, {negotiated: true, id})` with the same delivery policy, and the SFU has
 * opened its end of that stream already. No SDP exchange. Item errors: `repeated_local_track_error`
 * (the channel exists on this session), `not_found_track_error` (no such published channel in
 * this app).
 */
export async function datachannelsNew(service: CallsService, call: CallSession, req: DataChannelsRequest): Promise<DataChannelsResponse> {
  const items = req.dataChannels;
  const limit = call.session.checkTracksPerCall(items.length);
  if (!limit.ok) throw new SfuError(limit.code, limit.description);
  await requireDataTransport(service, call);
  const dataChannels = items.map((item) => (item.location === 'local' ? publish(service, call, item) : subscribe(service, call, item)));
  return { dataChannels };
}

function publish(service: CallsService, call: CallSession, item: LocalDataChannelRequest): DataChannelResult {
  const echo = { location: 'local' as const, dataChannelName: item.dataChannelName };
  const added = call.session.addDataChannel({
    location: 'local',
    dataChannelName: item.dataChannelName,
    id: service.dataChannels.channelIdHint(call),
    ordered: item.ordered,
    maxRetransmits: item.maxRetransmits,
    maxPacketLifeTime: item.maxPacketLifeTime,
  });
  if (!added.ok) return { ...echo, errorCode: added.errorCode, errorDescription: added.errorDescription };
  const id = added.value.id;
  const channel = openChannel(call, item, id);
  if (typeof channel === 'string') return { ...echo, errorCode: 'internal_error', errorDescription: channel };
  service.dataChannels.addPublished(call, id, new DataChannelRelay(channel));
  return { ...echo, id };
}

function subscribe(service: CallsService, call: CallSession, item: RemoteDataChannelRequest): DataChannelResult {
  const echo = { location: 'remote' as const, sessionId: item.sessionId, dataChannelName: item.dataChannelName };
  const fail = (errorCode: ItemErrorCode, errorDescription: string): DataChannelResult => ({ ...echo, errorCode, errorDescription });
  const published = service.registry.findPublishedDataChannel(call.session.appId, item.sessionId, item.dataChannelName);
  const relay = service.dataChannels.findRelay(published?.session, published?.channel);
  if (!relay) return fail('not_found_track_error', DATA_CHANNEL_NOT_FOUND_DESCRIPTION);
  const added = call.session.addDataChannel({
    location: 'remote',
    sessionId: item.sessionId,
    dataChannelName: item.dataChannelName,
    id: service.dataChannels.channelIdHint(call),
    waitForAck: item.waitForAck,
    canReply: false, // set below, through the relay, so that only one subscriber holds it
    ordered: item.ordered,
    maxRetransmits: item.maxRetransmits,
    maxPacketLifeTime: item.maxPacketLifeTime,
  });
  if (!added.ok) return fail(added.errorCode, added.errorDescription);
  const id = added.value.id;
  const channel = openChannel(call, item, id);
  if (typeof channel === 'string') return fail('internal_error', channel);
  const subscriber = relay.subscribe(channel, { waitForAck: item.waitForAck, waitForAckMs: service.config.limits.waitForAckMs });
  service.dataChannels.addSubscribed(call, id, subscriber, relay);
  if (item.canReply) service.dataChannels.setCanReply(call.session, id, true);
  return { ...echo, id, ...(item.canReply !== undefined ? { canReply: item.canReply } : {}) };
}

/** The SFU's end of the negotiated stream `id`, or why it failed (the record is closed then). */
function openChannel(
  call: CallSession,
  item: LocalDataChannelRequest | RemoteDataChannelRequest,
  id: number,
): RTCDataChannel | string {
  try {
    return call.peer.dataChannels.createNegotiated(item.dataChannelName, {
      id,
      ordered: item.ordered,
      maxRetransmits: item.maxRetransmits,
      maxPacketLifeTime: item.maxPacketLifeTime,
    });
  } catch (error) {
    call.session.closeDataChannel(id, 'requested');
    return error instanceof Error ? error.message : String(error);
  }
}
