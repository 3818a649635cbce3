import { InvalidStateError, SfuError } from '@opencalls/protocol';
import { describe, expect, test } from 'vitest';
import { MAX_QUEUED_MUTATIONS, MutationQueue } from '../src/index.js';

/** A promise with its resolve/reject exposed. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('MutationQueue', () => {
  test.each([
    { maxDepth: 2, queue: new MutationQueue({ maxDepth: 2 }) },
    { maxDepth: MAX_QUEUED_MUTATIONS, queue: new MutationQueue() },
  ])('a full queue (maxDepth $maxDepth) refuses the next task with negotiation_conflict; room again once one settles', async ({ maxDepth, queue }) => {
    const gate = deferred();
    const started: number[] = [];
    const accepted = Array.from({ length: maxDepth }, (_, i) =>
      queue.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    expect(queue.depth).toBe(maxDepth);
    const refused = queue.run(() => 'never');
    await expect(refused).rejects.toBeInstanceOf(SfuError);
    await expect(refused).rejects.toMatchObject({
      code: 'negotiation_conflict',
      message: `${maxDepth} operations of this session are already waiting: send the next one after they answer`,
    });
    gate.resolve();
    expect(await Promise.all(accepted)).toEqual(Array.from({ length: maxDepth }, (_, i) => i));
    expect(started).toHaveLength(maxDepth);
    expect(await queue.run(() => 'room again')).toBe('room again');
  });

  test('runs tasks one at a time, in FIFO order', async () => {
    const queue = new MutationQueue();
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const results = gates.map((gate, i) =>
      queue.run(async () => {
        log.push(`start ${i}`);
        await gate.promise;
        log.push(`end ${i}`);
        return i;
      }),
    );
    await flush();
    expect(log).toEqual(['start 0']);
    expect(queue.depth).toBe(3);
    expect(queue.running).toBe(true);
    gates[2]!.resolve(); // finishing out of order changes nothing
    gates[1]!.resolve();
    await flush();
    expect(log).toEqual(['start 0']);
    gates[0]!.resolve();
    expect(await Promise.all(results)).toEqual([0, 1, 2]);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    expect(queue.depth).toBe(0);
    expect(queue.running).toBe(false);
  });

  test('a failing task fails only itself', async () => {
    const queue = new MutationQueue();
    const a = queue.run(() => 'a');
    const b = queue.run(async () => {
      throw new Error('boom');
    });
    const c = queue.run(() => {
      throw new Error('sync boom');
    });
    const d = queue.run(async () => 'd');
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('boom');
    await expect(c).rejects.toThrow('sync boom');
    await expect(d).resolves.toBe('d');
  });

  test('accepts synchronous tasks and tasks enqueued while running', async () => {
    const queue = new MutationQueue();
    const order: number[] = [];
    const inner: Array<Promise<void>> = [];
    await queue.run(() => {
      order.push(1);
      inner.push(queue.run(() => void order.push(3)));
      order.push(2);
    });
    await Promise.all(inner);
    expect(order).toEqual([1, 2, 3]);
  });

  test('close() rejects waiting tasks, aborts the running one, refuses new ones; idempotent', async () => {
    const queue = new MutationQueue({ name: 'session abc' });
    const gate = deferred();
    let signal: AbortSignal | undefined;
    let laterStarted = false;
    const running = queue.run(async (s) => {
      signal = s;
      await gate.promise;
      return 'finished';
    });
    const waiting = queue.run(() => {
      laterStarted = true;
    });
    await flush();
    queue.close();
    queue.close();
    expect(queue.closed).toBe(true);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(InvalidStateError);
    await expect(waiting).rejects.toBeInstanceOf(InvalidStateError);
    await expect(waiting).rejects.toThrow(/session abc closed before the task started/);
    await expect(queue.run(() => 1)).rejects.toBeInstanceOf(InvalidStateError);
    gate.resolve();
    await expect(running).resolves.toBe('finished'); // the running task settles itself
    expect(laterStarted).toBe(false);
    expect(queue.depth).toBe(0);
  });

  test('depth counts waiting plus running', async () => {
    const queue = new MutationQueue();
    expect(queue.depth).toBe(0);
    const gate = deferred();
    const first = queue.run(() => gate.promise);
    const second = queue.run(() => undefined);
    expect(queue.depth).toBe(2);
    gate.resolve();
    await Promise.all([first, second]);
    expect(queue.depth).toBe(0);
  });
});
