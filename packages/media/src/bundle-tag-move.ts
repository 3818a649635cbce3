import type { RTCDtlsTransport, RTCPeerConnection, RTCRtpTransceiver } from 'werift';

/**
 * A client offer that rejects the m= section carrying its BUNDLE tag (partytracks closes a track
 * by `transceiver.stop()` and a new offer; when that track sat on the first mid, the tag must move,
 * RFC 8843 §7.5.3) moves the whole group to the new tag's transport. libwebrtc (Chrome, Safari)
 * keys transports by the tag's mid, so it opens a NEW ICE + DTLS transport for the new tag: new
 * port, fresh DTLS handshake. werift, left alone, keeps the group on its established transport and
 * ignores the second DTLS handshake: ICE connects, DTLS never does, media stops.
 *
 * So before such an offer is applied, the group's live transceivers get a fresh werift transport
 * (new ICE credentials and socket, new DTLS server); the answer then carries its parameters and the
 * client's new transport handshakes with it; `onConnected` runs once it is up. The old transport is closed by werift once only the
 * stopped transceiver uses it. Senders and receivers keep their SSRCs, so forwarding continues.
 *
 * The rejected tag's m= line is retired: werift would recycle it for the next new transceiver,
 * and Chrome cannot apply an answer that puts a new mid on it ("Failed to setup RTCP mux"), so
 * new transceivers get a new m= line instead (`keepRetiredTagLines`).
 *
 * Limit: a client that keeps its old transport when its tag moves (werift as a client does) would
 * now be answered with a transport it never connects to. Browsers are what partytracks runs in.
 */
export function moveBundleTransportIfTagRejected(
  pc: RTCPeerConnection,
  offerSdp: string,
  onConnected: (moved: readonly RTCRtpTransceiver[]) => void,
): boolean {
  const previous = pc.remoteDescription?.sdp ?? pc.localDescription?.sdp;
  if (!previous) return false;
  const oldTag = bundleGroup(previous)[0];
  const newGroup = bundleGroup(offerSdp);
  const newTag = newGroup[0];
  if (oldTag === undefined || newTag === undefined || oldTag === newTag) return false;
  if (!isRejected(offerSdp, oldTag)) return false;
  const oldTagTransceiver = pc.getTransceivers().find((t) => t.mid === oldTag);
  if (oldTagTransceiver) retiredTagLines.add(oldTagTransceiver);
  const oldTransport = oldTagTransceiver?.dtlsTransport;
  if (!oldTransport) return false;
  const movers = pc
    .getTransceivers()
    .filter((t) => t.mid !== null && newGroup.includes(t.mid) && t.dtlsTransport === oldTransport && !t.stopping && !t.stopped);
  if (movers.length === 0) return false;
  // werift keeps this private; it is how werift itself makes the transport of a new BUNDLE group.
  const internals = pc as unknown as { createDtlsTransport(options: { inheritCredentials: boolean }): RTCDtlsTransport };
  const fresh = internals.createDtlsTransport({ inheritCredentials: false });
  for (const t of movers) t.setDtlsTransport(fresh);
  // The client's decoders lost their reference frames with the old transport: once the new one
  // is up, the caller asks the publishers for keyframes.
  const { unSubscribe } = fresh.onStateChange.subscribe((state) => {
    if (state === 'connected') onConnected(movers);
    if (state === 'connected' || state === 'closed' || state === 'failed') unSubscribe();
  });
  return true;
}

/** Transceivers whose m= line carried a BUNDLE tag that the client rejected. */
const retiredTagLines = new WeakSet<RTCRtpTransceiver>();

interface TransceiverManagerInternals {
  findReusableTransceiver?: (kind: string) => RTCRtpTransceiver | undefined;
}

/**
 * Makes werift give a new transceiver a new m= line rather than the one of a rejected BUNDLE tag
 * (werift 0.25.2: `TransceiverManager.findReusableTransceiver` picks the stopped m= line to reuse).
 */
export function keepRetiredTagLines(pc: RTCPeerConnection): void {
  const manager = (pc as unknown as { transceiverManager?: TransceiverManagerInternals }).transceiverManager;
  const find = manager?.findReusableTransceiver?.bind(manager);
  if (!manager || !find) return;
  manager.findReusableTransceiver = (kind) => {
    const reusable = find(kind);
    return reusable && retiredTagLines.has(reusable) ? undefined : reusable;
  };
}

/** The mids of the first `a=group:BUNDLE` line, in order (the first is the tag). */
export function bundleGroup(sdp: string): string[] {
  const line = sdp.split(/\r?\n/).find((l) => l.startsWith('a=group:BUNDLE'));
  return line ? line.slice('a=group:BUNDLE'.length).trim().split(/\s+/).filter(Boolean) : [];
}

/** True when the media section `mid` has port 0 in `sdp` (rejected or stopped). */
function isRejected(sdp: string, mid: string): boolean {
  for (const section of sdp.split(/\r?\n(?=m=)/).slice(1)) {
    if (!section.split(/\r?\n/).includes(`a=mid:${mid}`)) continue;
    const port = section.slice(2).split(' ')[1];
    return port === '0';
  }
  return false;
}
