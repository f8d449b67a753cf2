/**
 * The backend's truth, read from its data directory (the database of demo/storage-sqlite.ts): every
 * conversation with its visitor and its items in seq order. A second connection to the database works while
 * the backend is down or restarting, and sees only what was committed — everything the backend acknowledged.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export interface StoredItem {
  seq: number;
  text: string;
  role: string;
  clientId?: string;
}

export interface StoredConversation {
  id: string;
  visitorId: string;
  createdAt: number;
  /** In seq order. */
  items: StoredItem[];
}

/** Every conversation in `dataDir`, oldest first. */
export function readConversations(dataDir: string): StoredConversation[] {
  const file = path.join(dataDir, 'natter.db');
  // Opening a database that is not there would create it: the backend has not started yet.
  if (!existsSync(file)) return [];
  const db = new DatabaseSync(file, { timeout: 2000 });
  try {
    const conversations = new Map<string, StoredConversation>();
    for (const row of db.prepare('SELECT id, visitor_id, created_at FROM conversations ORDER BY created_at, id').all() as any[]) {
      conversations.set(row.id, { id: row.id, visitorId: row.visitor_id, createdAt: row.created_at, items: [] });
    }
    for (const row of db.prepare('SELECT conversation_id, item FROM items ORDER BY conversation_id, seq').all() as any[]) {
      const { seq, text, author, clientId } = JSON.parse(row.item);
      conversations.get(row.conversation_id)?.items.push({ seq, text, role: author?.role, ...(clientId && { clientId }) });
    }
    return [...conversations.values()];
  } catch (error) {
    // The backend is creating its tables right now.
    if (String(error).includes('no such table')) return [];
    throw error;
  } finally {
    db.close();
  }
}

/** The conversations that were not in `before` (ids): those a scenario made. */
export function newConversations(dataDir: string, before: ReadonlySet<string>): StoredConversation[] {
  return readConversations(dataDir).filter((c) => !before.has(c.id));
}

/** The ids of every conversation now, to tell later which ones a scenario made. */
export function conversationIds(dataDir: string): Set<string> {
  return new Set(readConversations(dataDir).map((c) => c.id));
}
