import { RTP_EXTENSION_URI, rtpHeaderExtensionsParser, type RTCPeerConnection, type RTCRtpReceiver, type RtpPacket } from 'werift';

/** The parts of werift 0.25.2's per-PeerConnection `RtpRouter` used here (private in its d.ts). */
interface RtpRouterInternals {
  extIdUriMap: Record<number, string>;
  routeRtp: (packet: RtpPacket) => void;
  registerRtpReceiver(receiver: RTCRtpReceiver, ssrc: number): void;
}

/**
 * werift 0.25.2 routes an RTP packet carrying the RID header extension by RID alone, in one table
 * per PeerConnection, so two simulcast transceivers with the same rids (a camera and a screen
 * share, both f/h/q) collide: every layer goes to the transceiver negotiated last. This wraps the
 * PeerConnection's router: a packet with both the MID and the RID extension goes to the RID track
 * of the transceiver with that mid, and its SSRC is registered there, so later packets without the
 * extensions (browsers drop them once acknowledged) follow. Anything else takes werift's path.
 * Only engine `werift` receives RTP in JS; on engine `native` this is never called.
 */
export function routeRidsByMid(pc: RTCPeerConnection): void {
  const router = (pc as unknown as { router?: RtpRouterInternals }).router;
  if (!router || typeof router.routeRtp !== 'function') return;
  const original = router.routeRtp;
  router.routeRtp = (packet: RtpPacket): void => {
    const extensions = rtpHeaderExtensionsParser(packet.header.extensions, router.extIdUriMap);
    const rid = extensions[RTP_EXTENSION_URI.sdesRTPStreamID];
    const mid = extensions[RTP_EXTENSION_URI.sdesMid];
    if (typeof rid === 'string' && typeof mid === 'string') {
      const receiver = pc.getTransceivers().find((t) => t.mid === mid)?.receiver;
      if (receiver?.trackByRID[rid]) {
        router.registerRtpReceiver(receiver, packet.header.ssrc);
        receiver.latestRid = rid;
        receiver.sdesMid = mid;
        receiver.handleRtpByRid(packet, rid, extensions);
        return;
      }
    }
    original(packet);
  };
}
