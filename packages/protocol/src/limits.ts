/**
 * The documented Calls limits and timeouts (calls-api.md §5; design.md §6), as defaults. Every
 * value is configurable in the server; this is the one place the defaults are written down.
 */

export interface CallsLimits {
  /** API calls per second per session (every call naming the session counts). → 429. */
  readonly callsPerSecond: number;
  /** Tracks per `tracks/new` call; more → the whole request is rejected. → `invalid_params`. */
  readonly tracksPerCall: number;
  /** How long an operation that needs an established transport waits for `connected`. → 425. */
  readonly connectWaitMs: number;
  /** A pushed track that receives no media packets for this long is garbage-collected. */
  readonly trackInactivityMs: number;
  /** Sessions and tracks survive a lost connection this long, then end (410). */
  readonly reuseWindowMs: number;
  /** `waitForAck`: the subscriber's first message must arrive within this time. */
  readonly waitForAckMs: number;
  /**
   * A session that never connected expires after this long (then 410). Calls documents that such
   * sessions expire but not when (calls-api.md §10), so this is OUR choice: 5 minutes. A client
   * legitimately spends time between `sessions/new` and its first `tracks/new` (fetching ICE
   * servers, a camera/microphone permission prompt a person has to answer, a WHIP encoder that
   * creates the session ahead), and expiring too early breaks those flows with a confusing 410;
   * while an unconnected session holds only a little state, and sessions/new has no per-app rate
   * limit, so leaked ones must still go within minutes. 5 minutes is 10x the 30 s reuse window and
   * well above the 5 s connect wait every official client uses.
   */
  readonly unconnectedSessionTtlMs: number;
}

export const DEFAULT_CALLS_LIMITS: CallsLimits = Object.freeze({
  callsPerSecond: 50,
  tracksPerCall: 64,
  connectWaitMs: 5_000,
  trackInactivityMs: 30_000,
  reuseWindowMs: 30_000,
  waitForAckMs: 30_000,
  unconnectedSessionTtlMs: 300_000,
});
