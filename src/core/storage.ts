/**
 * The storage port: what the core needs from wherever the conversation is kept. The core owns this
 * interface; `src/storage/` implements it on IndexedDB (and in memory). Keys, record formats and migrations
 * are the adapter's business; the core speaks in messages and meta.
 * @module
 */
import type { Message, User } from '../model/types.ts';
import type { EndedBy, Phase } from '../model/session.ts';
import type { Author } from '../model/types.ts';

/** Facts about one visitor's conversation, kept beside its messages. */
export interface ConversationMeta {
  visitorId: string;
  /** The transport's cursor after the newest stored item (opaque). */
  cursor: string | null;
  /** The `order` of the newest team message the customer has seen. */
  readOrder?: string;
  /** How many team messages the customer has not seen (so that no load needs the whole history to count). */
  unread: number;
  /** The highest writing-order counter given to a message of this browser. */
  localSeq: number;
  user?: User;
  createdAt: number;
  /**
   * When the conversation last changed (a message written or received, read, the session moved), ms: how
   * `retentionDays` tells an idle conversation. Format-2 records written before it existed have none.
   */
  lastActiveAt?: number;
  /** The team's name as the backend last said it, so a reload shows it before the network answers. */
  teamName?: string;
  /** Where the live session was, so a reload shows it before the network answers. */
  mode?: {
    phase: Phase;
    session?: { id: string; agent?: Author; position?: number; waitSeconds?: number; endedBy?: EndedBy; rated?: boolean };
  };
}

/** What {@link ConversationStorage.load} found. */
export interface StoredConversation {
  meta: ConversationMeta | undefined;
  /** The newest `limit` items the server stored, in the server's order. */
  items: Message[];
  /** Messages not yet placed by the server (the outbox and anything waiting for its order). */
  unplaced: Message[];
  /** Whether older items are stored than those in `items`. */
  hasOlder: boolean;
}

/**
 * One change, written in one transaction. A message is kept in a slot that follows from its place (its
 * `order`, or its key while it has none): `remove` names the message as it was stored, when a change moved it.
 */
export interface ConversationWrite {
  put?: readonly Message[];
  remove?: readonly Message[];
  meta?: ConversationMeta;
  /** Also record this visitor as this browser's visitor. */
  current?: boolean;
  /** Delete every item the server placed (the backend lost them); unplaced messages stay. */
  dropPlaced?: boolean;
}

/** The conversation's storage, as the core uses it. Every method may reject; the core reports it and goes on. */
export interface ConversationStorage {
  /** The visitor this browser is, if it has talked before (recovered from the stored conversations if that record is unreadable). */
  currentVisitor(): Promise<string | undefined>;
  /** Reads the newest `limit` items (all without a limit), the unplaced messages and the meta. Unreadable records are skipped with a warning. */
  load(visitorId: string, limit?: number): Promise<StoredConversation>;
  /** Up to `limit` items placed before `order`, in the server's order. */
  loadBefore(visitorId: string, order: string, limit: number): Promise<Message[]>;
  write(visitorId: string, write: ConversationWrite): Promise<void>;
  /** Deletes everything of `visitorId`. */
  forget(visitorId: string): Promise<void>;
  /** Deletes everything stored for this site, leaving nothing behind (the customer withdrew consent). */
  clear(): Promise<void>;
  /**
   * Calls `listener` when the storage noticed that its data vanished underneath (the database was deleted or
   * the site's data cleared while the page ran): the core writes back what it holds.
   */
  onLost(listener: () => void): void;
}

/**
 * A small synchronous journal that makes a message durable in the very call that creates it (a reload or a
 * closed tab in the same instant cannot lose it). The next load moves its entries into the storage.
 */
export interface SendJournal {
  /** Everything journaled by any tab, oldest first. */
  read(): JournalEntry[];
  /** Records `entry` now, synchronously; returns `false` if it could not. */
  append(entry: JournalEntry): boolean;
  /** Forgets the entries with these client ids (they are in storage now). */
  remove(clientIds: readonly string[]): void;
}

/** A message as the journal keeps it until storage has it. */
export interface JournalEntry {
  /** The tab that wrote it (filled in by `read`). */
  tab?: string;
  /** The visitor it was written as, when known (a message written before the stored conversation was read has none). */
  visitorId?: string;
  clientId: string;
  text: string;
  createdAt: number;
}

/** Storage that keeps nothing: the conversation lives in the client's state and is gone with the page. */
export const noStorage: ConversationStorage = {
  currentVisitor: async () => undefined,
  load: async () => ({ meta: undefined, items: [], unplaced: [], hasOlder: false }),
  loadBefore: async () => [],
  write: async () => {},
  forget: async () => {},
  clear: async () => {},
  onLost: () => {},
};
