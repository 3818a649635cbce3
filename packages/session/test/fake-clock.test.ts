import { describe, expect, test } from 'vitest';
import { FakeClock } from '../src/testing/index.js';

describe('FakeClock', () => {
  test('time moves only when advanced', () => {
    const clock = new FakeClock(100);
    expect(clock.nowMs()).toBe(100);
    clock.advance(50);
    expect(clock.nowMs()).toBe(150);
    clock.advanceTo(1_000);
    expect(clock.nowMs()).toBe(1_000);
  });

  test('fires due timeouts in due order, with now set to each due time', () => {
    const clock = new FakeClock();
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['b', clock.nowMs()]), 20);
    clock.setTimeout(() => fired.push(['a', clock.nowMs()]), 10);
    clock.setTimeout(() => fired.push(['c', clock.nowMs()]), 20);
    clock.setTimeout(() => fired.push(['late', clock.nowMs()]), 31);
    clock.advance(30);
    expect(fired).toEqual([
      ['a', 10],
      ['b', 20],
      ['c', 20],
    ]);
    expect(clock.pendingTimers).toBe(1);
  });

  test('a cleared timeout never fires; a timer set by a callback fires within the same advance', () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    const handle = clock.setTimeout(() => fired.push(-1), 5);
    clock.clearTimeout(handle);
    clock.setTimeout(() => clock.setTimeout(() => fired.push(clock.nowMs()), 5), 5);
    clock.advance(10);
    expect(fired).toEqual([10]);
    expect(clock.pendingTimers).toBe(0);
  });

  test('intervals repeat until cleared', () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    const handle = clock.setInterval(() => fired.push(clock.nowMs()), 1_000);
    clock.advance(3_500);
    expect(fired).toEqual([1_000, 2_000, 3_000]);
    clock.clearInterval(handle);
    clock.advance(5_000);
    expect(fired).toHaveLength(3);
  });

  test('refuses to go back in time', () => {
    const clock = new FakeClock(10);
    expect(() => clock.advanceTo(5)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});
