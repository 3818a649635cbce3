import { describe, expect, test } from 'vitest';
import type { TrackSimulcast } from '@opencalls/protocol';
import {
  chooseSimulcastLayer,
  NO_SIMULCAST_PREFERENCE,
  resolveSimulcastPreference,
  type SimulcastLayerState,
} from '../src/simulcast-layer-choice.js';

/** `"f h~ q"`: layers f, h, q where `~` marks a layer that is not being sent. */
function layers(spec: string): SimulcastLayerState[] {
  return spec
    .split(' ')
    .filter(Boolean)
    .map((s) => ({ rid: s.replace('~', ''), available: !s.endsWith('~') }));
}

describe('resolveSimulcastPreference (wire → preference)', () => {
  test.each<{ wire: TrackSimulcast | undefined; preferredRid: string | undefined; fallback: string; priorityOrdering: string }>([
    { wire: undefined, preferredRid: undefined, fallback: 'none', priorityOrdering: 'none' },
    { wire: {}, preferredRid: undefined, fallback: 'none', priorityOrdering: 'none' },
    { wire: { preferredRid: '' }, preferredRid: undefined, fallback: 'none', priorityOrdering: 'none' },
    { wire: { preferredRid: 'h' }, preferredRid: 'h', fallback: 'none', priorityOrdering: 'none' },
    {
      wire: { preferredRid: 'h', priorityOrdering: 'asciibetical', ridNotAvailable: 'asciibetical' },
      preferredRid: 'h',
      fallback: 'next',
      priorityOrdering: 'asciibetical',
    },
    { wire: { preferredRid: 'h', ridNotAvailable: 'none' }, preferredRid: 'h', fallback: 'none', priorityOrdering: 'none' },
    // Legacy spellings.
    { wire: { preferredRid: 'h', fallbackStrategy: 'auto' }, preferredRid: 'h', fallback: 'next', priorityOrdering: 'asciibetical' },
    { wire: { preferredRid: 'h', fallbackStrategy: 'leastBandwidth' }, preferredRid: 'h', fallback: 'lowest', priorityOrdering: 'none' },
    { wire: { preferredRid: 'h', fallbackStrategy: 'none' }, preferredRid: 'h', fallback: 'none', priorityOrdering: 'none' },
    { wire: { preferredRid: 'h', ridUnavailableStrategy: 'asciibetical' }, preferredRid: 'h', fallback: 'next', priorityOrdering: 'none' },
    { wire: { preferredRid: 'h', ridUnavailableStrategy: 'whatever' }, preferredRid: 'h', fallback: 'none', priorityOrdering: 'none' },
    // The current fields win over the legacy ones.
    {
      wire: { preferredRid: 'h', fallbackStrategy: 'auto', ridNotAvailable: 'none', priorityOrdering: 'none' },
      preferredRid: 'h',
      fallback: 'none',
      priorityOrdering: 'none',
    },
  ])('$wire', ({ wire, preferredRid, fallback, priorityOrdering }) => {
    expect(resolveSimulcastPreference(wire)).toEqual({ preferredRid, fallback, priorityOrdering });
  });
});

describe('chooseSimulcastLayer', () => {
  const next = resolveSimulcastPreference;
  test.each<{ name: string; simulcast: TrackSimulcast | undefined; layers: string; current?: string; expected: string | undefined }>([
    // No preference: the best available layer in a–z order.
    { name: 'no preference → best available', simulcast: undefined, layers: 'f h q', expected: 'f' },
    { name: 'no preference, f absent → h', simulcast: { preferredRid: '' }, layers: 'f~ h q', expected: 'h' },
    { name: 'no preference, declared order does not matter', simulcast: {}, layers: 'q h f', expected: 'f' },
    { name: 'no preference, orange a/b', simulcast: { preferredRid: '' }, layers: 'a b', expected: 'a' },
    { name: 'no preference, nothing sent yet → best declared', simulcast: {}, layers: 'f~ h~ q~', expected: 'f' },
    { name: 'no preference, nothing sent → stay', simulcast: {}, layers: 'f~ h~ q~', current: 'q', expected: 'q' },
    { name: 'no preference, priorityOrdering none is the same', simulcast: { preferredRid: '', priorityOrdering: 'none' }, layers: 'f h q', expected: 'f' },
    // The preferred layer when it is there.
    { name: 'preferred h', simulcast: { preferredRid: 'h' }, layers: 'f h q', expected: 'h' },
    { name: 'preferred q', simulcast: { preferredRid: 'q', ridNotAvailable: 'asciibetical' }, layers: 'f h q', current: 'h', expected: 'q' },
    { name: 'preferred b (orange data saver)', simulcast: { preferredRid: 'b' }, layers: 'a b', expected: 'b' },
    // ridNotAvailable none: wait on the preferred layer.
    { name: 'none: h absent → wait on h', simulcast: { preferredRid: 'h', ridNotAvailable: 'none' }, layers: 'f h~ q', expected: 'h' },
    { name: 'none (default): h absent → wait on h', simulcast: { preferredRid: 'h' }, layers: 'f h~ q', current: 'h', expected: 'h' },
    { name: 'none: unknown rid → nothing', simulcast: { preferredRid: 'x', ridNotAvailable: 'none' }, layers: 'f h q', expected: undefined },
    // ridNotAvailable asciibetical: nearest below, then nearest above.
    { name: 'asciibetical: h absent → q', simulcast: { preferredRid: 'h', ridNotAvailable: 'asciibetical' }, layers: 'f h~ q', expected: 'q' },
    { name: 'asciibetical: h and q absent → f', simulcast: { preferredRid: 'h', ridNotAvailable: 'asciibetical' }, layers: 'f h~ q~', expected: 'f' },
    { name: 'asciibetical: f absent → h', simulcast: { preferredRid: 'f', ridNotAvailable: 'asciibetical' }, layers: 'f~ h q', expected: 'h' },
    { name: 'asciibetical: q absent → h (nearest above)', simulcast: { preferredRid: 'q', ridNotAvailable: 'asciibetical' }, layers: 'f h q~', expected: 'h' },
    { name: 'asciibetical: all absent → wait on h', simulcast: { preferredRid: 'h', ridNotAvailable: 'asciibetical' }, layers: 'f~ h~ q~', current: 'q', expected: 'h' },
    { name: 'asciibetical: unknown rid g → h (next after g)', simulcast: { preferredRid: 'g', ridNotAvailable: 'asciibetical' }, layers: 'f h q', expected: 'h' },
    { name: 'asciibetical: unknown rid, all absent → stay', simulcast: { preferredRid: 'x', ridNotAvailable: 'asciibetical' }, layers: 'f~ h~', current: 'h', expected: 'h' },
    // Legacy fallbackStrategy.
    { name: 'auto: h absent → q', simulcast: { preferredRid: 'h', fallbackStrategy: 'auto' }, layers: 'f h~ q', expected: 'q' },
    { name: 'leastBandwidth: f absent → q (the worst)', simulcast: { preferredRid: 'f', fallbackStrategy: 'leastBandwidth' }, layers: 'f~ h q', expected: 'q' },
    { name: 'legacy none: h absent → wait', simulcast: { preferredRid: 'h', fallbackStrategy: 'none' }, layers: 'f h~ q', expected: 'h' },
  ])('$name', ({ simulcast, layers: spec, current, expected }) => {
    expect(chooseSimulcastLayer(next(simulcast), layers(spec), current)).toBe(expected);
  });

  test('no layers at all → none', () => {
    expect(chooseSimulcastLayer(NO_SIMULCAST_PREFERENCE, [], undefined)).toBeUndefined();
  });
});
