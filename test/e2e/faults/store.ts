/**
 * The backend's truth, read from its data directory (the format of demo/conversation-store.ts): every
 * conversation with its visitor and its items in seq order. Reading the files works while the backend is
 * down or restarting, and every line there was flushed before the backend acknowledged it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

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

/** Every conversation in `dataDir`, oldest first. A line cut short (a killed backend) is skipped. */
export function readConversations(dataDir: string): StoredConversation[] {
  const dir = path.join(dataDir, 'conversations');
  if (!existsSync(dir)) return [];
  const conversations: StoredConversation[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.jsonl')) continue;
    let conversation: StoredConversation | undefined;
    for (const line of readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      let record: any;
      try {
        record = JSON.parse(line);
      } catch {
        continue;
      }
      if (record.type === 'conversation') {
        conversation = { id: record.id, visitorId: record.visitorId, createdAt: record.createdAt, items: [] };
      } else if (record.type === 'item' && conversation) {
        const { seq, text, author, clientId } = record.item;
        conversation.items.push({ seq, text, role: author?.role, ...(clientId && { clientId }) });
      }
    }
    if (!conversation) continue;
    conversation.items.sort((a, b) => a.seq - b.seq);
    conversations.push(conversation);
  }
  return conversations.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

/** The conversations that were not in `before` (ids): those a scenario made. */
export function newConversations(dataDir: string, before: ReadonlySet<string>): StoredConversation[] {
  return readConversations(dataDir).filter((c) => !before.has(c.id));
}

/** The ids of every conversation now, to tell later which ones a scenario made. */
export function conversationIds(dataDir: string): Set<string> {
  return new Set(readConversations(dataDir).map((c) => c.id));
}
