/**
 * A tiny external store: the one place the UI reads the core's state from.
 *
 * @example
 * ```ts
 * const store = createStore({ count: 0 });
 * const stop = store.subscribe(() => console.log(store.getState().count));
 * store.setState({ count: 1 }); // logs 1
 * stop();
 * ```
 */
export interface Store<S> {
  getState(): S;
  /** Merges `patch` into the state and notifies subscribers (only when something changed). */
  setState(patch: Partial<S>): void;
  /** Calls `listener` after every change; returns a function that unsubscribes. */
  subscribe(listener: () => void): () => void;
}

/** Makes a {@link Store} holding `initial`. */
export function createStore<S extends object>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    setState(patch) {
      let changed = false;
      for (const key in patch) {
        if (!Object.is(patch[key], state[key])) changed = true;
      }
      if (!changed) return;
      state = { ...state, ...patch };
      for (const listener of [...listeners]) {
        // A subscriber that throws (the host page's code) must not stop the others, nor the core's work.
        try {
          listener();
        } catch (error) {
          console.error('Natter: a state subscriber threw; the others still ran.', error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
