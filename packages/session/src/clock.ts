/**
 * Time, injected. Everything in this package reads the time through a `Clock` and waits through
 * `Timers`, so tests drive both with `FakeClock` (`@opencalls/session/testing`) and never sleep.
 */

/** A monotonic millisecond clock. Only differences between readings are meaningful. */
export interface Clock {
  nowMs(): number;
}

/** An opaque handle returned by `Timers.setTimeout` / `Timers.setInterval`. */
export type TimerHandle = unknown;

/** The subset of the host's timer functions this package uses. */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(callback: () => void, intervalMs: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

/** `performance.now()`: monotonic, unaffected by wall-clock changes. */
export const systemClock: Clock = Object.freeze({
  nowMs: (): number => performance.now(),
});

type HostTimerHandle = Parameters<typeof globalThis.clearTimeout>[0];

/**
 * The host's timers. Interval handles are `unref()`ed where the host supports it, so housekeeping
 * intervals (reaper, inactivity GC) never keep a process alive on their own; one-shot timeouts
 * are left as they are.
 */
export const systemTimers: Timers = Object.freeze({
  setTimeout: (callback: () => void, delayMs: number): TimerHandle => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle: TimerHandle): void => globalThis.clearTimeout(handle as HostTimerHandle),
  setInterval: (callback: () => void, intervalMs: number): TimerHandle => {
    const handle: unknown = globalThis.setInterval(callback, intervalMs);
    const unref = (handle as { unref?: unknown } | null)?.unref;
    if (typeof unref === 'function') unref.call(handle);
    return handle;
  },
  clearInterval: (handle: TimerHandle): void => globalThis.clearInterval(handle as HostTimerHandle),
});
