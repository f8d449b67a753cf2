import type { Message } from '../model/types.ts';
import type { ConversationMeta, ConversationStorage, ConversationWrite } from './storage.ts';

/**
 * At most this many messages per transaction: putting a record clones it on the main thread, so a burst of
 * 500 in one transaction was one task of 50 ms. The meta (with the cursor) rides with the last batch, so the
 * stored cursor still never runs ahead of the stored items.
 */
export const MAX_BATCH = 100;

/** A message's slot in storage: its server order once it has one, its key until then. */
const slotOf = (message: Message) => (message.order !== undefined ? `i:${message.order}` : `o:${message.key}`);

/**
 * The write queue between the core and its storage. Changes made while a write is in flight are merged and
 * committed together in the next transaction (grouped commit): a burst of 500 items is a handful of
 * transactions of at most {@link MAX_BATCH}, not 500, and the stored cursor never runs ahead of the stored
 * items because it travels with the last of them, in order. A failed write is kept and merged into the next
 * one.
 */
export class Persistence {
  #next: Map<string, { put?: Message; remove?: Message }> = new Map();
  #meta: ConversationMeta | undefined;
  #current = false;
  #dropPlaced = false;
  #running: Promise<void> | undefined;
  #waiters: (() => void)[] = [];

  constructor(
    readonly storage: ConversationStorage,
    readonly visitorId: string,
    /** Called with the error when a write fails; the write goes again with the next change. */
    readonly onError: (error: unknown) => void,
    /** Called after a write succeeded (with the messages it stored). */
    readonly onStored: (messages: readonly Message[]) => void = () => {},
  ) {}

  /** Queues a change; resolves once it is committed (or has failed and been reported). */
  save(change: { put?: readonly Message[]; remove?: readonly Message[]; meta?: ConversationMeta; current?: boolean; dropPlaced?: boolean }): Promise<void> {
    if (change.dropPlaced) {
      this.#dropPlaced = true;
      for (const [slot, entry] of this.#next) if (slot.startsWith('i:') && entry.put) this.#next.delete(slot);
    }
    for (const message of change.remove ?? []) this.#next.set(slotOf(message), { remove: message });
    for (const message of change.put ?? []) this.#next.set(slotOf(message), { put: message });
    if (change.meta) this.#meta = change.meta;
    if (change.current) this.#current = true;
    const done = new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#running ??= this.#run();
    return done;
  }

  /** Resolves when everything queued so far is committed. */
  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #run(): Promise<void> {
    // Let the current task add what it is about to add: one transaction for a whole burst.
    await Promise.resolve();
    while (this.#next.size || this.#meta || this.#current || this.#dropPlaced) {
      const batch = [...this.#next].slice(0, MAX_BATCH);
      for (const [slot] of batch) this.#next.delete(slot);
      const last = this.#next.size === 0;
      const entries = batch.map(([, entry]) => entry);
      const write: ConversationWrite = {
        put: entries.flatMap((entry) => (entry.put ? [entry.put] : [])),
        remove: entries.flatMap((entry) => (entry.remove ? [entry.remove] : [])),
        ...(last && this.#meta && { meta: this.#meta }),
        ...(this.#current && { current: true }),
        ...(this.#dropPlaced && { dropPlaced: true }),
      };
      // Those waiting are told once what they queued is committed: with the last batch.
      const waiters = last ? this.#waiters : [];
      if (last) {
        this.#meta = undefined;
        this.#waiters = [];
      }
      this.#current = false;
      this.#dropPlaced = false;
      try {
        await this.storage.write(this.visitorId, write);
        this.onStored(write.put ?? []);
      } catch (error) {
        this.#restore(write);
        this.onError(error);
        // Everyone waiting has been reported to: what failed is kept and goes again with the next change.
        [...waiters, ...this.#waiters].forEach((resolve) => resolve());
        this.#waiters = [];
        break; // the kept write goes again with the next change
      }
      waiters.forEach((resolve) => resolve());
    }
    this.#running = undefined;
  }

  /** Puts a failed write back under what was queued since (newer changes win). */
  #restore(write: ConversationWrite): void {
    const next = this.#next;
    this.#next = new Map();
    for (const message of write.remove ?? []) this.#next.set(slotOf(message), { remove: message });
    for (const message of write.put ?? []) this.#next.set(slotOf(message), { put: message });
    for (const [slot, entry] of next) this.#next.set(slot, entry);
    this.#meta ??= write.meta;
    this.#current ||= write.current ?? false;
    this.#dropPlaced ||= write.dropPlaced ?? false;
  }
}
