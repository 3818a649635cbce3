/**
 * Per-session API call rate (Calls: 50 calls/s per session, design.md §6) and the per-call batch
 * limit (64 tracks). Pure policies over an injected clock.
 *
 * Window: a sliding log of the last `callsPerSecond` accepted calls, kept in a ring buffer. A call
 * is allowed iff fewer than `callsPerSecond` calls were accepted in the `windowMs` before it, so
 * the limit holds for EVERY one-second span. A fixed window would let a client put 2 × 50 calls
 * into a few milliseconds around a window boundary; a token bucket would need a burst size Calls
 * does not document. The log costs `callsPerSecond` doubles per session (400 bytes at 50) and O(1)
 * per call. `retryAfterMs` is exact: the time until the oldest call in the window leaves it.
 * Denied calls are not recorded, so a client retrying too early never extends its own ban.
 */
import type { Clock } from './clock.js';
import type { RateLimitFailure, TracksPerCallFailure } from './decision.js';

export type CallRateDecision = { readonly ok: true } | RateLimitFailure;
export type TracksPerCallDecision = { readonly ok: true } | TracksPerCallFailure;

export interface SessionCallLimiterOptions {
  /** Calls allowed in any window (integer ≥ 1). */
  readonly callsPerSecond: number;
  /** The window length; 1000 ms unless a test needs another. */
  readonly windowMs?: number | undefined;
}

const ALLOWED: { readonly ok: true } = Object.freeze({ ok: true });

export class SessionCallLimiter {
  readonly #clock: Clock;
  readonly #windowMs: number;
  /** Accept times of the last `capacity` calls; `#head` is the oldest once the ring is full. */
  readonly #acceptedAtMs: Float64Array;
  #count = 0;
  #head = 0;

  constructor(clock: Clock, options: SessionCallLimiterOptions) {
    const { callsPerSecond, windowMs = 1_000 } = options;
    if (!Number.isInteger(callsPerSecond) || callsPerSecond < 1) {
      throw new RangeError(`SessionCallLimiter: callsPerSecond must be a positive integer, got ${callsPerSecond}`);
    }
    if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
      throw new RangeError(`SessionCallLimiter: windowMs must be a positive number, got ${windowMs}`);
    }
    this.#clock = clock;
    this.#windowMs = windowMs;
    this.#acceptedAtMs = new Float64Array(callsPerSecond);
  }

  get callsPerSecond(): number {
    return this.#acceptedAtMs.length;
  }

  /** Counts one call if the rate allows it; otherwise says how long to wait. */
  tryCall(): CallRateDecision {
    const now = this.#clock.nowMs();
    const capacity = this.#acceptedAtMs.length;
    if (this.#count < capacity) {
      this.#acceptedAtMs[(this.#head + this.#count) % capacity] = now;
      this.#count += 1;
      return ALLOWED;
    }
    const oldest = this.#acceptedAtMs[this.#head] as number;
    const freeAtMs = oldest + this.#windowMs;
    if (now < freeAtMs) {
      return {
        ok: false,
        code: 'rate_limited',
        limit: 'calls_per_second',
        retryAfterMs: Math.max(1, Math.ceil(freeAtMs - now)),
        description: `More than ${capacity} API calls in ${this.#windowMs} ms for this session`,
      };
    }
    // The oldest call left the window: overwrite it with this one.
    this.#acceptedAtMs[this.#head] = now;
    this.#head = (this.#head + 1) % capacity;
    return ALLOWED;
  }
}

/** Whether one request may name `count` tracks (or data channels); more than `max` rejects it all. */
export function checkTracksPerCall(count: number, max: number): TracksPerCallDecision {
  if (count <= max) return ALLOWED;
  return {
    ok: false,
    code: 'invalid_params',
    limit: 'tracks_per_call',
    count,
    max,
    description: `Too many tracks in one request: ${count} (at most ${max})`,
  };
}
