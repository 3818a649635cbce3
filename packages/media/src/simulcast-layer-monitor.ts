import type { MediaRouter } from './media-router.js';
import type { SimulcastPublication } from './simulcast-publication.js';

export interface SimulcastLayerMonitorOptions {
  /** How often the layers' last-packet times are read (one native call for all tracks). */
  readonly intervalMs?: number;
  /** A layer with no packet for this long is unavailable (Calls `ridNotAvailable`). */
  readonly layerTimeoutMs?: number;
  /** The REMB each simulcast publisher gets: the most it may send (all layers together). */
  readonly publisherBitrateBps?: number;
  /** How often that REMB is repeated. */
  readonly bitrateHintIntervalMs?: number;
}

export const DEFAULT_SIMULCAST_LAYER_MONITOR_OPTIONS: Required<SimulcastLayerMonitorOptions> = Object.freeze({
  intervalMs: 250,
  layerTimeoutMs: 1500,
  publisherBitrateBps: 5_000_000,
  bitrateHintIntervalMs: 500,
});

const INITIAL_ROWS = 256;

/**
 * Watches which simulcast layers are being sent (and keeps telling simulcast publishers, by REMB,
 * that they may send all their layers). Every `intervalMs` (only while a simulcast
 * publication exists) it reads ALL native tracks' last-packet times in one `readActivity` call and
 * hands each publication its layers' times; a publication whose layers came or went re-chooses its
 * subscribers' layers. Nothing here runs per packet.
 *
 * It also makes a simulcast publication look active to the inactivity GC while any of its layers
 * receives packets: the GC watches the publication's own (packet-less) handle, and
 * `mergeActivity` writes the newest layer time into that handle's row.
 */
export class SimulcastLayerMonitor {
  readonly #router: MediaRouter;
  readonly #options: Required<SimulcastLayerMonitorOptions>;
  readonly #publications = new Set<SimulcastPublication>();
  /** Layer track handle → its publication. */
  readonly #byLayer = new Map<number, SimulcastPublication>();
  /** Group (publication) handle → publication. */
  readonly #byGroup = new Map<number, SimulcastPublication>();
  #handles = new Uint32Array(INITIAL_ROWS);
  #times = new Float64Array(INITIAL_ROWS);
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(router: MediaRouter, options: SimulcastLayerMonitorOptions = {}) {
    this.#router = router;
    this.#options = { ...DEFAULT_SIMULCAST_LAYER_MONITOR_OPTIONS, ...options };
  }

  get layerTimeoutMs(): number {
    return this.#options.layerTimeoutMs;
  }

  get publicationCount(): number {
    return this.#publications.size;
  }

  /** Starts watching `publication`'s layers; the timer runs while anything is watched. */
  add(publication: SimulcastPublication): void {
    if (this.#closed || this.#publications.has(publication)) return;
    this.#publications.add(publication);
    this.#byGroup.set(publication.handle, publication);
    for (const layer of publication.layers) this.#byLayer.set(layer.handle, publication);
    if (!this.#timer) {
      this.#timer = setInterval(() => this.refresh(), this.#options.intervalMs);
      this.#timer.unref();
    }
  }

  remove(publication: SimulcastPublication): void {
    if (!this.#publications.delete(publication)) return;
    this.#byGroup.delete(publication.handle);
    for (const layer of publication.layers) this.#byLayer.delete(layer.handle);
    if (this.#publications.size === 0) this.#stopTimer();
  }

  /** One bulk read now; each publication updates its layers' availability (and its subscribers). */
  refresh(): void {
    if (this.#closed || this.#publications.size === 0 || this.#router.closed) return;
    let rows = this.#router.readActivity(this.#handles, this.#times);
    if (rows > this.#handles.length) {
      this.#grow(rows);
      rows = this.#router.readActivity(this.#handles, this.#times);
    }
    const n = Math.min(rows, this.#handles.length);
    for (let i = 0; i < n; i++) {
      const handle = this.#handles[i]!;
      this.#byLayer.get(handle)?.recordLayerActivity(handle, this.#times[i]!);
    }
    const now = this.#router.nowMs();
    const { layerTimeoutMs, publisherBitrateBps, bitrateHintIntervalMs } = this.#options;
    for (const publication of [...this.#publications]) {
      publication.applyLayerActivity(now, layerTimeoutMs);
      publication.hintBitrate(now, publisherBitrateBps, bitrateHintIntervalMs);
    }
  }

  /**
   * For the inactivity GC (after its one `readActivity` call into the same arrays): a simulcast
   * publication's row gets the newest packet time of its layers.
   */
  mergeActivity(handles: Uint32Array, lastPacketAtMs: Float64Array, rows: number): void {
    if (this.#byGroup.size === 0) return;
    const n = Math.min(rows, handles.length, lastPacketAtMs.length);
    for (let i = 0; i < n; i++) {
      const handle = handles[i]!;
      this.#byLayer.get(handle)?.recordLayerActivity(handle, lastPacketAtMs[i]!);
    }
    for (let i = 0; i < n; i++) {
      const publication = this.#byGroup.get(handles[i]!);
      if (publication) lastPacketAtMs[i] = publication.lastPacketAtMs;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopTimer();
    this.#publications.clear();
    this.#byLayer.clear();
    this.#byGroup.clear();
  }

  #grow(rows: number): void {
    let n = this.#handles.length;
    while (n < rows) n *= 2;
    this.#handles = new Uint32Array(n);
    this.#times = new Float64Array(n);
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
