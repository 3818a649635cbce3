import type { ActivitySource } from '../activity-source.js';
import type { Clock } from '../clock.js';

/**
 * An in-memory `ActivitySource` for tests: tracks with last-packet times on a (fake) clock, rows
 * written in insertion order, and a count of `readActivity` calls.
 */
export class FakeActivitySource implements ActivitySource {
  readonly #clock: Clock;
  readonly #tracks = new Map<number, number>();
  #reads = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** How many times `readActivity` was called. */
  get readCount(): number {
    return this.#reads;
  }

  /** Adds an open track that has received no packet yet. */
  addTrack(handle: number): void {
    this.#tracks.set(handle, Number.NaN);
  }

  /** Records a packet on `handle` now (adding the track if needed). */
  packet(handle: number, atMs: number = this.#clock.nowMs()): void {
    this.#tracks.set(handle, atMs);
  }

  removeTrack(handle: number): void {
    this.#tracks.delete(handle);
  }

  nowMs(): number {
    return this.#clock.nowMs();
  }

  readActivity(handles: Uint32Array, lastPacketAtMs: Float64Array): number {
    this.#reads += 1;
    const capacity = Math.min(handles.length, lastPacketAtMs.length);
    let i = 0;
    for (const [handle, at] of this.#tracks) {
      if (i >= capacity) break;
      handles[i] = handle;
      lastPacketAtMs[i] = at;
      i += 1;
    }
    return i;
  }
}
