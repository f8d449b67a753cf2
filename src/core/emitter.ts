/** Any map of event names to listener signatures. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listener parameters vary per event
export type EventMap<M> = { [K in keyof M]: (...args: any[]) => void };

/**
 * A typed event emitter. A listener that throws is reported on the console and never stops the others:
 * the host page's code must not be able to break Natter, nor Natter the host page.
 *
 * @example
 * ```ts
 * const events = new Emitter<{ unread: (count: number) => void }>();
 * events.on('unread', (n) => console.log(n));
 * events.emit('unread', 2);
 * ```
 */
export class Emitter<M extends EventMap<M>> {
  #listeners = new Map<keyof M, Set<M[keyof M]>>();

  /** Calls `listener` every time `event` fires. */
  on<K extends keyof M>(event: K, listener: M[K]): this {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return this;
  }

  /** Stops calling `listener` for `event`. */
  off<K extends keyof M>(event: K, listener: M[K]): this {
    this.#listeners.get(event)?.delete(listener);
    return this;
  }

  /** Calls every listener of `event` with `args`. */
  emit<K extends keyof M>(event: K, ...args: Parameters<M[K]>): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Parameters<M[K]>) => void)(...args);
      } catch (error) {
        console.error(`Natter: a listener of "${String(event)}" threw; the others still ran.`, error);
      }
    }
  }
}
