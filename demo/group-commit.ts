/**
 * Grouped commits: every record written during one turn of the event loop goes to storage in one
 * transaction at the end of that turn (`setImmediate`), so a burst of messages from many visitors costs one
 * fsync, not one each. Until that commit, whatever depends on those records waits (`afterCommit`): the
 * socket layer holds every outgoing frame behind it, so an `ack` still means stored, and nobody — not another
 * tab, not an agent — hears of an item that a crash could take back.
 *
 * When a commit fails (a full or read-only disk) its records are kept and tried again every second; until
 * one succeeds, new writes throw (the caller answers `internal`: nothing stored, try later) and the frames
 * waiting for the commit stay held. Nothing was acknowledged, so a crash meanwhile loses no promise.
 */
import type { ConversationStorage, StorageRecord } from './storage.ts';

const RETRY_MS = 1000;

export class StorageUnavailableError extends Error {
  constructor() {
    super('Storage is failing (see the error logged before); nothing new is stored until a retry succeeds.');
    this.name = 'StorageUnavailableError';
  }
}

export class GroupCommit {
  readonly #storage: ConversationStorage;
  #records: StorageRecord[] = [];
  #waiting: Array<() => void> = [];
  #scheduled: ReturnType<typeof setImmediate> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #failing = false;
  #closed = false;

  constructor(storage: ConversationStorage) {
    this.#storage = storage;
  }

  /** Queues a record for this turn's commit. Throws while storage is failing (the record is not queued). */
  add(record: StorageRecord): void {
    if (this.#failing || this.#closed) throw new StorageUnavailableError();
    this.#records.push(record);
    this.#scheduled ??= setImmediate(() => this.commit());
  }

  /** Runs `then` once every record queued so far is stored: at once when nothing is waiting. */
  afterCommit(then: () => void): void {
    if (this.#records.length === 0) then();
    else this.#waiting.push(then);
  }

  /** Commits what is queued now. Returns whether everything queued is stored. */
  commit(): boolean {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    if (this.#retry) clearTimeout(this.#retry);
    this.#scheduled = this.#retry = undefined;
    if (this.#records.length === 0) return true;
    try {
      this.#storage.write(this.#records);
    } catch (error) {
      if (!this.#failing) {
        console.error(`Natter store: could not store ${this.#records.length} change(s); retrying every second. Nothing is acknowledged until then:`, error);
      }
      this.#failing = true;
      if (!this.#closed) this.#retry = setTimeout(() => this.commit(), RETRY_MS);
      return false;
    }
    if (this.#failing) console.warn('Natter store: storing works again; the held changes are stored.');
    this.#failing = false;
    this.#records = [];
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const then of waiting) {
      try {
        then();
      } catch (error) {
        console.error('Natter store: a callback after a commit failed:', error);
      }
    }
    return true;
  }

  /** Commits what is left and closes storage. Changes that still cannot be stored were never acknowledged. */
  close(): void {
    if (this.#closed) return;
    const stored = this.commit();
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    if (!stored) console.error(`Natter store: closing with ${this.#records.length} change(s) not stored; none of them was acknowledged.`);
    this.#storage.close();
  }
}
