import type { DeliveredCounts } from './control-pump.js';

/**
 * The native engine's counters, in the addon's order (native/crates/rtp_core/src/engine/
 * counters.rs is the source; `counterNames()` must list exactly these, which the media test
 * checks).
 */
export const ENGINE_COUNTER_NAMES = [
  'rxDatagrams',
  'rxBytes',
  'stunToJs',
  'dtlsToJs',
  'mediaToJs',
  'otherToJs',
  'rtpIn',
  'rtcpIn',
  'rtpForwarded',
  'rtpForwardedBytes',
  'rtcpSent',
  'txDatagrams',
  'txBytes',
  'txFailed',
  'txCoalesced',
  'controlSent',
  'dropUnknownEndpoint',
  'dropMalformed',
  'dropOversized',
  'dropNoKeys',
  'dropAuth',
  'dropReplay',
  'dropUnknownSsrc',
  'dropNoOutput',
  'dropControlQueueFull',
  'dropStunAuth',
  'nackReceived',
  'nackResent',
  'nackMissed',
  'nackSent',
  'keyframeRequestsReceived',
  'pliSent',
  'rembSent',
  'twccFeedbackSent',
  'srSent',
  'rrSent',
  'panics',
] as const;

export type EngineCounterName = (typeof ENGINE_COUNTER_NAMES)[number];

/** What the native engine did with every datagram, plus what the JS side handed to werift. */
export interface EngineCounters {
  readonly native: Readonly<Record<EngineCounterName, number>>;
  readonly deliveredToWerift: Readonly<DeliveredCounts>;
}

/** Reads the addon's counters by name (a counter the addon does not report reads 0). */
export function decodeCounters(names: readonly string[], values: Float64Array, delivered: DeliveredCounts): EngineCounters {
  const native = {} as Record<EngineCounterName, number>;
  for (const name of ENGINE_COUNTER_NAMES) {
    const i = names.indexOf(name);
    native[name] = i >= 0 ? (values[i] ?? 0) : 0;
  }
  return Object.freeze({ native: Object.freeze(native), deliveredToWerift: Object.freeze({ ...delivered }) });
}
