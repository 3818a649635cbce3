import type { Clock, TimerHandle, Timers } from '../clock.js';

interface FakeTimer {
  readonly id: number;
  readonly callback: () => void;
  dueAtMs: number;
  /** Repeat period for intervals; undefined for one-shot timeouts. */
  readonly intervalMs: number | undefined;
}

/**
 * A deterministic `Clock` + `Timers` for tests. Time moves only through `advance()` /
 * `advanceTo()`; due timers fire in order of due time (ties: creation order), with `nowMs()`
 * set to each timer's due time while it runs. Timers created by callbacks fire in the same
 * advance when they fall due inside it.
 */
export class FakeClock implements Clock, Timers {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, FakeTimer>();

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  nowMs(): number {
    return this.#now;
  }

  /** Number of scheduled timeouts and intervals. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.#schedule(callback, delayMs, undefined);
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'number') this.#timers.delete(handle);
  }

  setInterval(callback: () => void, intervalMs: number): TimerHandle {
    // Like hosts do, a zero or negative period is treated as 1 ms so the clock cannot spin.
    return this.#schedule(callback, intervalMs, Math.max(1, normalizeDelay(intervalMs)));
  }

  clearInterval(handle: TimerHandle): void {
    this.clearTimeout(handle);
  }

  /** Moves time forward by `ms`, firing every timer that falls due. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance(): ms must be >= 0, got ${ms}`);
    this.advanceTo(this.#now + ms);
  }

  /** Moves time forward to `targetMs`, firing every timer that falls due. */
  advanceTo(targetMs: number): void {
    if (!(targetMs >= this.#now)) {
      throw new RangeError(`FakeClock.advanceTo(): cannot go back from ${this.#now} to ${targetMs}`);
    }
    for (;;) {
      const next = this.#nextDue(targetMs);
      if (!next) break;
      this.#now = next.dueAtMs;
      if (next.intervalMs === undefined) this.#timers.delete(next.id);
      else next.dueAtMs += next.intervalMs;
      next.callback();
    }
    this.#now = targetMs;
  }

  #schedule(callback: () => void, delayMs: number, intervalMs: number | undefined): number {
    const id = this.#nextId++;
    const delay = intervalMs ?? normalizeDelay(delayMs);
    this.#timers.set(id, { id, callback, dueAtMs: this.#now + delay, intervalMs });
    return id;
  }

  #nextDue(limitMs: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.dueAtMs > limitMs) continue;
      if (!best || timer.dueAtMs < best.dueAtMs || (timer.dueAtMs === best.dueAtMs && timer.id < best.id)) {
        best = timer;
      }
    }
    return best;
  }
}

function normalizeDelay(delayMs: number): number {
  return Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
}
