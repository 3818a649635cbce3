import {
  asDataChannelName,
  asSessionId,
  SfuError,
  type CloseDataChannelResult,
  type CloseDataChannelsRequest,
  type CloseDataChannelsResponse,
} from '@opencalls/protocol';
import type { CallSession } from '../call-session.js';

export const DATA_CHANNEL_CLOSE_ERROR_DESCRIPTION = "DataChannel doesn't exist or was already closed";

/**
 * `PUT …/datachannels/close` (calls-api.md §3.7): closes channels by the ids allocated on this
 * session. The record turns `inactive` (it stays in `GET session`); its media stops through the
 * hub's cascade, and closing a published channel ends every subscription to it (`sourceclosed`).
 * An unknown or already closed id fails with `close_track_error`. No SDP.
 */
export function datachannelsClose(call: CallSession, req: CloseDataChannelsRequest): CloseDataChannelsResponse {
  const items = req.dataChannels;
  const limit = call.session.checkTracksPerCall(items.length);
  if (!limit.ok) throw new SfuError(limit.code, limit.description);
  const dataChannels = items.map((item): CloseDataChannelResult => {
    const record = call.session.getDataChannel(item.id);
    if (!record || record.status === 'inactive') {
      return { id: item.id, errorCode: 'close_track_error', errorDescription: DATA_CHANNEL_CLOSE_ERROR_DESCRIPTION };
    }
    call.session.closeDataChannel(item.id, 'requested');
    return {
      location: record.location,
      ...(record.sessionId !== undefined ? { sessionId: asSessionId(record.sessionId) } : {}),
      dataChannelName: asDataChannelName(record.dataChannelName),
      id: record.id,
    };
  });
  return { dataChannels };
}
