import { asSessionId, ProtocolError, type NewSessionRequest, type NewSessionResponse } from '@opencalls/protocol';
import type { CallsService } from '../calls-service.js';

export interface NewSessionParams {
  readonly appId: string;
  readonly thirdparty: boolean;
  readonly correlationId: string | undefined;
}

/**
 * `POST …/sessions/new`: no body → a session id. The legacy body with an offer also sets up the
 * PeerConnection and answers (the offer's media sections are not published as tracks: that needs
 * tracks/new, as in Calls).
 */
export async function sessionsNew(service: CallsService, params: NewSessionParams, req: NewSessionRequest): Promise<NewSessionResponse> {
  const offer = req.sessionDescription;
  if (offer && offer.type !== 'offer') {
    throw new ProtocolError('invalid_session_description', 'sessions/new takes an offer, not an answer');
  }
  const call = service.createSession(params.appId, { thirdparty: params.thirdparty, correlationId: params.correlationId });
  if (!offer) return { sessionId: asSessionId(call.id) };
  try {
    const answer = await call.session.enqueue(() => call.peer.applyOffer(offer.sdp));
    call.transportNegotiated = true;
    return { sessionId: asSessionId(call.id), sessionDescription: { type: 'answer', sdp: answer } };
  } catch (error) {
    call.session.close('requested');
    throw error;
  }
}
