/**
 * One session, one offer/answer state machine (calls-api.md §5 "Serialize mutations per
 * session"): every mutation of a session runs through its `MutationQueue`, one at a time, FIFO.
 * Other sessions' queues run in parallel.
 */
import { InvalidStateError, SfuError } from '@opencalls/protocol';

/**
 * Mutations of one session waiting or running at most (the default `maxDepth`). Each may wait
 * seconds (for the transport, or a publisher's first packet): the rate limit alone would let a
 * session's queue, and its open requests, grow without bound.
 */
export const MAX_QUEUED_MUTATIONS = 16;

/**
 * A queued mutation. `signal` aborts when the queue closes while the task runs (for example when
 * the session ends), so a long wait inside the task can stop early.
 */
export type MutationTask<T> = (signal: AbortSignal) => T | PromiseLike<T>;

export interface MutationQueueOptions {
  /** Used in error messages, e.g. the session id. */
  readonly name?: string | undefined;
  /** Tasks waiting plus running at most; one more is refused (406 `negotiation_conflict`). */
  readonly maxDepth?: number | undefined;
}

interface Entry {
  readonly task: MutationTask<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

export class MutationQueue {
  readonly #name: string;
  readonly #maxDepth: number;
  readonly #pending: Entry[] = [];
  #running: AbortController | undefined;
  #closed = false;

  constructor(options: MutationQueueOptions = {}) {
    this.#name = options.name ?? 'mutation queue';
    this.#maxDepth = options.maxDepth ?? MAX_QUEUED_MUTATIONS;
  }

  /** Tasks waiting plus the one running. */
  get depth(): number {
    return this.#pending.length + (this.#running ? 1 : 0);
  }

  get running(): boolean {
    return this.#running !== undefined;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs `task` after every task enqueued before it has settled, and settles like it. A task that
   * throws or rejects fails only its own promise; the next task starts regardless. On a closed
   * queue the promise rejects with `InvalidStateError`; on a full one (`maxDepth`) with a
   * `negotiation_conflict` `SfuError`, as Calls answers overlapping mutations.
   */
  run<T>(task: MutationTask<T>): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new InvalidStateError(`run(): ${this.#name} is closed`));
    }
    if (this.depth >= this.#maxDepth) {
      const message = `${this.depth} operations of this session are already waiting: send the next one after they answer`;
      return Promise.reject(new SfuError('negotiation_conflict', message));
    }
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ task, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#running) this.#next();
    });
  }

  /**
   * Idempotent. Rejects every waiting task with `InvalidStateError` (they never start), aborts the
   * running task's signal (it still settles its own promise) and refuses new tasks.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#running?.abort(new InvalidStateError(`${this.#name} closed while a task was running`));
    const pending = this.#pending.splice(0);
    for (const entry of pending) {
      entry.reject(new InvalidStateError(`${this.#name} closed before the task started`));
    }
  }

  #next(): void {
    const entry = this.#pending.shift();
    if (!entry) {
      this.#running = undefined;
      return;
    }
    const controller = new AbortController();
    this.#running = controller;
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(entry.task(controller.signal));
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(entry.resolve, entry.reject).finally(() => {
      if (this.#running === controller) this.#next();
    });
  }
}
