import type { Message } from '../model/types.ts';

/**
 * The timeline's one ordering rule: items the server placed come first, by their `order` (opaque strings
 * from the transport, compared by code unit); then messages still on their way, by the order the customer
 * wrote them (`local`, a counter), then by key so that every tab agrees. No clock is ever consulted: a page
 * clock an hour off, a server clock that steps back or a burst in one millisecond changes nothing.
 */
export function compareMessages(a: Message, b: Message): number {
  if (a.order !== undefined || b.order !== undefined) {
    if (a.order === undefined) return 1;
    if (b.order === undefined) return -1;
    if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  } else if ((a.local ?? 0) !== (b.local ?? 0)) return (a.local ?? 0) - (b.local ?? 0);
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * The conversation's messages in order, indexed by key: finding, appending and updating cost O(log n) to find
 * the place (nearly always the end) and one array copy, never a sort or a scan of the whole history.
 * `list` is replaced, never mutated, so readers can compare it by identity.
 */
export class Timeline {
  #list: readonly Message[] = [];
  readonly #byKey = new Map<string, Message>();

  /** The messages, oldest first. */
  get list(): readonly Message[] {
    return this.#list;
  }

  get(key: string): Message | undefined {
    return this.#byKey.get(key);
  }

  /** Replaces the whole timeline (a load), sorting once. */
  reset(messages: readonly Message[]): void {
    this.#byKey.clear();
    for (const message of messages) this.#byKey.set(message.key, message);
    this.#list = [...this.#byKey.values()].sort(compareMessages);
  }

  /** Puts `message` in its place, replacing the one with the same key; returns the one it replaced. */
  upsert(message: Message): Message | undefined {
    const previous = this.#byKey.get(message.key);
    const next = this.#list.slice();
    if (previous) {
      const at = this.#indexOf(previous);
      if (compareMessages(previous, message) === 0) {
        next[at] = message;
        this.#byKey.set(message.key, message);
        this.#list = next;
        return previous;
      }
      next.splice(at, 1);
    }
    next.splice(insertionPoint(next, message), 0, message);
    this.#byKey.set(message.key, message);
    this.#list = next;
    return previous;
  }

  /** Removes the messages for which `drop` holds. */
  removeWhere(drop: (message: Message) => boolean): void {
    const kept = this.#list.filter((message) => !drop(message));
    if (kept.length === this.#list.length) return;
    this.reset(kept);
  }

  #indexOf(message: Message): number {
    const at = insertionPoint(this.#list, message) - 1;
    return this.#list[at]?.key === message.key ? at : this.#list.findIndex((m) => m.key === message.key);
  }
}

/** Where `message` goes in the sorted `list`: after every message that sorts before or equal to it. */
function insertionPoint(list: readonly Message[], message: Message): number {
  // New messages nearly always belong at the end.
  const last = list[list.length - 1];
  if (!last || compareMessages(last, message) <= 0) return list.length;
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareMessages(list[mid]!, message) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
