/**
 * How the session layer learns when tracks last received media, without a call per packet
 * (design.md §2, §4). Mirrors the native router's `readActivity`; `@opencalls/media` implements it.
 */
export interface ActivitySource {
  /**
   * Fills caller-owned arrays with one row per open native track: `handles[i]` is the track
   * handle and `lastPacketAtMs[i]` the time its last packet arrived (on the `nowMs()` clock), or
   * NaN if it never got one. Writes at most `min(handles.length, lastPacketAtMs.length)` rows and
   * returns the number of rows it has: a return value equal to (or above) that capacity means the
   * arrays may have been too small, and the reader grows them for its next read.
   */
  readActivity(handles: Uint32Array, lastPacketAtMs: Float64Array): number;
  /** The clock `lastPacketAtMs` is measured on. */
  nowMs(): number;
}
