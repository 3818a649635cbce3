import {
  SfuError,
  type DataChannelRequest,
  type DataChannelResult,
  type DataChannelsRequest,
  type DataChannelsResponse,
} from '@opencalls/protocol';
import type { CallSession } from '../call-session.js';
import type { CallsService } from '../calls-service.js';

export const NOT_PULLED_DESCRIPTION = 'DataChannel not found on this session: pull it with datachannels/new first';

/**
 * `PUT …/datachannels/update` (calls-api.md §3.7): grants or revokes `canReply` on channels this
 * session already pulled (named by publisher `sessionId` and `dataChannelName`). The response
 * item carries the resulting `canReply`. Granting it takes it from the subscriber that held it,
 * as the official schema says ("granting canReply to another subscriber replaces the previous
 * selection"). `canReply` is ignored on local channels (the item is echoed). An item naming no
 * live channel of this session fails with `not_found_track_error`. No SDP, no transport wait.
 */
export function datachannelsUpdate(service: CallsService, call: CallSession, req: DataChannelsRequest): DataChannelsResponse {
  const items = req.dataChannels;
  const limit = call.session.checkTracksPerCall(items.length);
  if (!limit.ok) throw new SfuError(limit.code, limit.description);
  return { dataChannels: items.map((item) => updateOne(service, call, item)) };
}

function updateOne(service: CallsService, call: CallSession, item: DataChannelRequest): DataChannelResult {
  const session = call.session;
  if (item.location === 'local') {
    const echo = { location: 'local' as const, dataChannelName: item.dataChannelName };
    const record = session.findDataChannel('local', item.dataChannelName);
    if (!record || record.status === 'inactive') return { ...echo, errorCode: 'not_found_track_error', errorDescription: NOT_PULLED_DESCRIPTION };
    return { ...echo, id: record.id };
  }
  const echo = { location: 'remote' as const, sessionId: item.sessionId, dataChannelName: item.dataChannelName };
  const record = session.findDataChannel('remote', item.dataChannelName, item.sessionId);
  if (!record || record.status === 'inactive' || !service.dataChannels.findSubscribed(session, record.id)) {
    return { ...echo, errorCode: 'not_found_track_error', errorDescription: NOT_PULLED_DESCRIPTION };
  }
  const updated = item.canReply === undefined ? record : service.dataChannels.setCanReply(session, record.id, item.canReply);
  return { ...echo, id: updated.id, canReply: updated.canReply === true };
}
