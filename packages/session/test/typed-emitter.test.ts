import { afterEach, describe, expect, test } from 'vitest';
import { setListenerErrorHandler, TypedEmitter } from '../src/index.js';

interface DemoEvents {
  ping: [n: number, label: string];
  done: [];
}

class Demo extends TypedEmitter<DemoEvents> {
  fire<K extends keyof DemoEvents>(event: K, ...args: DemoEvents[K]): boolean {
    return this.safeEmit(event, ...args);
  }
}

afterEach(() => setListenerErrorHandler(undefined));

describe('TypedEmitter', () => {
  test('on / once / off / listenerCount', () => {
    const e = new Demo();
    const seen: string[] = [];
    const a = (n: number, label: string): void => void seen.push(`a${n}${label}`);
    e.on('ping', a);
    e.once('ping', (n) => seen.push(`once${n}`));
    expect(e.listenerCount('ping')).toBe(2);
    expect(e.fire('ping', 1, 'x')).toBe(true);
    expect(e.fire('ping', 2, 'y')).toBe(true);
    e.off('ping', a);
    expect(e.fire('ping', 3, 'z')).toBe(false);
    expect(seen).toEqual(['a1x', 'once1', 'a2y']);
    expect(e.fire('done')).toBe(false);
  });

  test('a throwing listener is reported, not propagated, and the others still run', () => {
    const errors: Array<[unknown, string]> = [];
    setListenerErrorHandler((error, event) => errors.push([error, event]));
    const e = new Demo();
    const ran: number[] = [];
    e.on('done', () => {
      throw new Error('bug');
    });
    e.on('done', () => void ran.push(1));
    expect(() => e.fire('done')).not.toThrow();
    expect(ran).toEqual([1]);
    expect(errors).toEqual([[new Error('bug'), 'done']]);
  });

  test('removing a listener during emit does not skip the others', () => {
    const e = new Demo();
    const ran: string[] = [];
    const second = (): void => void ran.push('second');
    e.on('done', () => {
      ran.push('first');
      e.off('done', second);
    });
    e.on('done', second);
    e.fire('done');
    e.fire('done');
    expect(ran).toEqual(['first', 'second', 'first']);
  });

  test('removeAllListeners', () => {
    const e = new Demo();
    e.on('done', () => undefined).on('ping', () => undefined);
    e.removeAllListeners('done');
    expect(e.listenerCount('done')).toBe(0);
    expect(e.listenerCount('ping')).toBe(1);
    e.removeAllListeners();
    expect(e.listenerCount('ping')).toBe(0);
  });
});
