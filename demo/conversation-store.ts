/**
 * Conversations in memory, kept through a storage port (storage.ts; SQLite by default).
 *
 * Every decision is made here, synchronously: seq (gap-free), one item per client id, sessions, the bot's
 * memory — so no two messages can race for a seq, and storage only keeps records. A change is queued for
 * the turn's commit (group-commit.ts) before memory changes; whatever tells anyone about it waits for that
 * commit (`afterCommit`), as the socket layer does for every frame. A conversation is written with the
 * first thing stored in it: opening the chat stores nothing.
 */
import { randomUUID } from 'node:crypto';
import type { WireAuthor, WireEvent, WireFile, WireItem, WireUser } from '../src/protocol/wire.ts';
import { INITIAL_BOT_STATE, type BotState } from './bot.ts';
import { GroupCommit } from './group-commit.ts';
import { openDataDir } from './storage-sqlite.ts';
import type { ConversationMeta, ConversationStorage, StorageRecord, StoredConversation, StoredSession, Warn } from './storage.ts';
export type { ConversationMeta, StoredSession, Warn } from './storage.ts';

export interface Conversation {
  readonly meta: ConversationMeta;
  /** In seq order. */
  readonly items: readonly WireItem[];
  /** Every live session, oldest first; the last one is the current (or last) one. */
  readonly sessions: readonly StoredSession[];
  readonly bot: BotState;
}

export interface ItemDraft {
  /** The sender's client id (visitor `send`, agent `reply`); absent on items the server makes itself. */
  clientId?: string;
  author: WireAuthor;
  text: string;
  quickReplies?: string[];
  event?: WireEvent;
  file?: WireFile;
}

interface Entry {
  meta: ConversationMeta;
  items: WireItem[];
  byClientId: Map<string, WireItem>;
  sessions: StoredSession[];
  bot: BotState;
  /** In storage: something was stored in it. */
  written: boolean;
}

export class ConversationStore {
  readonly #commits: GroupCommit;
  readonly #byId = new Map<string, Entry>();
  readonly #byVisitor = new Map<string, Entry>();
  readonly #byCustomer = new Map<string, Entry>();

  /** A store over any storage, holding `conversations` (what it loaded). `open` is the usual way in. */
  constructor(storage: ConversationStorage, conversations: readonly StoredConversation[]) {
    this.#commits = new GroupCommit(storage);
    for (const stored of conversations) this.#add(stored);
    // A visitor linked to a customer's conversation: their own earlier one is retired (its items were copied).
    for (const stored of conversations) {
      for (const visitorId of stored.visitors ?? []) {
        const own = this.#byVisitor.get(visitorId);
        // A verified customer's conversation stays, though the device went on as another customer.
        if (own && own.meta.id !== stored.meta.id && own.meta.customerId === undefined) this.#byId.delete(own.meta.id);
        this.#byVisitor.set(visitorId, this.#byId.get(stored.meta.id)!);
      }
    }
  }

  /** The store of `dataDir`: `dataDir/natter.db`, with the JSON-lines files of older versions imported. */
  static open(dataDir: string, warn: Warn = (m) => console.warn(m)): ConversationStore {
    const { storage, conversations } = openDataDir(dataDir, warn);
    return new ConversationStore(storage, conversations);
  }

  get(conversationId: string): Conversation | undefined {
    return this.#byId.get(conversationId);
  }

  findByVisitor(visitorId: string): Conversation | undefined {
    return this.#byVisitor.get(visitorId);
  }

  /** The conversation of verified customer `customerId` (the token's `sub`), on whichever device it began. */
  findByCustomer(customerId: string): Conversation | undefined {
    return this.#byCustomer.get(customerId);
  }

