import {
  ReceiverEstimatedMaxBitrate,
  RtcpPayloadSpecificFeedback,
  type MediaStreamTrack,
  type RTCRtpTransceiver,
  type RtpPacket,
} from 'werift';
import { toNativeCodecs, toNativeExtensions } from './codecs.js';
import type { MediaRouter } from './media-router.js';
import type { RouteHandle, TrackHandle, TrackStats } from './native-router.js';
import type { SimulcastLayerState } from './simulcast-layer-choice.js';
import type { SimulcastLayerMonitor } from './simulcast-layer-monitor.js';
import type { Subscription } from './subscription.js';

export interface SimulcastPublicationOptions {
  /** Minimum time between two keyframe requests sent for one layer. */
  readonly keyframeRequestIntervalMs: number;
}

/** One RID layer: its own native track, fed by werift's per-RID track. */
export interface SimulcastLayer {
  readonly rid: string;
  readonly handle: TrackHandle;
  /** On the router clock; NaN until its first packet (as last read by the monitor). */
  readonly lastPacketAtMs: number;
  /** Sent a packet within the monitor's layer timeout. */
  readonly available: boolean;
}

class Layer implements SimulcastLayer {
  readonly rid: string;
  readonly handle: TrackHandle;
  readonly track: MediaStreamTrack;
  lastPacketAtMs = Number.NaN;
  available = false;
  lastKeyframeRequestMs = -Infinity;
  unsubscribe: () => void = () => undefined;

  constructor(rid: string, handle: TrackHandle, track: MediaStreamTrack) {
    this.rid = rid;
    this.handle = handle;
    this.track = track;
  }
}

/** The later of two times where NaN means "never". */
function newer(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return Math.max(a, b);
}

/** REMB's bitrate is an 18-bit mantissa shifted left by a 6-bit exponent. */
export function rembBitrate(bitrateBps: number): { exponent: number; mantissa: number } {
  let mantissa = Math.max(0, Math.floor(bitrateBps));
  let exponent = 0;
  while (mantissa >= 1 << 18 && exponent < 63) {
    mantissa = Math.floor(mantissa / 2);
    exponent += 1;
  }
  return { exponent, mantissa };
}

/** The RID tracks werift made for a transceiver whose remote offer had `a=simulcast:send`. */
export function simulcastTracks(transceiver: RTCRtpTransceiver): MediaStreamTrack[] {
  return transceiver.receiver.tracks.filter((t) => typeof t.rid === 'string' && t.rid.length > 0);
}

/**
 * A video track pushed with simulcast: one native track per RID layer (each fed by werift's RID
 * track), grouped as one Calls publication. `handle` is a native track of its own that never
 * receives packets: it is what the inactivity GC watches (the layer monitor gives it the newest
 * layer time, so the publication lives while any layer sends) and the silent source of a
 * subscriber that must receive no layer. Every layer writes its forwarded copies through one sink,
 * so a subscription's route may move between layers freely.
 */
