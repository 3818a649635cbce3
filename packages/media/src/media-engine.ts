import { MediaPeer } from './media-peer.js';
import { resolveMediaEngineOptions, type MediaEngineOptions, type ResolvedMediaEngineOptions } from './media-engine-options.js';
import type { MediaRouter } from './media-router.js';
import type { EngineCounters } from './native-engine/engine-counters.js';
import { NativeMediaEngine } from './native-engine/native-media-engine.js';
import { NativeRouter } from './native-router.js';
import { SimulcastLayerMonitor } from './simulcast-layer-monitor.js';

/**
 * The media side of one SFU process: the native router and a PeerConnection per session.
 * It is also the ActivitySource of the session layer's inactivity GC.
 */
export class MediaEngine {
  readonly options: ResolvedMediaEngineOptions;
  /** The media plane: `NativeMediaEngine` (engine native) or `NativeRouter` (engine werift). */
  readonly router: MediaRouter;
  /** Which simulcast layers are being sent (one bulk read for all publications). */
  readonly layerMonitor: SimulcastLayerMonitor;
  readonly #peers = new Set<MediaPeer>();
  #closed = false;

  constructor(options: MediaEngineOptions = {}) {
    this.options = resolveMediaEngineOptions(options);
    const o = this.options;
    this.router =
      o.engine === 'native'
        ? new NativeMediaEngine({
            bindAddress: o.bindAddress,
            portRange: o.portRange,
            rembBitrateBps: o.rembBitrateBps,
            udpGso: o.udpGso,
            keyframeIntervalMs: Math.min(300, o.keyframeRequestIntervalMs),
          })
        : new NativeRouter();
    this.layerMonitor = new SimulcastLayerMonitor(this.router);
  }

  createPeer(): MediaPeer {
    const peer = new MediaPeer(this.router, this.options, this.layerMonitor);
    this.#peers.add(peer);
    return peer;
  }

  async closePeer(peer: MediaPeer): Promise<void> {
    this.#peers.delete(peer);
    await peer.close();
  }

  /** Engine native: the UDP port every PeerConnection uses. */
  get mediaPort(): number | undefined {
    return this.router instanceof NativeMediaEngine ? this.router.localPort : undefined;
  }

  /** Engine native: what happened to every datagram (undefined on engine werift). */
  counters(): EngineCounters | undefined {
    return this.router instanceof NativeMediaEngine ? this.router.counters() : undefined;
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  /** ActivitySource: the router clock. */
  nowMs(): number {
    return this.router.nowMs();
  }

  /**
   * ActivitySource: every track's last-packet time, in one native call; a simulcast publication's
   * row gets its newest layer's time.
   */
  readActivity(handles: Uint32Array, lastPacketAtMs: Float64Array): number {
    const rows = this.router.readActivity(handles, lastPacketAtMs);
    this.layerMonitor.mergeActivity(handles, lastPacketAtMs, rows);
    return rows;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#peers].map((p) => p.close()));
    this.#peers.clear();
    this.layerMonitor.close();
    this.router.close();
  }
}
