/**
 * ICE restart (RFC 8445 §9; JSEP RFC 8829 §5.2.1/§5.3.1) on a werift PeerConnection whose DTLS
 * is already up.
 *
 * werift 0.25.2 does the description part: an offer with a new ice-ufrag/ice-pwd (or
 * `createOffer({iceRestart: true})`) restarts its ICE agent, which takes fresh local credentials,
 * drops the old pairs and consent timers, and gathers again, so the answer carries new
 * credentials. But after the exchange its `connect()` returns early when the DTLS transport is
 * already connected, so the restarted agent never runs checks: it never nominates a pair, sends
 * nothing (consent is not fresh), and the peer's checks sit in the early-check queue. This module
 * starts such transports once the exchange is done. Their `connect()` then forms pairs, answers
 * the queued checks, waits for nomination (the SFU is controlled when it answers) and restarts
 * consent freshness on the new pair. DTLS and SRTP carry on unchanged over the new pair.
 */
import type { RTCIceTransport, RTCPeerConnection } from 'werift';

/** How many restarts each ICE transport has had; take this before applying a description. */
export function iceRestartCounts(pc: RTCPeerConnection): ReadonlyMap<RTCIceTransport, number> {
  return new Map(pc.iceTransports.map((t) => [t, t.iceRestarts]));
}

/**
 * Starts every ICE transport that restarted since `before` and that werift left idle (`new`, or
 * `completed`, which werift sets when gathering ends). Never waits for the checks: they finish
 * only when the peer has the answer. Returns the transports it started.
 */
export function startRestartedIce(
  pc: RTCPeerConnection,
  before: ReadonlyMap<RTCIceTransport, number>,
  onError: (error: unknown) => void = () => undefined,
): RTCIceTransport[] {
  const started: RTCIceTransport[] = [];
  for (const transport of pc.iceTransports) {
    if (transport.iceRestarts <= (before.get(transport) ?? 0)) continue;
    if (transport.state !== 'new' && transport.state !== 'completed') continue;
    if (!transport.connection.remoteUsername || !transport.connection.remotePassword) continue;
    started.push(transport);
    transport.start().catch(onError);
  }
  return started;
}
