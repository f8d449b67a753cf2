/**
 * Conversations in SQLite (`node:sqlite`, built into Node ≥ 22.13): one file, `DATA_DIR/natter.db`, no
 * separate service.
 *
 * - WAL journal: a commit appends to the log instead of rewriting pages, and readers (a backup, the
 *   tests) never block the writer.
 * - `synchronous = FULL`: every commit is fsynced before `write` returns. `NORMAL` would survive a crash of
 *   the process but could lose the last commits to a power cut, and the protocol promises that an `ack`
 *   means stored. The cost is one fsync per commit — and the store commits once per event-loop turn for
 *   everything written in it (group-commit.ts), not once per item.
 * - Records are upserts and updates of rows, so a conversation's meta, sessions and bot state take one row
 *   each however often they change; only items grow with use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { wireItem, wireUser, type WireItem } from '../src/protocol/wire.ts';
import { importJsonl, JSONL_DIR } from './storage-jsonl.ts';
import {
  readSession,
  storedSession,
  type ConversationStorage,
  type StorageRecord,
  type StoredConversation,
  type Warn,
} from './storage.ts';

export const DATABASE_FILE = 'natter.db';
const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS conversations (
  id          TEXT PRIMARY KEY,
  visitor_id  TEXT NOT NULL,
  user        TEXT NOT NULL,              -- wire user, JSON
  locale      TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  bot_greeted INTEGER NOT NULL DEFAULT 0,
  bot_quiet   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS conversations_by_visitor ON conversations (visitor_id);
CREATE TABLE IF NOT EXISTS items (
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  seq             INTEGER NOT NULL,
  client_id       TEXT,
  item            TEXT NOT NULL,          -- wire item, JSON
  PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
-- The store answers a repeated client id from memory; this makes a double in the file impossible too.
CREATE UNIQUE INDEX IF NOT EXISTS items_by_client_id ON items (conversation_id, client_id) WHERE client_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS sessions (
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  id              TEXT NOT NULL,
  session         TEXT NOT NULL,          -- stored session, JSON
  UNIQUE (conversation_id, id)
);
-- Schema 2: verified customers (one conversation each) and the visitors linked to a customer's conversation.
CREATE TABLE IF NOT EXISTS customers (
  customer_id     TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id)
);
CREATE TABLE IF NOT EXISTS visitor_links (
  visitor_id      TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id)
);
`;

export class SqliteStorage implements ConversationStorage {
  readonly file: string;
  readonly #db: DatabaseSync;
  readonly #statements: Record<StorageRecord['type'], StatementSync>;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, DATABASE_FILE);
    this.#db = new DatabaseSync(this.file, { timeout: 5000 });
    const version = Number((this.#db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
    if (version > SCHEMA_VERSION) {
      this.#db.close();
      throw new Error(
        `${this.file} was written by a newer Natter (schema ${version}; this one reads ${SCHEMA_VERSION}). ` +
          'Run that version, or point DATA_DIR at another directory.',
      );
    }
    this.#db.exec('PRAGMA journal_mode = WAL');
    this.#db.exec('PRAGMA synchronous = FULL');
    this.#db.exec(`BEGIN; ${SCHEMA}; PRAGMA user_version = ${SCHEMA_VERSION}; COMMIT`);
    this.#statements = {
      create: this.#db.prepare(
        'INSERT INTO conversations (id, visitor_id, user, locale, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      meta: this.#db.prepare('UPDATE conversations SET user = ?, locale = ?, updated_at = ? WHERE id = ?'),
      item: this.#db.prepare('INSERT INTO items (conversation_id, seq, client_id, item) VALUES (?, ?, ?, ?)'),
      session: this.#db.prepare(
        'INSERT INTO sessions (conversation_id, id, session) VALUES (?, ?, ?) ' +
          'ON CONFLICT (conversation_id, id) DO UPDATE SET session = excluded.session',
      ),
      bot: this.#db.prepare('UPDATE conversations SET bot_greeted = ?, bot_quiet = ? WHERE id = ?'),
      customer: this.#db.prepare('INSERT OR REPLACE INTO customers (customer_id, conversation_id) VALUES (?, ?)'),
      link: this.#db.prepare('INSERT OR REPLACE INTO visitor_links (visitor_id, conversation_id) VALUES (?, ?)'),
    };
  }

  load(warn: Warn): StoredConversation[] {
    const byId = new Map<string, StoredConversation>();
    for (const row of this.#db.prepare('SELECT * FROM conversations ORDER BY created_at, id').all() as unknown as ConversationRow[]) {
      const user = wireUser.safeParse(parseJson(row.user));
      if (!user.success) warn(`Natter store: conversation ${row.id}: unreadable user; loading it without one.`);
      const meta = { id: row.id, visitorId: row.visitor_id, user: user.success ? user.data : {}, createdAt: row.created_at, updatedAt: row.updated_at };
      const conversation: StoredConversation = {
        meta: row.locale === null ? meta : { ...meta, locale: row.locale },
        items: [],
        sessions: [],
        bot: { greeted: row.bot_greeted !== 0, quiet: row.bot_quiet !== 0 },
      };
      byId.set(row.id, conversation);
    }
    for (const row of this.#db.prepare('SELECT conversation_id, seq, item FROM items ORDER BY conversation_id, seq').iterate() as unknown as Iterable<ItemRow>) {
      const conversation = byId.get(row.conversation_id);
      const item = wireItem.safeParse(parseJson(row.item));
      if (!conversation || !item.success || item.data.seq !== row.seq) {
        warn(`Natter store: skipping unreadable item seq ${row.seq} of conversation ${row.conversation_id}.`);
        continue;
      }
      conversation.items.push(item.data as WireItem);
    }
    for (const row of this.#db.prepare('SELECT conversation_id, session FROM sessions ORDER BY rowid').iterate() as unknown as Iterable<SessionRow>) {
      const conversation = byId.get(row.conversation_id);
      const session = storedSession.safeParse(parseJson(row.session));
      if (!conversation || !session.success) {
        warn(`Natter store: skipping an unreadable session of conversation ${row.conversation_id}.`);
        continue;
      }
      conversation.sessions.push(readSession(session.data));
    }
    for (const row of this.#db.prepare('SELECT customer_id, conversation_id FROM customers').iterate() as unknown as Iterable<CustomerRow>) {
      const conversation = byId.get(row.conversation_id);
      if (conversation) conversation.meta.customerId = row.customer_id;
      else warn(`Natter store: skipping customer ${row.customer_id} of unknown conversation ${row.conversation_id}.`);
    }
    for (const row of this.#db.prepare('SELECT visitor_id, conversation_id FROM visitor_links ORDER BY rowid').iterate() as unknown as Iterable<LinkRow>) {
      const conversation = byId.get(row.conversation_id);
      if (conversation) (conversation.visitors ??= []).push(row.visitor_id);
      else warn(`Natter store: skipping a visitor link to unknown conversation ${row.conversation_id}.`);
    }
    return [...byId.values()];
  }

  write(records: readonly StorageRecord[]): void {
    if (records.length === 0) return;
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const record of records) this.#apply(record);
      this.#db.exec('COMMIT');
    } catch (error) {
      // Some errors (a full disk, an I/O error) end the transaction by themselves; others leave it open.
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #apply(record: StorageRecord): void {
    const s = this.#statements;
    let changes: number | bigint;
    switch (record.type) {
      case 'create': {
        const { id, visitorId, user, locale, createdAt, updatedAt } = record.meta;
        changes = s.create.run(id, visitorId, JSON.stringify(user), locale ?? null, createdAt, updatedAt).changes;
        break;
      }
      case 'meta':
        changes = s.meta.run(JSON.stringify(record.user), record.locale ?? null, record.updatedAt, record.conversationId).changes;
        break;
      case 'item':
        changes = s.item.run(record.conversationId, record.item.seq, record.item.clientId ?? null, JSON.stringify(record.item)).changes;
        break;
      case 'session':
        changes = s.session.run(record.conversationId, record.session.id, JSON.stringify(record.session)).changes;
        break;
      case 'bot':
        changes = s.bot.run(record.bot.greeted ? 1 : 0, record.bot.quiet ? 1 : 0, record.conversationId).changes;
        break;
      case 'customer':
        changes = s.customer.run(record.customerId, record.conversationId).changes;
        break;
      case 'link':
        changes = s.link.run(record.visitorId, record.conversationId).changes;
        break;
    }
    // An update of a conversation that was never created is the store's bug; better loud than lost.
    if (Number(changes) !== 1) throw new Error(`Natter store: a "${record.type}" record changed ${changes} rows instead of 1.`);
  }
}

/**
 * The storage of `dataDir` (created if needed) and what it holds. The first start on a data directory of an
 * older version (an empty database) imports its `conversations/*.jsonl` files, leaving them as they were.
 */
export function openDataDir(dataDir: string, warn: Warn): { storage: SqliteStorage; conversations: StoredConversation[] } {
  fs.mkdirSync(dataDir, { recursive: true });
  const storage = new SqliteStorage(dataDir);
  try {
    let conversations = storage.load(warn);
    if (conversations.length === 0 && importJsonl(dataDir, storage, warn) > 0) {
      conversations = storage.load(warn);
      console.log(
        `Natter store: imported ${conversations.length} conversation(s) from ${JSONL_DIR}/*.jsonl into ${storage.file}. ` +
          'The files are left as they were and no longer read; delete them once you no longer need a way back.',
      );
    }
    return { storage, conversations };
  } catch (error) {
    storage.close();
    throw error;
  }
}

interface ConversationRow {
  id: string;
  visitor_id: string;
  user: string;
  locale: string | null;
  created_at: number;
  updated_at: number;
  bot_greeted: number;
  bot_quiet: number;
}
interface ItemRow {
  conversation_id: string;
  seq: number;
  item: string;
}
interface CustomerRow {
  customer_id: string;
  conversation_id: string;
}
interface LinkRow {
  visitor_id: string;
  conversation_id: string;
}
interface SessionRow {
  conversation_id: string;
  session: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
