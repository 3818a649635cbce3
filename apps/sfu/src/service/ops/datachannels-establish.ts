import {
  asDataChannelName,
  ProtocolError,
  SERVER_EVENTS_CHANNEL,
  SfuError,
  type EstablishDataChannelsRequest,
  type EstablishDataChannelsResponse,
} from '@opencalls/protocol';
import { mediaSections } from '@opencalls/media';
import type { CallSession } from '../call-session.js';
import type { CallsService } from '../calls-service.js';

export const TRANSPORT_EXISTS_DESCRIPTION =
  'The DataChannel transport is already established on this session: datachannels/establish works once per session';

/**
 * `POST …/datachannels/establish` (calls-api.md §3.7): sets up the session's SCTP transport by
 * pulling the reserved `server-events` channel (stream 0).
 * - No offer: the SFU creates its end of `server-events` and offers (`m=application`); the client
 *   answers with `PUT renegotiate`. `requiresImmediateRenegotiation: true`.
 * - A client offer with an `m=application` section: the SFU answers. `false`.
 * Once the session has a transport (from here, or from an offer with `m=application`), repeating
 * it is `decoding_error` (400), as Calls documents ("transport setup failure").
 */
export async function datachannelsEstablish(
  service: CallsService,
  call: CallSession,
  req: EstablishDataChannelsRequest,
): Promise<EstablishDataChannelsResponse> {
  const offer = req.sessionDescription;
  if (offer && offer.type !== 'offer') {
    throw new ProtocolError('invalid_session_description', 'datachannels/establish takes an offer, not an answer');
  }
  if (call.hasPeer && call.peer.dataChannels.state !== 'none') {
    throw new ProtocolError('decoding_error', TRANSPORT_EXISTS_DESCRIPTION);
  }
  if (offer && !mediaSections(offer.sdp).some((s) => s.kind === 'application' && s.port !== 0)) {
    throw new ProtocolError('decoding_error', 'DataChannel transport setup failed: the offer has no m=application section');
  }
  if (call.transportNegotiated) await call.ensureConnected();
  const peer = call.peer;

  if (offer) {
    const answer = await peer.applyOffer(offer.sdp);
    call.transportNegotiated = true;
    const record = service.dataChannels.ensureServerEvents(call);
    if (!record) throw new SfuError('decoding_error', 'DataChannel transport setup failed: the SCTP transport was not negotiated');
    return {
      requiresImmediateRenegotiation: false,
      dataChannel: { dataChannelName: asDataChannelName(SERVER_EVENTS_CHANNEL), id: record.id },
      sessionDescription: { type: 'answer', sdp: answer },
    };
  }

  const record = service.dataChannels.openServerEvents(call);
  const sdp = await peer.createOffer();
  return {
    requiresImmediateRenegotiation: true,
    dataChannel: { dataChannelName: asDataChannelName(SERVER_EVENTS_CHANNEL), id: record.id },
    sessionDescription: { type: 'offer', sdp },
  };
}
