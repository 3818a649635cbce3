/**
 * Ends sessions nobody can use any more (design.md §6):
 * - never connected for `unconnectedSessionTtlMs` since creation → `close('unconnected')`;
 * - left `connected` (disconnected, failed, or its PeerConnection closed) and not back for
 *   `reuseWindowMs` → `close('expired')`. Reconnecting inside the window clears
 *   `disconnectedAtMs`, so the session and its tracks simply carry on.
 * Thresholds are inclusive: a session is reaped on the first tick at or after the deadline.
 */
import type { Clock, TimerHandle, Timers } from './clock.js';
import type { ResolvedSessionOptions } from './session-options.js';
import type { Session } from './session.js';
import type { ConnectionState } from './session-types.js';

/** What the reaper reads of a session. */
export interface ReapableSession {
  readonly createdAtMs: number;
  readonly connectionState: ConnectionState;
  readonly everConnected: boolean;
  readonly disconnectedAtMs: number | undefined;
  readonly closed: boolean;
}

export type ExpiryDecision =
  | { readonly action: 'keep' }
  | { readonly action: 'close'; readonly reason: 'expired' | 'unconnected' };

const KEEP: ExpiryDecision = Object.freeze({ action: 'keep' });

/** The reaper's rule as a pure function. */
export function decideSessionExpiry(
  session: ReapableSession,
  nowMs: number,
  options: Pick<ResolvedSessionOptions, 'reuseWindowMs' | 'unconnectedSessionTtlMs'>,
): ExpiryDecision {
  if (session.closed) return KEEP;
  if (!session.everConnected) {
    return nowMs - session.createdAtMs >= options.unconnectedSessionTtlMs
      ? { action: 'close', reason: 'unconnected' }
      : KEEP;
  }
  if (session.connectionState === 'connected' || session.disconnectedAtMs === undefined) return KEEP;
  return nowMs - session.disconnectedAtMs >= options.reuseWindowMs ? { action: 'close', reason: 'expired' } : KEEP;
}

/** Where the reaper finds sessions (`SessionRegistry` is one). */
export interface SessionSource {
  sessions(): Iterable<Session>;
}

export interface SessionReaperOptions {
  readonly sessions: SessionSource;
  readonly clock: Clock;
  readonly timers: Timers;
  /** `reuseWindowMs`, `unconnectedSessionTtlMs` and `gcIntervalMs` are used. */
  readonly options: ResolvedSessionOptions;
}

export interface ReaperTickResult {
  readonly expired: readonly string[];
  readonly unconnected: readonly string[];
}

export class SessionReaper {
  readonly #sessions: SessionSource;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #options: ResolvedSessionOptions;
  #interval: TimerHandle | undefined;
  #started = false;

  constructor(options: SessionReaperOptions) {
    this.#sessions = options.sessions;
    this.#clock = options.clock;
    this.#timers = options.timers;
    this.#options = options.options;
  }

  get running(): boolean {
    return this.#started;
  }

  /** Runs `tick()` every `gcIntervalMs`. Idempotent. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#interval = this.#timers.setInterval(() => this.tick(), this.#options.gcIntervalMs);
  }

  /** Stops the interval. Idempotent; `start()` may be called again. */
  stop(): void {
    if (!this.#started) return;
    this.#started = false;
    this.#timers.clearInterval(this.#interval);
    this.#interval = undefined;
  }

  /** One pass: closes every session whose deadline has passed; returns their ids. */
  tick(): ReaperTickResult {
    const now = this.#clock.nowMs();
    const expired: string[] = [];
    const unconnected: string[] = [];
    for (const session of [...this.#sessions.sessions()]) {
      const decision = decideSessionExpiry(session, now, this.#options);
      if (decision.action === 'keep') continue;
      (decision.reason === 'expired' ? expired : unconnected).push(session.id);
      session.close(decision.reason);
    }
    return { expired, unconnected };
  }
}
