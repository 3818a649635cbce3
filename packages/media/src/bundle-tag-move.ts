import type { RTCDtlsTransport, RTCPeerConnection, RTCRtpTransceiver } from 'werift';

/** A transport move in progress; `release()` once the client's offer has been applied. */
export interface BundleMove {
  release(): void;
}

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
 * The same holds when the new tag is an m= line the client just added: Chrome, after its tag was
 * stopped, recycles that line for the next new transceiver and offers it first, and opens a new
 * transport for it. Transceivers werift creates for the offer join the fresh transport too.
 *
 * The rejected tag's m= line is retired: werift would recycle it for the next new transceiver,
 * and Chrome cannot apply an answer that puts a new mid on it ("Failed to setup RTCP mux"), so
 * new transceivers get a new m= line instead (`keepRetiredTagLines`).
 *
 * Limit: a client that keeps its old transport when its tag moves (werift as a client does) would
 * now be answered with a transport it never connects to. Browsers are what partytracks runs in.
 */
export function moveBundleTransportIfTagMoves(
  pc: RTCPeerConnection,
  offerSdp: string,
  onConnected: (moved: readonly RTCRtpTransceiver[]) => void,
): BundleMove | undefined {
  const previous = pc.remoteDescription?.sdp ?? pc.localDescription?.sdp;
  if (!previous) return undefined;
  const oldTag = bundleGroup(previous)[0];
  const newGroup = bundleGroup(offerSdp);
  const newTag = newGroup[0];
  if (oldTag === undefined || newTag === undefined || oldTag === newTag) return undefined;
  // The tag moves to a new transport in the client when its old tag is rejected, or when the new
  // tag is an m= line the client just added (Chrome offers a recycled, stopped line first).
  const tagRejected = isRejected(offerSdp, oldTag);
  const tagIsNew = !sectionMids(previous).has(newTag);
  if (!tagRejected && !tagIsNew) return undefined;
  const oldTagTransceiver = pc.getTransceivers().find((t) => t.mid === oldTag);
  if (oldTagTransceiver && tagRejected) retiredTagLines.add(oldTagTransceiver);
  const oldTransport = oldTagTransceiver?.dtlsTransport;
  if (!oldTransport) return undefined;
  const movers = pc
    .getTransceivers()
    .filter((t) => t.mid !== null && newGroup.includes(t.mid) && t.dtlsTransport === oldTransport && !t.stopping && !t.stopped);
  if (movers.length === 0) return undefined;
  // werift keeps this private; it is how werift itself makes the transport of a new BUNDLE group.
  const internals = pc as unknown as { createDtlsTransport(options: { inheritCredentials: boolean }): RTCDtlsTransport };
  const fresh = internals.createDtlsTransport({ inheritCredentials: false });
  for (const t of movers) t.setDtlsTransport(fresh);
  // Transceivers werift creates for this offer's new m= lines join the fresh transport too (it
  // would hand them the first live one, the old); werift then shares the tag's transport.
  const added = pc.onRemoteTransceiverAdded.subscribe((t) => t.setDtlsTransport(fresh));
  // The client's decoders lost their reference frames with the old transport: once the new one
  // is up, the caller asks the publishers for keyframes.
  const { unSubscribe } = fresh.onStateChange.subscribe((state) => {
    if (state === 'connected') onConnected(movers);
    if (state === 'connected' || state === 'closed' || state === 'failed') unSubscribe();
  });
  // Once the offer is applied: later transceivers are not part of this move.
  return { release: () => added.unSubscribe() };
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

/** The `a=mid` values of an SDP's media sections. */
function sectionMids(sdp: string): Set<string> {
  return new Set([...sdp.matchAll(/^a=mid:(\S+)\r?$/gm)].map((m) => m[1]!));
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

/**
 * `answer` with its BUNDLE group in the order of the offer's, so the offerer's tag comes first
 * (RFC 8843 §7.3.1: the answerer takes the offerer's tag). werift lists the group in its own
 * transceiver order; when a client offers a recycled m= line first (Chrome does after its tag was
 * stopped), that order named another tag and Chrome kept a transport the SFU no longer used.
 */
export function bundleGroupInOfferOrder(answer: string, offer: string): string {
  const offered = bundleGroup(offer);
  const answered = bundleGroup(answer);
  if (offered.length === 0 || answered.length === 0) return answer;
  const ordered = [...offered.filter((m) => answered.includes(m)), ...answered.filter((m) => !offered.includes(m))];
  if (ordered.join(' ') === answered.join(' ')) return answer;
  return answer.replace(/^a=group:BUNDLE .*$/m, `a=group:BUNDLE ${ordered.join(' ')}`);
}
