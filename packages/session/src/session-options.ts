/**
 * The limits and timeouts of the Calls API (design.md §6), configurable, with Cloudflare's
 * values as defaults. `SessionOptions` → `resolveSessionOptions()` → frozen `ResolvedSessionOptions`.
 */

import { DEFAULT_CALLS_LIMITS } from '@opencalls/protocol';

export interface SessionOptions {
  /** API calls per second per session (Cloudflare: 50). Integer ≥ 1. */
  readonly callsPerSecond?: number | undefined;
  /** Tracks (or data channels) per API call (Cloudflare: 64). Integer ≥ 1. */
  readonly tracksPerCall?: number | undefined;
  /** How long an operation that needs a connected PeerConnection waits for it (Cloudflare: 5 s). */
  readonly connectWaitMs?: number | undefined;
  /** A pushed track that receives no packets for this long is closed (Cloudflare: 30 s). */
  readonly trackInactivityMs?: number | undefined;
  /** A disconnected session keeps its tracks this long before it ends (Cloudflare: 30 s). */
  readonly reuseWindowMs?: number | undefined;
  /** A session that never connects ends this long after creation (Cloudflare: undocumented). */
  readonly unconnectedSessionTtlMs?: number | undefined;
  /** How often the reaper and the inactivity GC run. */
  readonly gcIntervalMs?: number | undefined;
}

export type ResolvedSessionOptions = { readonly [K in keyof SessionOptions]-?: number };

/**
 * The defaults: Cloudflare's documented values (calls-api.md §5), taken from the one place they
 * are written down, `DEFAULT_CALLS_LIMITS` in `@opencalls/protocol`:
 * callsPerSecond 50, tracksPerCall 64, connectWaitMs 5 s, trackInactivityMs 30 s,
 * reuseWindowMs 30 s, unconnectedSessionTtlMs 5 min, plus gcIntervalMs 1 s.
 */
export const DEFAULT_SESSION_OPTIONS: ResolvedSessionOptions = Object.freeze({
  callsPerSecond: DEFAULT_CALLS_LIMITS.callsPerSecond,
  tracksPerCall: DEFAULT_CALLS_LIMITS.tracksPerCall,
  connectWaitMs: DEFAULT_CALLS_LIMITS.connectWaitMs,
  trackInactivityMs: DEFAULT_CALLS_LIMITS.trackInactivityMs,
  reuseWindowMs: DEFAULT_CALLS_LIMITS.reuseWindowMs,
  // Our choice (Calls only says an unconnected session "can expire before its first use"):
  // 5 minutes. Real clients send their first offer within seconds of `sessions/new`, but a
  // permission prompt a person must answer, a WHIP encoder that creates its session ahead, or a
  // server-side flow answered by a third party can take longer, and a too-early 410 is confusing;
  // an unconnected session holds no transport, so an abandoned one costs little for 5 minutes.
  unconnectedSessionTtlMs: DEFAULT_CALLS_LIMITS.unconnectedSessionTtlMs,
  // The GC reads activity once a second (design.md §4), so a track is closed at most ~1 s late.
  gcIntervalMs: 1_000,
});

const INTEGER_KEYS: ReadonlySet<string> = new Set(['callsPerSecond', 'tracksPerCall']);
const KNOWN_KEYS: readonly (keyof ResolvedSessionOptions)[] = Object.keys(DEFAULT_SESSION_OPTIONS) as (keyof ResolvedSessionOptions)[];

/**
 * Fills in defaults and validates. Throws a `RangeError` naming the option for a value that is
 * not a positive finite number (a positive integer for the two counts), and a `TypeError` for an
 * unknown option name (so a typo in a config file fails loudly instead of being ignored).
 * `undefined` means "use the default".
 */
export function resolveSessionOptions(options: SessionOptions = {}): ResolvedSessionOptions {
  for (const key of Object.keys(options)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      throw new TypeError(`session options: unknown option "${key}" (known: ${KNOWN_KEYS.join(', ')})`);
    }
  }
  const resolved: Record<string, number> = {};
  for (const key of KNOWN_KEYS) {
    const value: unknown = options[key];
    if (value === undefined) {
      resolved[key] = DEFAULT_SESSION_OPTIONS[key];
      continue;
    }
    const integer = INTEGER_KEYS.has(key);
    const valid =
      typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
    if (!valid) {
      const wanted = integer ? 'a positive integer' : 'a positive finite number of milliseconds';
      throw new RangeError(`session options: ${key} must be ${wanted}, got ${describe(value)}`);
    }
    resolved[key] = value;
  }
  return Object.freeze(resolved as ResolvedSessionOptions);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return typeof value;
}
