import { nanoid } from 'nanoid';

/**
 * The version of the cross-tab envelope and of every body sent through it. Bump it when either changes in
 * a way an older tab would misread: tabs of another version then ignore each other's messages and, since
 * the leader lock is named with it too, elect their own leader instead of waiting on one they cannot
 * understand.
 */
const V = 1;

/**
 * One tab's link to the other tabs of the same site: a leader elected with the Web Locks API and a message
 * bus over a `BroadcastChannel`. See {@link openTabLink}.
 */
export interface TabLink {
  /** Random per tab (and per link). */
  readonly tabId: string;
  readonly isLeader: boolean;
  /** Called when this tab becomes the leader (or stops being it, on close). Returns unsubscribe. */
  onLeadership(listener: (leader: boolean) => void): () => void;
  /** Posts `body` to every other tab of this site, under `channel` (e.g. 'transport', 'core'). */
  post(channel: string, body: unknown, to?: string): void;
  /** Bodies from other tabs on `channel`, with the sender's tabId. Returns unsubscribe. */
  onMessage(channel: string, listener: (body: unknown, from: string) => void): () => void;
  /** Releases leadership (the next tab takes over) and closes the channel. */
  close(): void;
}

/** What {@link openTabLink} uses instead of the browser's own, for tests. */
export interface TabLinkEnv {
  locks?: LockManager;
  BroadcastChannel?: typeof BroadcastChannel;
  /** `false`: a bus only, that never asks to lead. */
  lead?: boolean;
}

/** What crosses the channel. `to` absent: for every tab. */
interface Envelope {
  natter: 'tabs';
  v: typeof V;
  from: string;
  to?: string;
  channel: string;
  body: unknown;
}

/**
 * Joins the tabs of this site named `name` (such as `natter-default`). Every tab asks for the leader lock;
 * the browser grants it to one and, when that tab closes or crashes, to the next that asked. Returns
 * `undefined` where Web Locks or `BroadcastChannel` is missing (non-secure pages, old browsers): the caller
 * then keeps one connection per tab.
 *
 * Messages that are not this version's envelope, or that claim to come from this tab, are skipped with one
 * `console.warn` per kind.
 *
 * @example
 * ```ts
 * const link = openTabLink('natter-default');
 * link?.onMessage('core', (body, from) => console.log(from, body));
 * link?.post('core', { read: Date.now() });
 * ```
 */
export function openTabLink(name: string, env: TabLinkEnv = {}): TabLink | undefined {
  const locks = env.locks ?? globalThis.navigator?.locks;
  const Channel = env.BroadcastChannel ?? globalThis.BroadcastChannel;
  if (!locks || !Channel) return;
  const tabId = nanoid();
  const channel = new Channel(name);
  const leadership = new Set<(leader: boolean) => void>();
  const listeners = new Map<string, Set<(body: unknown, from: string) => void>>();
  const warned = new Set<string>();
  let leader = false;
  let closed = false;
  let release = () => {};

  // A failing listener must not keep the others from hearing, nor (in the lock callback) drop the lock.
  const each = <A extends unknown[]>(set: Iterable<(...args: A) => void> | undefined, ...args: A) => {
    for (const listener of [...(set ?? [])]) {
      try {
        listener(...args);
      } catch (error) {
        console.error(error);
      }
    }
  };
  const lead = (value: boolean) => {
    leader = value;
    each(leadership, value);
  };
  const warn = (kind: string) => {
    if (warned.has(kind)) return;
    warned.add(kind);
    console.warn(`Natter: ignored ${kind} on the "${name}" channel between tabs`);
  };
  const subscribe = <T>(set: Set<T>, item: T) => (set.add(item), () => void set.delete(item));

  if (env.lead !== false)
    locks
    .request(`${name}-leader-v${V}`, () => {
      // A link closed while it waited lets the lock pass straight on.
      if (closed) return;
      lead(true);
      return new Promise<void>((resolve) => (release = resolve));
    })
    // Where locking itself fails (an opaque origin throws SecurityError), this tab leads alone, as without a link.
    .catch(() => closed || lead(true));

  channel.onmessage = ({ data }: MessageEvent) => {
    const m = data as Partial<Envelope> | null;
    // Checked in this order so that another version's message is named as such, never read as this one's.
    const problem =
      typeof m !== 'object' || !m || m.natter !== 'tabs'
        ? 'a message that is not from Natter'
        : m.v !== V
          ? 'a message from another version of Natter'
          : typeof m.from !== 'string' || typeof m.channel !== 'string' || (m.to !== undefined && typeof m.to !== 'string')
            ? 'a malformed message'
            : m.from === tabId
              ? "this tab's own message"
              : '';
    if (problem) return warn(problem);
    if (m!.to === undefined || m!.to === tabId) each(listeners.get(m!.channel!), m!.body, m!.from!);
  };
  channel.onmessageerror = () => warn('a message that could not be read');

  return {
    tabId,
    get isLeader() {
      return leader;
    },
    onLeadership: (listener) => subscribe(leadership, listener),
    post(channelName, body, to) {
      if (closed) return;
      const envelope: Envelope = { natter: 'tabs', v: V, from: tabId, channel: channelName, body };
      if (to !== undefined) envelope.to = to;
      channel.postMessage(envelope);
    },
    onMessage(channelName, listener) {
      let set = listeners.get(channelName);
      if (!set) listeners.set(channelName, (set = new Set()));
      return subscribe(set, listener);
    },
    close() {
      if (closed) return;
      closed = true;
      if (leader) lead(false);
      leadership.clear();
      listeners.clear();
      channel.close();
      release();
    },
  };
}
