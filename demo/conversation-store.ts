/**
 * Conversations on disk and in memory.
 *
 * Layout: `<dataDir>/conversations/<conversationId>.jsonl`, one JSON object per line:
 *
 *   {"type":"conversation","id":…,"visitorId":…,"user":{…},"locale":…,"createdAt":…,"updatedAt":…}   (first line)
 *   {"type":"item","item":{…wire item…}}                                                            (one per item)
 *   {"type":"meta","user":{…},"locale":…,"updatedAt":…}                                             (the last one wins)
 *   {"type":"session","session":{id,state,queuedAt,agent?,acceptedAt?,endedAt?,endedBy?,rated,rating?}} (the last one per id wins)
 *   {"type":"bot","greeted":…,"quiet":…}                                                             (the last one wins)
 *
 * Append-only, so storing a message costs one short write instead of rewriting the conversation, and a
 * crash can at worst cut the last line short — which loading skips with a warning. Every write is
 * synchronous and flushed (fdatasync) before it returns: the caller acknowledges a message only after
 * this, and no two messages can race for the same seq because nothing yields in between.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod/mini';
import { wireAuthor, wireItem, wireUser, type WireAuthor, type WireEvent, type WireItem, type WireUser } from '../src/protocol/wire.ts';
import { INITIAL_BOT_STATE, type BotState } from './bot.ts';

export interface ConversationMeta {
  id: string;
  /** The visitor's bearer secret: whoever knows it can read and write the conversation. Never sent to anyone. */
  visitorId: string;
  user: WireUser;
  locale?: string;
  createdAt: number;
  updatedAt: number;
}

/** A live chat session as the server keeps it (the wire's `session` is derived from it). */
export interface StoredSession {
  id: string;
  state: 'queued' | 'live' | 'ended';
  /** When the visitor joined the queue (orders the queue). */
  queuedAt: number;
  /** The agent who accepted: `{role: 'agent', id, name}`. */
  agent?: WireAuthor;
  acceptedAt?: number;
  endedAt?: number;
  endedBy?: 'agent' | 'visitor' | 'timeout';
  rated: boolean;
  rating?: { score: number; comment?: string; at: number };
}

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
}

interface Entry {
  meta: ConversationMeta;
  items: WireItem[];
  byClientId: Map<string, WireItem>;
  sessions: StoredSession[];
  bot: BotState;
  file: string;
  /** Not on disk yet: a visitor who opened the chat but has written (or asked for) nothing. */
  pending?: boolean;
}