export class SimulcastPublication {
  readonly handle: TrackHandle;
  readonly kind: 'video' = 'video';
  readonly transceiver: RTCRtpTransceiver;
  readonly #router: MediaRouter;
  readonly #monitor: SimulcastLayerMonitor;
  readonly #options: SimulcastPublicationOptions;
  readonly #layers: Layer[];
  readonly #byRid = new Map<string, Layer>();
  readonly #subscriptions = new Map<RouteHandle, Subscription>();
  readonly #sink = (route: RouteHandle, packet: Uint8Array): void => {
    this.#subscriptions.get(route)?.send(packet, this);
  };
  #lastBitrateHintMs = -Infinity;
  #closed = false;

  constructor(
    router: MediaRouter,
    monitor: SimulcastLayerMonitor,
    transceiver: RTCRtpTransceiver,
    options: SimulcastPublicationOptions,
  ) {
    this.#router = router;
    this.#monitor = monitor;
    this.#options = options;
    this.transceiver = transceiver;
    const nativeOptions = {
      kind: 'video' as const,
      codecs: toNativeCodecs(transceiver.codecs),
      extensions: toNativeExtensions(transceiver.headerExtensions),
    };
    this.handle = router.createTrack(nativeOptions);
    this.#layers = simulcastTracks(transceiver).map((track) => {
      const layer = new Layer(track.rid!, router.createTrack(nativeOptions, { transceiver, rid: track.rid }), track);
      const { unSubscribe } = track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
        this.#router.ingest(layer.handle, rtp.serialize(), this.#sink);
      });
      layer.unsubscribe = unSubscribe;
      this.#byRid.set(layer.rid, layer);
      return layer;
    });
    monitor.add(this);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get mid(): string | null {
    return this.transceiver.mid;
  }

  /** The layers in the publisher's order (`a=simulcast:send f;h;q`). */
  get layers(): readonly SimulcastLayer[] {
    return this.#layers;
  }

  get rids(): string[] {
    return this.#layers.map((l) => l.rid);
  }

  get subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  /** The newest packet time of any layer (router clock), NaN before the first packet. */
  get lastPacketAtMs(): number {
    let newest = Number.NaN;
    for (const l of this.#layers) newest = newer(newest, l.lastPacketAtMs);
    return newest;
  }

  layer(rid: string): SimulcastLayer | undefined {
    return this.#byRid.get(rid);
  }

  /** What the layer chooser sees; reads fresh activity first when `refresh` is set. */
  layerStates(options: { refresh?: boolean } = {}): SimulcastLayerState[] {
    if (options.refresh) this.#monitor.refresh();
    return this.#layers.map((l) => ({ rid: l.rid, available: l.available }));
  }

  /** The native track a route should read to receive `rid`; the silent handle for none. */
  sourceHandle(rid: string | undefined): TrackHandle {
    return (rid === undefined ? undefined : this.#byRid.get(rid)?.handle) ?? this.handle;
  }

  /** Packets and bytes summed over the layers; the newest packet time. */
  stats(): TrackStats {
    let packets = 0;
    let bytes = 0;
    let malformedDropped = 0;
    let lastPacketAtMs = Number.NaN;
    for (const layer of this.#layers) {
      const s = this.#router.trackStats(layer.handle);
      packets += s.packets;
      bytes += s.bytes;
      malformedDropped += s.malformedDropped;
      lastPacketAtMs = newer(lastPacketAtMs, s.lastPacketAtMs);
    }
    return { packets, bytes, malformedDropped, lastPacketAtMs };
  }

  /** Per-layer native stats (diagnostics and tests). */
  layerStats(rid: string): TrackStats | undefined {
    const layer = this.#byRid.get(rid);
    return layer ? this.#router.trackStats(layer.handle) : undefined;
  }

  /** @internal Called by Subscription. */
  attach(route: RouteHandle, subscription: Subscription): void {
    this.#subscriptions.set(route, subscription);
  }

  /** @internal Called by Subscription. */
  detach(route: RouteHandle): void {
    this.#subscriptions.delete(route);
  }

  /**
   * Asks the publisher for a keyframe of layer `rid` (PLI to that layer's SSRC), at most once per
   * `keyframeRequestIntervalMs` per layer unless forced. False when the layer has not sent yet.
   */
  requestKeyframe(options: { rid?: string | undefined; force?: boolean } = {}): boolean {
    if (this.#closed || options.rid === undefined) return false;
    const layer = this.#byRid.get(options.rid);
    if (!layer) return false;
    const now = performance.now();
    if (!options.force && now - layer.lastKeyframeRequestMs < this.#options.keyframeRequestIntervalMs) return false;
    if (this.#router.requestKeyframe) {
      // Engine native: the PLI is written and rate-limited natively.
      layer.lastKeyframeRequestMs = now;
      return this.#router.requestKeyframe(layer.handle);
    }
    const ssrc = this.#layerSsrc(layer);
    if (ssrc === undefined) return false;
    layer.lastKeyframeRequestMs = now;
    this.transceiver.receiver.sendRtcpPLI(ssrc).catch(() => undefined);
    return true;
  }

  /** @internal Called by the monitor with a row of its bulk read. */
  recordLayerActivity(handle: number, lastPacketAtMs: number): void {
    if (Number.isNaN(lastPacketAtMs)) return;
    for (const layer of this.#layers) {
      if (layer.handle === handle) {
        layer.lastPacketAtMs = lastPacketAtMs;
        return;
      }
    }
  }

  /**
   * @internal Called by the monitor after a read: layers that started or stopped sending change
   * their availability, and then every subscriber re-chooses its layer.
   */
  applyLayerActivity(nowMs: number, layerTimeoutMs: number): void {
    if (this.#closed) return;
    let changed = false;
    for (const layer of this.#layers) {
      const available = !Number.isNaN(layer.lastPacketAtMs) && nowMs - layer.lastPacketAtMs <= layerTimeoutMs;
      if (available !== layer.available) {
        layer.available = available;
        changed = true;
      }
    }
    if (!changed) return;
    for (const sub of [...this.#subscriptions.values()]) sub.reselectLayer();
  }

  /**
   * @internal Called by the monitor: at most every `intervalMs`, tells the publisher it may send
   * up to `bitrateBps` (REMB, draft-alvestrand-rmcat-remb §2). Without any congestion feedback a
   * browser's send-side estimate stays at its start bitrate, which only fits the lowest layer; a
   * REMB early in the call lifts it (the loss-based estimator keeps backing off on loss).
   */
  hintBitrate(nowMs: number, bitrateBps: number, intervalMs: number): boolean {
    if (this.#closed || nowMs - this.#lastBitrateHintMs < intervalMs) return false;
    const ssrcs = this.#layers.map((l) => this.#layerSsrc(l)).filter((s): s is number => s !== undefined);
    if (ssrcs.length === 0) return false; // nothing received yet: the transport is not up
    this.#lastBitrateHintMs = nowMs;
    const receiver = this.transceiver.receiver;
    const { exponent, mantissa } = rembBitrate(bitrateBps);
    const remb = new ReceiverEstimatedMaxBitrate({
      senderSsrc: receiver.rtcpSsrc,
      mediaSsrc: 0,
      ssrcNum: ssrcs.length,
      brExp: exponent,
      brMantissa: mantissa,
      bitrate: BigInt(Math.round(bitrateBps)),
      ssrcFeedbacks: ssrcs,
    });
    receiver.dtlsTransport?.sendRtcp([new RtcpPayloadSpecificFeedback({ feedback: remb })]).catch(() => undefined);
    return true;
  }

  /** Stops forwarding; every subscription ends; every layer's native track closes. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#monitor.remove(this);
    for (const layer of this.#layers) layer.unsubscribe();
    for (const sub of [...this.#subscriptions.values()]) sub.close();
    this.#subscriptions.clear();
    for (const layer of this.#layers) this.#router.closeTrack(layer.handle);
    this.#router.closeTrack(this.handle);
  }

  /** werift learns a layer's SSRC from its first packet carrying the RID extension. */
  #layerSsrc(layer: Layer): number | undefined {
    if (layer.track.ssrc !== undefined) return layer.track.ssrc;
    const bySsrc = this.transceiver.receiver.trackBySSRC;
    for (const [ssrc, track] of Object.entries(bySsrc)) {
      if (track === layer.track) return Number(ssrc);
    }
    return undefined;
  }
}
