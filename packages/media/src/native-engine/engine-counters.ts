import type { DeliveredCounts } from './control-pump.js';

/**
 * The native engine's counters (names from the addon, camelCase; see
 * native/crates/rtp_core/src/engine/counters.rs) plus what the JS side handed to werift.
 */
export interface EngineCounters {
  readonly native: Readonly<Record<string, number>>;
  readonly deliveredToWerift: Readonly<DeliveredCounts>;
}

export function decodeCounters(names: readonly string[], values: Float64Array, delivered: DeliveredCounts): EngineCounters {
  const native: Record<string, number> = {};
  names.forEach((name, i) => {
    native[name] = values[i] ?? 0;
  });
  return Object.freeze({ native: Object.freeze(native), deliveredToWerift: Object.freeze({ ...delivered }) });
}
