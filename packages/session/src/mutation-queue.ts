/**
 * One session, one offer/answer state machine (calls-api.md §5 "Serialize mutations per
 * session"): every mutation of a session runs through its `MutationQueue`, one at a time, FIFO.
 * Other sessions' queues run in parallel.
 */
import { InvalidStateError } from '@opencalls/protocol';

/**
 * A queued mutation. `signal` aborts when the queue closes while the task runs (for example when
 * the session ends), so a long wait inside the task can stop early.
 */
export type MutationTask<T> = (signal: AbortSignal) => T | PromiseLike<T>;

export interface MutationQueueOptions {
  /** Used in error messages, e.g. the session id. */
  readonly name?: string | undefined;
}

interface Entry {
  readonly task: MutationTask<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

export class MutationQueue {
  readonly #name: string;
  readonly #pending: Entry[] = [];
  #running: AbortController | undefined;
  #closed = false;

  constructor(options: MutationQueueOptions = {}) {
    this.#name = options.name ?? 'mutation queue';
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
   * queue the promise rejects with `InvalidStateError`.
   */
  run<T>(task: MutationTask<T>): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new InvalidStateError(`run(): ${this.#name} is closed`));
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
