import type { RTCRtpTransceiver } from 'werift';
import type { NativeRouteOptions, NativeTrackOptions } from './native-gateway.js';
import type { MediaTransportStrategy } from './native-engine/media-transport-strategy.js';
import type { OutputSink, RouteHandle, RouteStats, TrackHandle, TrackStats } from './native-router.js';

/** Where a native track's packets come from: a receiving transceiver (and simulcast RID). */
export interface TrackSource {
  readonly transceiver: RTCRtpTransceiver;
  readonly rid?: string | undefined;
}

/**
 * What publications, subscriptions and peers need from the media plane. Two implementations:
 * `NativeRouter` (engine `werift`: werift's sockets and SRTP, native forwarding decisions, JS
 * hands packets across) and `NativeMediaEngine` (engine `native`: Rust owns the media socket,
 * SRTP, routing and RTCP; werift sees only STUN, DTLS and SCTP).
 */
export interface MediaRouter {
  readonly engine: 'native' | 'werift';
  readonly closed: boolean;
  nowMs(): number;
  createTrack(options: NativeTrackOptions, source?: TrackSource): TrackHandle;
  closeTrack(track: TrackHandle): void;
  /** `output` is the subscriber's sending transceiver (the native engine sends on its transport). */
  createRoute(track: TrackHandle, options: NativeRouteOptions, output?: RTCRtpTransceiver): RouteHandle;
  switchRouteSource(route: RouteHandle, track: TrackHandle): void;
  closeRoute(route: RouteHandle): void;
  /** Engine `werift` only: one packet werift received; each forwarded copy goes to `sink`. */
  ingest(track: TrackHandle, packet: Uint8Array, sink: OutputSink): number;
  readActivity(handles: Uint32Array, lastPacketAtMs: Float64Array): number;
  trackStats(track: TrackHandle): TrackStats;
  routeStats(route: RouteHandle): RouteStats;
  /**
   * Engine `native`: asks the track's publisher for a keyframe (PLI sent natively, rate-limited
   * there too). Undefined on engine `werift`, where werift's receiver sends the PLI.
   */
  readonly requestKeyframe?: ((track: TrackHandle) => boolean) | undefined;
  /** The per-PeerConnection transport hooks of this engine. */
  peerStrategy(): MediaTransportStrategy;
  close(): void;
}
