import { ProtocolError, type RenegotiateRequest, type RenegotiateResponse } from '@opencalls/protocol';
import type { CallSession } from '../call-session.js';
import { completePendingPushes } from './publish.js';
import { completePendingPulls } from './pull.js';

/**
 * `PUT …/renegotiate`: the client's answer to the SFU's last offer. A client offer (an ICE
 * restart, say) is accepted too and answered — Calls' beta cannot do this.
 */
export async function renegotiate(call: CallSession, req: RenegotiateRequest): Promise<RenegotiateResponse> {
  const desc = req.sessionDescription;
  if (!call.hasPeer) {
    throw new ProtocolError('invalid_session_description', 'There is no SFU offer to answer: this session has not negotiated yet');
  }
  if (desc.type === 'offer') {
    const answer = await call.peer.applyOffer(desc.sdp);
    call.transportNegotiated = true;
    completePendingPushes(call);
    return { sessionDescription: { type: 'answer', sdp: answer } };
  }
  await call.peer.applyAnswer(desc.sdp);
  call.transportNegotiated = true;
  completePendingPulls(call);
  completePendingPushes(call);
  return {};
}