  /**
   * Makes `conversationId` verified customer `customer.id`'s (they had none): the user becomes what the
   * token says. Stored at once: from now on every device of theirs finds it.
   */
  claim(conversationId: string, customer: WireUser & { id: string }): void {
    const entry = this.#entry(conversationId);
    if (this.#byCustomer.has(customer.id)) throw new Error(`Customer ${customer.id} has a conversation already`);
    this.updateMeta(conversationId, { user: customer });
    this.#write(entry, { type: 'customer', conversationId, customerId: customer.id });
    entry.meta.customerId = customer.id;
    this.#byCustomer.set(customer.id, entry);
  }

  /**
   * Visitor `visitorId` joins conversation `intoId` (a verified customer's, begun on another device): what is
   * in the visitor's own conversation `fromId` is appended to it in order, once per client id, and the own
   * one is retired (dropped from memory; it stays in storage). Later hellos with `visitorId` find `intoId`.
   * Returns the items appended.
   */
  link(visitorId: string, fromId: string, intoId: string): WireItem[] {
    const from = this.#entry(fromId);
    const into = this.#entry(intoId);
    const appended: WireItem[] = [];
    if (fromId !== intoId) {
      for (const item of from.items) {
        // Live-session lines belong to sessions that stay with the old conversation.
        if (item.author.role === 'system') continue;
        const { item: stored, created } = this.append(intoId, {
          ...(item.clientId !== undefined && { clientId: item.clientId }),
          author: item.author,
          text: item.text,
          ...(item.quickReplies !== undefined && { quickReplies: item.quickReplies }),
        });
        if (created) appended.push(stored);
      }
      this.#byId.delete(fromId);
    }
    this.#write(into, { type: 'link', conversationId: intoId, visitorId });
    this.#byVisitor.set(visitorId, into);
    return appended;
  }

  all(): Conversation[] {
    return [...this.#byId.values()];
  }

  /** Whether anything of the conversation is stored. */
  isWritten(conversationId: string): boolean {
    return this.#entry(conversationId).written;
  }

  /** Whether a message with this client id is stored in the conversation (a resend would create nothing). */
  hasClientId(conversationId: string, clientId: string): boolean {
    return this.#entry(conversationId).byClientId.has(clientId);
  }

  /**
   * A new conversation for `visitorId`, in memory only: it is written with the first thing stored in it (a
   * message, a live chat request, a rating…), so opening the chat and leaving stores nothing. Its id is given
   * out at once; after a restart (or `forget`) before anything was stored the visitor gets another one,
   * which the client takes as a new conversation with nothing in it.
   */
  create(visitorId: string, user: WireUser = {}, locale?: string): Conversation {
    const now = Date.now();
    const meta: ConversationMeta = { id: randomUUID(), visitorId, user: { ...user }, createdAt: now, updatedAt: now };
    if (locale !== undefined) meta.locale = locale;
    const entry: Entry = { meta, items: [], byClientId: new Map(), sessions: [], bot: { ...INITIAL_BOT_STATE }, written: false };
    this.#byId.set(meta.id, entry);
    this.#byVisitor.set(visitorId, entry);
    return entry;
  }

  /** Drops a conversation nothing was stored in (its visitor left), so memory holds only live or stored ones. */
  forget(conversationId: string): boolean {
    const entry = this.#byId.get(conversationId);
    if (!entry || entry.written) return false;
    this.#byId.delete(conversationId);
    if (this.#byVisitor.get(entry.meta.visitorId) === entry) this.#byVisitor.delete(entry.meta.visitorId);
    return true;
  }

  /** Runs `then` once every change made so far is stored (at once when none is waiting). */
  afterCommit(then: () => void): void {
    this.#commits.afterCommit(then);
  }

  /** Commits now what this turn changed. */
  flush(): void {
    this.#commits.commit();
  }

  close(): void {
    this.#commits.close();
  }

  /** Queues `record`, with the conversation's first record before it if nothing of it is stored yet. */
  #write(entry: Entry, record: StorageRecord): void {
    if (!entry.written) {
      // The meta as it is now; later changes follow as `meta` records.
      this.#commits.add({ type: 'create', meta: { ...entry.meta, user: { ...entry.meta.user } } });
      entry.written = true;
    }
    this.#commits.add(record);
  }

  /** Merges `user` fields and replaces `locale` when given. Returns whether anything changed (and was stored). */
  updateMeta(conversationId: string, patch: { user?: WireUser | undefined; locale?: string | undefined }): boolean {
    const entry = this.#entry(conversationId);
    const user = { ...entry.meta.user };
    for (const [key, value] of Object.entries(patch.user ?? {}) as Array<[keyof WireUser, string | undefined]>) {
      if (value !== undefined) user[key] = value;
    }
    const locale = patch.locale ?? entry.meta.locale;
    if (sameUser(user, entry.meta.user) && locale === entry.meta.locale) return false;
    const updatedAt = Math.max(Date.now(), entry.meta.updatedAt);
    // Not stored yet: the first record, when it is written, carries the meta as it is then.
    if (entry.written) this.#write(entry, { type: 'meta', conversationId, user, locale, updatedAt });
    entry.meta.user = user;
    if (locale !== undefined) entry.meta.locale = locale;
    entry.meta.updatedAt = updatedAt;
    return true;
  }

  /**
   * Stores a message once per `clientId`. A repeated client id returns the item stored the first time
   * (`created: false`), so a client that resends after a lost ack gets the same id, seq and sentAt.
   * Items without a client id (system and bot items) are always new.
   */
  append(conversationId: string, draft: ItemDraft): { item: WireItem; created: boolean } {
    const entry = this.#entry(conversationId);
    const existing = draft.clientId === undefined ? undefined : entry.byClientId.get(draft.clientId);
    if (existing) return { item: existing, created: false };
    const last = entry.items.at(-1);
    const item: WireItem = {
      id: randomUUID(),
      seq: (last?.seq ?? 0) + 1,
      ...(draft.clientId !== undefined && { clientId: draft.clientId }),
      author: draft.author,
      text: draft.text,
      // Timelines sort by time in some UIs; a clock that steps back must not reorder them.
      sentAt: Math.max(Date.now(), last?.sentAt ?? 0),
      ...(draft.quickReplies !== undefined && draft.quickReplies.length > 0 && { quickReplies: draft.quickReplies }),
      ...(draft.event !== undefined && { event: draft.event }),
      ...(draft.file !== undefined && { file: draft.file }),
    };
    this.#write(entry, { type: 'item', conversationId, item });
    entry.items.push(item);
    if (draft.clientId !== undefined) entry.byClientId.set(draft.clientId, item);
    entry.meta.updatedAt = Math.max(entry.meta.updatedAt, item.sentAt);
    return { item, created: true };
  }

  /** Stores a new session or a new state of one (same id). */
  saveSession(conversationId: string, session: StoredSession): StoredSession {
    const entry = this.#entry(conversationId);
    const stored = structuredClone(session);
    this.#write(entry, { type: 'session', conversationId, session: stored });
    putSession(entry, stored);
    entry.meta.updatedAt = Math.max(entry.meta.updatedAt, Date.now());
    return stored;
  }

  /** Stores the bot's memory of this conversation, if it changed. */
  setBot(conversationId: string, state: BotState): void {
    const entry = this.#entry(conversationId);
    if (entry.bot.greeted === state.greeted && entry.bot.quiet === state.quiet) return;
    const bot = { greeted: state.greeted, quiet: state.quiet };
    this.#write(entry, { type: 'bot', conversationId, bot });
    entry.bot = bot;
  }

  itemsAfter(conversationId: string, after: number): WireItem[] {
    const items = this.#entry(conversationId).items;
    // Seqs are increasing (and normally gap-free), so binary search for the first one above `after`.
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((items[mid]?.seq ?? 0) <= after) lo = mid + 1;
      else hi = mid;
    }
    return items.slice(lo);
  }

  #add(stored: StoredConversation): void {
    const byClientId = new Map<string, WireItem>();
    for (const item of stored.items) if (item.clientId !== undefined) byClientId.set(item.clientId, item);
    const entry: Entry = { ...stored, byClientId, written: true };
    for (const item of stored.items) entry.meta.updatedAt = Math.max(entry.meta.updatedAt, item.sentAt);
    this.#byId.set(entry.meta.id, entry);
    if (entry.meta.customerId !== undefined) this.#byCustomer.set(entry.meta.customerId, entry);
    // Two conversations of one visitor (from imported files): the newest is theirs.
    const previous = this.#byVisitor.get(entry.meta.visitorId);
    if (!previous || previous.meta.createdAt <= entry.meta.createdAt) this.#byVisitor.set(entry.meta.visitorId, entry);
  }

  #entry(conversationId: string): Entry {
    const entry = this.#byId.get(conversationId);
    if (!entry) throw new Error(`Unknown conversation ${conversationId}`);
    return entry;
  }
}

export function lastSeq(conversation: Conversation): number {
  return conversation.items.at(-1)?.seq ?? 0;
}

/** The conversation's current (or last) live session. */
export function currentSession(conversation: Conversation): StoredSession | undefined {
  return conversation.sessions.at(-1);
}

function putSession(entry: Entry, session: StoredSession): void {
  const index = entry.sessions.findIndex((s) => s.id === session.id);
  if (index >= 0) entry.sessions[index] = session;
  else entry.sessions.push(session);
}

function sameUser(a: WireUser, b: WireUser): boolean {
  return a.id === b.id && a.name === b.name && a.email === b.email;
}
