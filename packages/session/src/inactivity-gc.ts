/**
 * Track inactivity GC (design.md §4, §6): a pushed track that receives no media for
 * `trackInactivityMs` is closed. Once per tick the GC reads ALL tracks' last-packet times from
 * the `ActivitySource` in ONE call into typed arrays it owns and reuses, then checks every watched
 * track: idle ≥ `trackInactivityMs` since its last packet (or since it was watched, if it never
 * got one) → `trackinactive`, once, and the track is unwatched.
 *
 * Sizing: before each read the arrays are grown to hold more rows than there are watched tracks
 * (capacity doubles). If a read still fills them (the source has unwatched tracks too), the rows
 * past the end are unknown: the watched tracks not seen in that read are left alone for that tick,
 * and the arrays double before the next one. So no tick ever makes a second call, and no track is
 * judged on missing data. A watched handle absent from a complete read (the native track is gone)
 * is judged on the last time seen.
 */
import type { ActivitySource } from './activity-source.js';
import type { TimerHandle, Timers } from './clock.js';
import type { ResolvedSessionOptions } from './session-options.js';
import { TypedEmitter } from './typed-emitter.js';

export interface TrackInactiveEvent {
  readonly handle: number;
  readonly sessionId: string;
  readonly trackName: string;
  /** On the source's clock; undefined if the track never received a packet. */
  readonly lastPacketAtMs: number | undefined;
  /** How long it had been idle when the GC noticed (≥ `trackInactivityMs`). */
  readonly idleMs: number;
}

export interface InactivityGcEvents {
  trackinactive: [event: TrackInactiveEvent];
}

export interface WatchOptions {
  readonly sessionId: string;
  readonly trackName: string;
  /** On the source's clock; defaults to `source.nowMs()` at `watch()`. */
  readonly registeredAtMs?: number | undefined;
}

export interface InactivityGcOptions {
  readonly source: ActivitySource;
  readonly timers: Timers;
  /** `trackInactivityMs` and `gcIntervalMs` are used. */
  readonly options: Pick<ResolvedSessionOptions, 'trackInactivityMs' | 'gcIntervalMs'>;
  /** Rows of the first read buffers (default 64). */
  readonly initialCapacity?: number | undefined;
}

export const DEFAULT_GC_INITIAL_CAPACITY = 64;

interface Watched {
  readonly sessionId: string;
  readonly trackName: string;
  readonly registeredAtMs: number;
  lastPacketAtMs: number | undefined;
  /** The tick in which the latest read contained this handle. */
  seenInTick: number;
}

export class InactivityGc extends TypedEmitter<InactivityGcEvents> {
  readonly #source: ActivitySource;
  readonly #timers: Timers;
  readonly #inactivityMs: number;
  readonly #intervalMs: number;
  readonly #watched = new Map<number, Watched>();
  #handles: Uint32Array;
  #lastPacketAtMs: Float64Array;
  #growNextTick = false;
  #tick = 0;
  #interval: TimerHandle | undefined;
  #started = false;

  constructor(options: InactivityGcOptions) {
    super();
    const capacity = options.initialCapacity ?? DEFAULT_GC_INITIAL_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`InactivityGc: initialCapacity must be a positive integer, got ${capacity}`);
    }
    this.#source = options.source;
    this.#timers = options.timers;
    this.#inactivityMs = options.options.trackInactivityMs;
    this.#intervalMs = options.options.gcIntervalMs;
    this.#handles = new Uint32Array(capacity);
    this.#lastPacketAtMs = new Float64Array(capacity);
  }

  /** Rows the read buffers currently hold. */
  get capacity(): number {
    return this.#handles.length;
  }

  get watchedCount(): number {
    return this.#watched.size;
  }

  get running(): boolean {
    return this.#started;
  }

  isWatched(handle: number): boolean {
    return this.#watched.has(handle);
  }

  /** Starts watching a native track handle (u32); watching it again restarts its clock. */
  watch(handle: number, options: WatchOptions): void {
    if (!Number.isInteger(handle) || handle < 0 || handle > 0xffff_ffff) {
      throw new RangeError(`InactivityGc.watch(): handle must be a u32, got ${handle}`);
    }
    this.#watched.set(handle, {
      sessionId: options.sessionId,
      trackName: options.trackName,
      registeredAtMs: options.registeredAtMs ?? this.#source.nowMs(),
      lastPacketAtMs: undefined,
      seenInTick: -1,
    });
  }

  unwatch(handle: number): boolean {
    return this.#watched.delete(handle);
  }

  /** Runs `tick()` every `gcIntervalMs`. Idempotent. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#interval = this.#timers.setInterval(() => this.tick(), this.#intervalMs);
  }

  /** Stops the interval. Idempotent. */
  stop(): void {
    if (!this.#started) return;
    this.#started = false;
    this.#timers.clearInterval(this.#interval);
    this.#interval = undefined;
  }

  /** Stops and forgets every watched track. Idempotent. */
  close(): void {
    this.stop();
    this.#watched.clear();
  }

  /**
   * One pass: at most one `readActivity` call (none while nothing is watched), then a
   * `trackinactive` for every watched track idle for `trackInactivityMs` or more. Returns the
   * events it emitted.
   */
  tick(): TrackInactiveEvent[] {
    if (this.#watched.size === 0) return [];
    const tick = ++this.#tick;
    this.#ensureCapacity();
    const capacity = this.#handles.length;
    const reported = this.#source.readActivity(this.#handles, this.#lastPacketAtMs);
    const now = this.#source.nowMs();
    const rows = Math.min(Math.max(0, Math.trunc(reported) || 0), capacity);
    const truncated = reported >= capacity;
    if (truncated) this.#growNextTick = true;

    for (let i = 0; i < rows; i++) {
      const entry = this.#watched.get(this.#handles[i] as number);
      if (!entry) continue;
      entry.seenInTick = tick;
      const at = this.#lastPacketAtMs[i] as number;
      if (!Number.isNaN(at)) entry.lastPacketAtMs = at;
    }

    const inactive: TrackInactiveEvent[] = [];
    for (const [handle, entry] of this.#watched) {
      if (truncated && entry.seenInTick !== tick) continue; // its row may have been cut off
      const idleMs = now - (entry.lastPacketAtMs ?? entry.registeredAtMs);
      if (idleMs < this.#inactivityMs) continue;
      this.#watched.delete(handle);
      inactive.push(
        Object.freeze({
          handle,
          sessionId: entry.sessionId,
          trackName: entry.trackName,
          lastPacketAtMs: entry.lastPacketAtMs,
          idleMs,
        }),
      );
    }
    for (const event of inactive) this.safeEmit('trackinactive', event);
    return inactive;
  }

  /** Keeps capacity above the watched count (so a full read signals unknown rows), doubling. */
  #ensureCapacity(): void {
    let capacity = this.#handles.length;
    if (this.#growNextTick) capacity *= 2;
    while (capacity <= this.#watched.size) capacity *= 2;
    this.#growNextTick = false;
    if (capacity === this.#handles.length) return;
    this.#handles = new Uint32Array(capacity);
    this.#lastPacketAtMs = new Float64Array(capacity);
  }
}