const headerLine = z.object({
  type: z.literal('conversation'),
  id: z.string().check(z.minLength(1)),
  visitorId: z.string().check(z.minLength(1)),
  user: wireUser,
  locale: z.optional(z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
const metaLine = z.object({
  type: z.literal('meta'),
  user: wireUser,
  locale: z.optional(z.string()),
  updatedAt: z.number(),
});
const itemLine = z.object({ type: z.literal('item'), item: wireItem });
const storedSession = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  state: z.enum(['queued', 'live', 'ended']),
  queuedAt: z.number(),
  agent: z.optional(wireAuthor),
  acceptedAt: z.optional(z.number()),
  endedAt: z.optional(z.number()),
  endedBy: z.optional(z.enum(['agent', 'visitor', 'timeout'])),
  rated: z.boolean(),
  rating: z.optional(z.object({ score: z.int().check(z.gte(1), z.lte(5)), comment: z.optional(z.string()), at: z.number() })),
});
const sessionLine = z.object({ type: z.literal('session'), session: storedSession });
const botLine = z.object({ type: z.literal('bot'), greeted: z.boolean(), quiet: z.boolean() });
const bodyLine = z.discriminatedUnion('type', [metaLine, itemLine, sessionLine, botLine]);

export type Warn = (message: string) => void;

export class ConversationStore {
  readonly #dir: string;
  readonly #byId = new Map<string, Entry>();
  readonly #byVisitor = new Map<string, Entry>();

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** Creates the data directory if needed and loads every conversation in it. */
  static open(dataDir: string, warn: Warn = (m) => console.warn(m)): ConversationStore {
    const dir = path.join(dataDir, 'conversations');
    fs.mkdirSync(dir, { recursive: true });
    const store = new ConversationStore(dir);
    for (const name of fs.readdirSync(dir).sort()) {
      if (!name.endsWith('.jsonl')) continue;
      const entry = loadFile(path.join(dir, name), warn);
      if (!entry) continue;
      if (store.#byId.has(entry.meta.id)) {
        warn(`Natter store: ${name}: conversation ${entry.meta.id} is already loaded from another file; skipping.`);
        continue;
      }
      store.#byId.set(entry.meta.id, entry);
      const previous = store.#byVisitor.get(entry.meta.visitorId);
      if (!previous || previous.meta.createdAt <= entry.meta.createdAt) store.#byVisitor.set(entry.meta.visitorId, entry);
    }
    return store;
  }

  get(conversationId: string): Conversation | undefined {
    return this.#byId.get(conversationId);
  }

  findByVisitor(visitorId: string): Conversation | undefined {
    return this.#byVisitor.get(visitorId);
  }

  all(): Conversation[] {
    return [...this.#byId.values()];
  }

  /**
   * A new conversation for `visitorId`, in memory only: it is written to disk with the first thing stored in
   * it (a message, a live chat request, a rating…), so opening the chat and leaving creates no file. Its id is
   * given out at once; after a restart before anything was stored the visitor gets another one, which the
   * client takes as a new conversation with nothing in it.
   */
  create(visitorId: string, user: WireUser = {}, locale?: string): Conversation {
    const now = Date.now();
    const meta: ConversationMeta = { id: randomUUID(), visitorId, user: { ...user }, createdAt: now, updatedAt: now };
    if (locale !== undefined) meta.locale = locale;
    const file = path.join(this.#dir, `${meta.id}.jsonl`);
    const entry: Entry = { meta, items: [], byClientId: new Map(), sessions: [], bot: { ...INITIAL_BOT_STATE }, file, pending: true };
    this.#byId.set(meta.id, entry);
    this.#byVisitor.set(visitorId, entry);
    return entry;
  }

  /** Appends `line` to the conversation's file, writing the file's first line before it if needed. */
  #write(entry: Entry, line: object): void {
    if (entry.pending) {
      const fd = fs.openSync(entry.file, 'wx');
      try {
        writeAll(fd, `${JSON.stringify({ type: 'conversation', ...entry.meta })}\n`);
        fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      syncDirectory(this.#dir);
      entry.pending = false;
    }
    appendDurably(entry.file, line);
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
    // Not on disk yet: the first line, when it is written, carries the meta as it is then.
    if (!entry.pending) this.#write(entry, { type: 'meta', user, locale, updatedAt });
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
    };
    this.#write(entry, { type: 'item', item });
    entry.items.push(item);
    if (draft.clientId !== undefined) entry.byClientId.set(draft.clientId, item);
    entry.meta.updatedAt = Math.max(entry.meta.updatedAt, item.sentAt);
    return { item, created: true };
  }

  /** Stores a new session or a new state of one (same id), durably. */
  saveSession(conversationId: string, session: StoredSession): StoredSession {
    const entry = this.#entry(conversationId);
    const stored = structuredClone(session);
    this.#write(entry, { type: 'session', session: stored });
    putSession(entry, stored);
    entry.meta.updatedAt = Math.max(entry.meta.updatedAt, Date.now());
    return stored;
  }

  /** Stores the bot's memory of this conversation, if it changed. */
  setBot(conversationId: string, state: BotState): void {
    const entry = this.#entry(conversationId);
    if (entry.bot.greeted === state.greeted && entry.bot.quiet === state.quiet) return;
    this.#write(entry, { type: 'bot', greeted: state.greeted, quiet: state.quiet });
    entry.bot = { greeted: state.greeted, quiet: state.quiet };
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

function loadFile(file: string, warn: Warn): Entry | undefined {
  const name = path.basename(file);
  let text = fs.readFileSync(file, 'utf8');
  if (text.length > 0 && !text.endsWith('\n')) {
    // A write cut short by a crash. Terminate the torn line so the next append starts on a line of its
    // own; the torn bytes stay in the file (and are skipped below) in case someone wants to look at them.
    fs.appendFileSync(file, '\n');
    text += '\n';
  }
  const lines = text.split('\n');
  let entry: Entry | undefined;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const at = `Natter store: ${name}:${index + 1}`;
    const isLast = index >= lines.length - 2;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      warn(`${at}: skipping an unreadable line${isLast ? ' (probably a write cut short by a crash)' : ''}.`);
      continue;
    }
    if (!entry) {
      const header = headerLine.safeParse(raw);
      if (!header.success) {
        warn(`${at}: the first line is not a conversation header; skipping the whole file.`);
        return undefined;
      }
      const { type: _type, ...meta } = header.data;
      entry = { meta, items: [], byClientId: new Map(), sessions: [], bot: { ...INITIAL_BOT_STATE }, file };
      continue;
    }
    const body = bodyLine.safeParse(raw);
    if (!body.success) {
      warn(`${at}: skipping a line that is not a valid item, meta, session or bot record.`);
      continue;
    }
    if (body.data.type === 'session') {
      const { rating, ...session } = body.data.session;
      putSession(entry, rating === undefined ? session : { ...session, rating: dropUndefined(rating) });
      continue;
    }
    if (body.data.type === 'bot') {
      entry.bot = { greeted: body.data.greeted, quiet: body.data.quiet };
      continue;
    }
    if (body.data.type === 'meta') {
      entry.meta.user = body.data.user;
      if (body.data.locale !== undefined) entry.meta.locale = body.data.locale;
      entry.meta.updatedAt = Math.max(entry.meta.updatedAt, body.data.updatedAt);
      continue;
    }
    const item = body.data.item;
    const last = entry.items.at(-1);
    if (last && item.seq <= last.seq) {
      warn(`${at}: skipping item seq ${item.seq}, which is not after seq ${last.seq}.`);
      continue;
    }
    if (item.seq !== (last?.seq ?? 0) + 1) warn(`${at}: item seq ${item.seq} leaves a gap after seq ${last?.seq ?? 0}.`);
    entry.items.push(item);
    if (item.clientId !== undefined) entry.byClientId.set(item.clientId, item);
    entry.meta.updatedAt = Math.max(entry.meta.updatedAt, item.sentAt);
  }
  if (!entry && text.trim() !== '') warn(`Natter store: ${name}: no conversation could be read from this file.`);
  return entry;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function appendDurably(file: string, record: object): void {
  const fd = fs.openSync(file, 'a');
  try {
    writeAll(fd, `${JSON.stringify(record)}\n`);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, text: string): void {
  const buffer = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < buffer.length) offset += fs.writeSync(fd, buffer, offset, buffer.length - offset);
}

/** Makes a newly created file's directory entry durable too. Not possible on every platform; best effort. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open directories; the file itself is still flushed.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
