import type { MediaStreamTrack, RTCRtpTransceiver, RtpPacket } from 'werift';
import { toNativeCodecs, toNativeExtensions } from './codecs.js';
import type { MediaRouter } from './media-router.js';
import type { RouteHandle, TrackHandle, TrackStats } from './native-router.js';
import type { Subscription } from './subscription.js';

export interface PublishedTrackOptions {
  /** Minimum time between two keyframe requests sent to the publisher. */
  readonly keyframeRequestIntervalMs: number;
}

/**
 * A track received from a publisher: one native track handle, fed with every RTP packet werift
 * decrypts; native code stamps its activity and rewrites a copy for each subscription.
 */
export class PublishedTrack {
  readonly handle: TrackHandle;
  readonly kind: 'audio' | 'video';
  readonly transceiver: RTCRtpTransceiver;
  readonly #router: MediaRouter;
  readonly #track: MediaStreamTrack;
  readonly #subscriptions = new Map<RouteHandle, Subscription>();
  readonly #options: PublishedTrackOptions;
  readonly #unsubscribe: () => void;
  readonly #sink = (route: RouteHandle, packet: Uint8Array): void => {
    this.#subscriptions.get(route)?.send(packet, this);
  };
  #lastKeyframeRequestMs = -Infinity;
  #closed = false;

  constructor(router: MediaRouter, transceiver: RTCRtpTransceiver, track: MediaStreamTrack, options: PublishedTrackOptions) {
    this.#router = router;
    this.#track = track;
    this.#options = options;
    this.transceiver = transceiver;
    this.kind = track.kind === 'audio' ? 'audio' : 'video';
    this.handle = router.createTrack({
      kind: this.kind,
      codecs: toNativeCodecs(transceiver.codecs),
      extensions: toNativeExtensions(transceiver.headerExtensions),
    }, { transceiver });
    const { unSubscribe } = track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
      this.#router.ingest(this.handle, rtp.serialize(), this.#sink);
    });
    this.#unsubscribe = unSubscribe;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get mid(): string | null {
    return this.transceiver.mid;
  }

  get subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  stats(): TrackStats {
    return this.#router.trackStats(this.handle);
  }

  /** @internal Called by Subscription. */
  attach(route: RouteHandle, subscription: Subscription): void {
    this.#subscriptions.set(route, subscription);
  }

  /** @internal Called by Subscription. */
  detach(route: RouteHandle): void {
    this.#subscriptions.delete(route);
  }

  /** Asks the publisher for a keyframe (PLI), at most once per `keyframeRequestIntervalMs`. */
  requestKeyframe(options: { force?: boolean } = {}): boolean {
    if (this.#closed || this.kind !== 'video') return false;
    const now = performance.now();
    if (!options.force && now - this.#lastKeyframeRequestMs < this.#options.keyframeRequestIntervalMs) return false;
    if (this.#router.requestKeyframe) {
      // Engine native: the PLI is written and rate-limited natively.
      this.#lastKeyframeRequestMs = now;
      return this.#router.requestKeyframe(this.handle);
    }
    const ssrc = this.#track.ssrc;
    if (ssrc === undefined) return false;
    this.#lastKeyframeRequestMs = now;
    this.transceiver.receiver.sendRtcpPLI(ssrc).catch(() => undefined);
    return true;
  }

  /** Stops forwarding; every subscription of this track ends. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    for (const sub of [...this.#subscriptions.values()]) sub.close();
    this.#subscriptions.clear();
    this.#router.closeTrack(this.handle);
  }
}
