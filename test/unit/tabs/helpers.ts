import { vi } from 'vitest';
import { openTabLink, type TabLink } from '../../../src/tabs/tab-link.ts';
import { TabTransport } from '../../../src/tabs/tab-transport.ts';
import { MemoryBackend } from '../../../src/transports/memory-backend.ts';
import { MemoryTransport } from '../../../src/transports/memory.ts';
import type { InboundFrame, TransportOpenOptions, TransportState } from '../../../src/core/transport.ts';

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

  /** The locks held now, as `navigator.locks.query()` reports them. */
  async query(): Promise<{ held: { name: string }[] }> {
    return { held: [...this.#held].map((name) => ({ name })) };
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

/** A sink that records what it is told. */
export function recordingSink() {
  const sink = {
    frames: [] as InboundFrame[],
    states: [] as TransportState[],
    warnings: [] as string[],
    frame: (frame: InboundFrame) => void sink.frames.push(frame),
    /** The detail that came with each state, where there was one. */
    details: [] as { retryInMs?: number; error?: Error }[],
    state: (state: TransportState, detail?: { retryInMs?: number; error?: Error }) => {
      sink.states.push(state);
      if (detail) sink.details.push(detail);
    },
    warn: (message: string) => void sink.warnings.push(message),
    /** Texts of the message frames received, in order. */
    texts: () => sink.frames.flatMap((frame) => (frame.type === 'message' ? [frame.message.text] : [])),
    get last() {
      return sink.states.at(-1);
    },
  };
  return sink;
}

/**
 * One browser with a memory backend: `tab()` opens one more tab whose TabTransport wraps its own
 * MemoryTransport, all sharing the backend, the locks and one channel name.
 */
export function browser() {
  const backend = new MemoryBackend();
  const locks = new FakeLocks();
  const name = uniqueName();
  const connect = vi.spyOn(backend, 'connect');
  const transports: TabTransport[] = [];
  const link = () => openTabLink(name, { locks: locks.manager, BroadcastChannel });
  function tab(options: Partial<TransportOpenOptions> = {}) {
    const inner = new MemoryTransport(backend, 10);
    const innerOpen = vi.spyOn(inner, 'open');
    let current: TabLink | undefined;
    const transport = new TabTransport(inner, () => (current = link()), 100);
    const sink = recordingSink();
    transport.open({ visitorId: 'v1', cursor: null, ...options }, sink);
    const opened = { transport, sink, inner, innerOpen, link: () => current! };
    transports.push(transport);
    return opened;
  }
  return {
    backend,
    locks,
    name,
    connect,
    tab,
    /** Every tab's transport closed: the channels and timers go. */
    close: () => transports.forEach((transport) => transport.close()),
  };
}

/**
 * Holds `b`'s leader lock (once it is free) without ever speaking, as a stuck tab would. Returns its release,
 * which is also pushed to `cleanup`.
 */
export function blocker(b: ReturnType<typeof browser>, cleanup: (() => void)[]): () => void {
  let held = false;
  let release: () => void = () => {
    held = true;
  };
  void b.locks.request(`${b.name}-leader-v1`, () => (held ? undefined : new Promise<void>((resolve) => (release = resolve))));
  const done = () => release();
  cleanup.push(done);
  return done;
}
