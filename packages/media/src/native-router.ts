import { InvalidStateError } from '@opencalls/protocol';
import type { MediaRouter } from './media-router.js';
import { WERIFT_TRANSPORT, type MediaTransportStrategy } from './native-engine/media-transport-strategy.js';
import {
  callNative,
  createNativeRouter,
  type NativeRouteOptions,
  type NativeRouterBinding,
  type NativeTrackOptions,
} from './native-gateway.js';

/** Branded native handles. */
export type TrackHandle = number & { readonly __brand: 'TrackHandle' };
export type RouteHandle = number & { readonly __brand: 'RouteHandle' };

/** Called once per forwarded copy with a view that is only valid during the call. */
export type OutputSink = (route: RouteHandle, packet: Uint8Array) => void;

const MAX_PACKET_BYTES = 1500;
const INITIAL_OUTPUTS = 64;

export interface TrackStats {
  readonly packets: number;
  readonly bytes: number;
  readonly malformedDropped: number;
  /** On the router clock; NaN if no packet arrived yet. */
  readonly lastPacketAtMs: number;
}

export interface RouteStats {
  readonly packetsForwarded: number;
  readonly bytesForwarded: number;
  readonly droppedWaitingKeyframe: number;
}

/**
 * The native forwarder of one SFU process on engine `werift`: publisher tracks, subscriber
 * routes, activity stamps; werift receives and sends the packets. Output buffers are owned here
 * and reused for every packet.
 */
export class NativeRouter implements MediaRouter {
  readonly engine = 'werift' as const;
  readonly #binding: NativeRouterBinding;
  #out = new Uint8Array(MAX_PACKET_BYTES * INITIAL_OUTPUTS);
  #outIndex = new Uint32Array(3 * INITIAL_OUTPUTS);
  readonly #stats = new Float64Array(4);
  #routes = 0;
  #closed = false;

  constructor() {
    this.#binding = createNativeRouter();
  }

  get closed(): boolean {
    return this.#closed;
  }

  nowMs(): number {
    return this.#binding.nowMs();
  }

  /** The source is werift's business on this engine (PublishedTrack feeds `ingest`). */
  createTrack(options: NativeTrackOptions, _source?: unknown): TrackHandle {
    this.#assertOpen('createTrack');
    return callNative(() => this.#binding.createTrack(options)) as TrackHandle;
  }

  closeTrack(track: TrackHandle): void {
    if (this.#closed) return;
    callNative(() => this.#binding.closeTrack(track));
  }

  /** The output is werift's sender on this engine (Subscription hands it the copies). */
  createRoute(track: TrackHandle, options: NativeRouteOptions, _output?: unknown): RouteHandle {
    this.#assertOpen('createRoute');
    const route = callNative(() => this.#binding.createRoute(track, options)) as RouteHandle;
    this.#routes += 1;
    this.#ensureOutputCapacity(this.#routes);
    return route;
  }

  switchRouteSource(route: RouteHandle, track: TrackHandle): void {
    this.#assertOpen('switchRouteSource');
    callNative(() => this.#binding.switchRouteSource(route, track));
  }

  closeRoute(route: RouteHandle): void {
    if (this.#closed) return;
    callNative(() => this.#binding.closeRoute(route));
    this.#routes = Math.max(0, this.#routes - 1);
  }

  /** Hands one received packet to native code, then each rewritten copy to `sink`. */
  ingest(track: TrackHandle, packet: Uint8Array, sink: OutputSink): number {
    if (this.#closed) return 0;
    const out = this.#out;
    const index = this.#outIndex;
    const count = this.#binding.ingest(track, packet, out, index);
    for (let i = 0; i < count; i++) {
      const route = index[3 * i] as RouteHandle;
      const offset = index[3 * i + 1] as number;
      const length = index[3 * i + 2] as number;
      sink(route, out.subarray(offset, offset + length));
    }
    return count;
  }

  readActivity(handles: Uint32Array, lastPacketAtMs: Float64Array): number {
    if (this.#closed) return 0;
    return this.#binding.readActivity(handles, lastPacketAtMs);
  }

  trackStats(track: TrackHandle): TrackStats {
    this.#assertOpen('trackStats');
    callNative(() => this.#binding.readTrackStats(track, this.#stats));
    const s = this.#stats;
    return { packets: s[0]!, bytes: s[1]!, malformedDropped: s[2]!, lastPacketAtMs: s[3]! };
  }

  routeStats(route: RouteHandle): RouteStats {
    this.#assertOpen('routeStats');
    callNative(() => this.#binding.readRouteStats(route, this.#stats));
    const s = this.#stats;
    return { packetsForwarded: s[0]!, bytesForwarded: s[1]!, droppedWaitingKeyframe: s[2]! };
  }

  peerStrategy(): MediaTransportStrategy {
    return WERIFT_TRANSPORT;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#binding.close();
  }

  #ensureOutputCapacity(routes: number): void {
    if (this.#outIndex.length >= routes * 3) return;
    let n = this.#outIndex.length / 3;
    while (n < routes) n *= 2;
    this.#out = new Uint8Array(MAX_PACKET_BYTES * n);
    this.#outIndex = new Uint32Array(3 * n);
  }

  #assertOpen(op: string): void {
    if (this.#closed) throw new InvalidStateError(`${op}(): native router is closed`);
  }
}
