import { vi } from 'vitest';

/**
 * Web Locks as one browser has them, in memory (Node and happy-dom have none): exclusive locks, granted in
 * the order they were asked for, each released when its callback's promise settles. Share one instance
 * between the "tabs" of a test, as tabs share the browser's.
 */
export class FakeLocks {
  readonly #queues = new Map<string, (() => void)[]>();
  readonly #held = new Set<string>();

  request(name: string, ...args: unknown[]): Promise<unknown> {
    const callback = args.at(-1) as (lock: { name: string; mode: 'exclusive' }) => unknown;
    return new Promise((resolve, reject) => {
      const grant = () => {
        this.#held.add(name);
        Promise.resolve()
          .then(() => callback({ name, mode: 'exclusive' }))
          .then(resolve, reject)
          .finally(() => {
            this.#held.delete(name);
            this.#queues.get(name)?.shift()?.();
          });
      };
      if (this.#held.has(name)) {
        let queue = this.#queues.get(name);
        if (!queue) this.#queues.set(name, (queue = []));
        queue.push(grant);
      } else grant();
    });
  }

  /** This fake as the type `openTabLink` asks for. */
  get manager(): LockManager {
    return this as unknown as LockManager;
  }
}

/** Locks whose every request fails, as in an opaque origin. */
export const refusingLocks = {
  request: () => Promise.reject(new DOMException('opaque origin', 'SecurityError')),
} as unknown as LockManager;

/** A channel name no earlier test used: Node's BroadcastChannel reaches every instance in the process. */
let names = 0;
export function uniqueName(): string {
  return `natter-test-${process.pid}-${++names}`;
}

/** Waits until `predicate` holds, polling; fails with `what` after 2 s. */
export async function until(predicate: () => boolean, what = 'condition'): Promise<void> {
  await vi.waitFor(
    () => {
      if (!predicate()) throw new Error(`still waiting for ${what}`);
    },
    { timeout: 2000, interval: 5 },
  );
}

/** Lets queued BroadcastChannel messages and microtasks run. */
export function settle(ms = 30): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
