import type { SimulcastOrdering, TrackSimulcast } from '@opencalls/protocol';

/**
 * What a subscriber does when its preferred layer (or the one it is on) is not being sent:
 * - `none`: stay on the preferred layer and forward nothing from it until it returns
 *   (Calls `ridNotAvailable: "none"`, "do nothing");
 * - `next`: the nearest available layer in a–z order, first below the preferred one (worse,
 *   cheaper), then above it (Calls `ridNotAvailable: "asciibetical"`);
 * - `lowest`: the worst available layer (legacy `fallbackStrategy: "leastBandwidth"`).
 */
export type SimulcastFallback = 'none' | 'next' | 'lowest';

/** A subscriber's simulcast wishes, normalized from the wire (`TrackSimulcast`). */
export interface SimulcastPreference {
  /** `undefined` = no preference (`""` or absent): follow the best available layer. */
  readonly preferredRid: string | undefined;
  /**
   * Echoed and kept; it only matters when the SFU downgrades a subscriber for bandwidth, which
   * OpenCalls does not do (no subscriber bandwidth estimation), so every choice behaves as `none`.
   */
  readonly priorityOrdering: SimulcastOrdering;
  readonly fallback: SimulcastFallback;
}

export const NO_SIMULCAST_PREFERENCE: SimulcastPreference = Object.freeze({
  preferredRid: undefined,
  priorityOrdering: 'none',
  fallback: 'none',
});

/** One layer of a simulcast publication as the chooser sees it. */
export interface SimulcastLayerState {
  readonly rid: string;
  /** Packets arrived recently (see `SimulcastLayerMonitor`). */
  readonly available: boolean;
}

/**
 * Wire → preference. The current fields win over the legacy ones when both are present:
 * - `ridNotAvailable`: `none` → `none`, `asciibetical` → `next`; default `none` (schema default);
 * - legacy `fallbackStrategy` (older schema): `auto` → `next` (and `priorityOrdering`
 *   `asciibetical`), `leastBandwidth` → `lowest`, `none` → `none`;
 * - legacy `ridUnavailableStrategy` (values never published): `none` / `asciibetical` as
 *   `ridNotAvailable`; anything else is ignored.
 */
export function resolveSimulcastPreference(wire: TrackSimulcast | undefined): SimulcastPreference {
  if (!wire) return NO_SIMULCAST_PREFERENCE;
  const preferredRid = wire.preferredRid === undefined || wire.preferredRid === '' ? undefined : wire.preferredRid;
  let fallback: SimulcastFallback = 'none';
  let priorityOrdering: SimulcastOrdering = 'none';
  if (wire.fallbackStrategy === 'auto') {
    fallback = 'next';
    priorityOrdering = 'asciibetical';
  } else if (wire.fallbackStrategy === 'leastBandwidth') {
    fallback = 'lowest';
  }
  if (wire.ridUnavailableStrategy === 'none') fallback = 'none';
  else if (wire.ridUnavailableStrategy === 'asciibetical') fallback = 'next';
  if (wire.ridNotAvailable !== undefined) fallback = wire.ridNotAvailable === 'asciibetical' ? 'next' : 'none';
  if (wire.priorityOrdering !== undefined) priorityOrdering = wire.priorityOrdering;
  return Object.freeze({ preferredRid, priorityOrdering, fallback });
}

/** a–z by code unit ("asciibetical"): `a` is the best layer, `z` the worst. */
function asciibetical(a: SimulcastLayerState, b: SimulcastLayerState): number {
  return a.rid < b.rid ? -1 : a.rid > b.rid ? 1 : 0;
}

/**
 * The layer a subscriber should receive; `undefined` when it should receive none (its preferred
 * rid is not a layer of this publication and `fallback` is `none`). `current` is the layer the
 * subscriber is on, if any. Rules:
 * 1. No preference: the best available layer (a–z); while no layer is sending, stay on `current`
 *    (or wait on the best declared layer).
 * 2. The preferred layer, when it is available.
 * 3. Otherwise by `fallback`: `none` waits on the preferred layer; `next` takes the nearest
 *    available layer below it in a–z order, else the nearest above; `lowest` the worst available.
 *    With no layer sending at all, every mode waits on the preferred layer (or `current`).
 */
export function chooseSimulcastLayer(
  preference: SimulcastPreference,
  layers: readonly SimulcastLayerState[],
  current: string | undefined,
): string | undefined {
  const ranked = [...layers].sort(asciibetical);
  const available = ranked.filter((l) => l.available);
  const preferred = preference.preferredRid;
  if (preferred === undefined) {
    if (available.length > 0) return available[0]!.rid;
    if (current !== undefined && ranked.some((l) => l.rid === current)) return current;
    return ranked[0]?.rid;
  }
  const declared = ranked.some((l) => l.rid === preferred);
  if (available.some((l) => l.rid === preferred)) return preferred;
  const wait = declared ? preferred : current !== undefined && ranked.some((l) => l.rid === current) ? current : undefined;
  switch (preference.fallback) {
    case 'none':
      return declared ? preferred : undefined;
    case 'next': {
      const below = available.find((l) => l.rid > preferred);
      const above = available.filter((l) => l.rid < preferred).at(-1);
      return below?.rid ?? above?.rid ?? wait;
    }
    case 'lowest':
      return available.at(-1)?.rid ?? wait;
  }
}

