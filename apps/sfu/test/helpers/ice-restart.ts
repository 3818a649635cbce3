import type { RTCPeerConnection } from 'werift';
import type { ApiResponse, CallsApi } from './calls-api.js';

export interface IceRestartResult {
  readonly status: number;
  readonly response: ApiResponse<{ sessionDescription?: { type: string; sdp: string }; errorCode?: string }>;
  /** ice-ufrag / ice-pwd of the client's restart offer and of the SFU's answer. */
  readonly offerCredentials: IceCredentials;
  readonly answerCredentials: IceCredentials | undefined;
}

export interface IceCredentials {
  readonly ufrag: string;
  readonly pwd: string;
}

/** The first ice-ufrag / ice-pwd of an SDP. */
export function iceCredentials(sdp: string): IceCredentials {
  const ufrag = /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1];
  const pwd = /^a=ice-pwd:(\S+)/m.exec(sdp)?.[1];
  if (!ufrag || !pwd) throw new Error('SDP without ice-ufrag/ice-pwd');
  return { ufrag, pwd };
}

export interface IceRestartOptions {
  /** Runs between createOffer and the request (e.g. to bring the network back). */
  readonly beforeSend?: () => void;
  /**
   * Send the offer without candidates, as a browser does when it posts its offer right after
   * setLocalDescription (Calls has no trickle ICE): the SFU then learns the client's address
   * only from its connectivity checks (peer-reflexive).
   */
  readonly withoutCandidates?: boolean;
}

/** The SDP without its `a=candidate` and `a=end-of-candidates` lines. */
export function stripCandidates(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((l) => !l.startsWith('a=candidate:') && l !== 'a=end-of-candidates')
    .join('\r\n');
}

/**
 * A werift client restarts ICE the way a browser does (JSEP §5.2.1): an offer with new
 * credentials, sent with `PUT renegotiate`, then the SFU's answer.
 *
 * werift 0.25.2 skips the ICE checks after a restart when DTLS is already up (its `connect()`
 * returns early), on the offering side as on the answering side; the server works around it
 * (`@opencalls/media` ice-restart.ts), and this client helper does the same for the client.
 */
export async function restartIceFromClient(
  api: CallsApi,
  sessionId: string,
  pc: RTCPeerConnection,
  options: IceRestartOptions = {},
): Promise<IceRestartResult> {
  await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
  const local = pc.localDescription!.sdp;
  const offerSdp = options.withoutCandidates ? stripCandidates(local) : local;
  options.beforeSend?.();
  const response = await api.call<{ sessionDescription?: { type: string; sdp: string }; errorCode?: string }>(
    'PUT',
    `/sessions/${sessionId}/renegotiate`,
    { sessionDescription: { type: 'offer', sdp: offerSdp } },
  );
  const answer = response.body.sessionDescription;
  if (response.status === 200 && answer?.type === 'answer') {
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    for (const transport of pc.iceTransports) {
      if (transport.state === 'new' || transport.state === 'completed') void transport.start().catch(() => undefined);
    }
  }
  return {
    status: response.status,
    response,
    offerCredentials: iceCredentials(offerSdp),
    answerCredentials: answer ? iceCredentials(answer.sdp) : undefined,
  };
}
