import type { RTCPeerConnection } from 'werift';
import type { CallsApi } from './calls-api.js';
import { NetworkSwitch } from './network-switch.js';
import { syntheticPublisher, type SyntheticSender } from './werift-peers.js';

export interface AnsweredButUnreachable {
  readonly sessionId: string;
  readonly publisher: SyntheticSender;
  readonly network: NetworkSwitch;
}

/**
 * A client that pushes "cam" and "mic" with an offer and applies the SFU's answer, but whose
 * network is cut before ICE can run: the session has negotiated its transport and never connects
 * (until `network.restore()`).
 */
export async function answeredButUnreachable(api: CallsApi, pc: RTCPeerConnection): Promise<AnsweredButUnreachable> {
  const publisher = syntheticPublisher(pc);
  const sessionId = await api.newSession();
  await pc.setLocalDescription(await pc.createOffer());
  const network = new NetworkSwitch(pc);
  network.cut();
  const res = await api.tracksNew(sessionId, {
    sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
    tracks: [
      { location: 'local', mid: publisher.video.mid, trackName: 'cam' },
      { location: 'local', mid: publisher.audio.mid, trackName: 'mic' },
    ],
  });
  if (res.status !== 200 || !res.body.sessionDescription) throw new Error(`push failed: ${res.text}`);
  await pc.setRemoteDescription(res.body.sessionDescription);
  return { sessionId, publisher, network };
}
