/**
 * A small typed event emitter with no Node dependency.
 *
 * `E` maps event names to listener argument tuples:
 *
 * ```ts
 * interface SessionEvents { close: [reason: SessionCloseReason] }
 * ```
 *
 * Listeners run synchronously in registration order. A listener that throws never breaks the
 * emitter or the other listeners: the error goes to the listener-error handler instead.
 */

/** Constraint for event maps: every event names a tuple of listener arguments. */
export type EventMap<E> = { [K in keyof E]: unknown[] };

export type Listener<A extends unknown[]> = (...args: A) => void;

/** Any listener, whatever its arguments; cast back to `Listener<E[K]>` to call it. */
type StoredListener = (...args: never) => void;

/** Receives errors thrown by event listeners. */
export type ListenerErrorHandler = (error: unknown, event: string) => void;

const defaultListenerErrorHandler: ListenerErrorHandler = (error, event) => {
  console.error(`@opencalls/session: a "${event}" listener threw`, error);
};

let listenerErrorHandler: ListenerErrorHandler = defaultListenerErrorHandler;

/**
 * Routes errors thrown by event listeners (of every emitter in this package) to `handler`,
 * e.g. the server's logger. Pass `undefined` to restore the default (`console.error`).
 */
export function setListenerErrorHandler(handler: ListenerErrorHandler | undefined): void {
  listenerErrorHandler = handler ?? defaultListenerErrorHandler;
}

export class TypedEmitter<E extends EventMap<E>> {
  readonly #listeners = new Map<keyof E, StoredListener[]>();

  on<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const list = this.#listeners.get(event);
    if (list) list.push(listener as StoredListener);
    else this.#listeners.set(event, [listener as StoredListener]);
    return this;
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const wrapper = (...args: E[K]): void => {
      this.off(event, wrapper);
      listener(...args);
    };
    return this.on(event, wrapper);
  }

  /** Removes one registration of `listener`; a listener that is not registered is ignored. */
  off<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const list = this.#listeners.get(event);
    if (!list) return this;
    const index = list.indexOf(listener as StoredListener);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.#listeners.delete(event);
    return this;
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  removeAllListeners(event?: keyof E): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  /**
   * Calls every listener of `event` with `args`. A throwing listener is reported to the
   * listener-error handler and never propagated. Returns whether any listener was called.
   */
  protected safeEmit<K extends keyof E>(event: K, ...args: E[K]): boolean {
    const list = this.#listeners.get(event);
    if (!list || list.length === 0) return false;
    for (const listener of [...list]) {
      try {
        (listener as unknown as Listener<E[K]>)(...args);
      } catch (error) {
        reportListenerError(error, String(event));
      }
    }
    return true;
  }
}

function reportListenerError(error: unknown, event: string): void {
  try {
    listenerErrorHandler(error, event);
  } catch {
    // A broken error handler must not break the emitter either.
  }
}
