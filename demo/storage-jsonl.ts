/**
 * The JSON-lines files of Natter ≤ 0.1's reference backend, read once to import them into the database, so
 * a demo's conversations survive the upgrade. The files are only read: they stay as they were (a copy to go
 * back to), and once the database holds conversations they are not read again.
 *
 * Layout: `<dataDir>/conversations/<conversationId>.jsonl`, one JSON object per line:
 *
 *   {"type":"conversation","id":…,"visitorId":…,"user":{…},"locale":…,"createdAt":…,"updatedAt":…}   (first line)
 *   {"type":"item","item":{…wire item…}}                                                            (one per item)
 *   {"type":"meta","user":{…},"locale":…,"updatedAt":…}                                             (the last one wins)
 *   {"type":"session","session":{…}}                                                                (the last one per id wins)
 *   {"type":"bot","greeted":…,"quiet":…}                                                             (the last one wins)
 *
 * A line cut short by a crash, or one that is not a valid record, is skipped with a warning, as those
 * versions did.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod/mini';
import { wireItem, wireUser, type WireItem } from '../src/protocol/wire.ts';
import { INITIAL_BOT_STATE } from './bot.ts';
import { readSession, storedSession, type ConversationStorage, type StorageRecord, type StoredConversation, type Warn } from './storage.ts';

export const JSONL_DIR = 'conversations';

const headerLine = z.object({
  type: z.literal('conversation'),
  id: z.string().check(z.minLength(1)),
  visitorId: z.string().check(z.minLength(1)),
  user: wireUser,
  locale: z.optional(z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
const metaLine = z.object({ type: z.literal('meta'), user: wireUser, locale: z.optional(z.string()), updatedAt: z.number() });
const itemLine = z.object({ type: z.literal('item'), item: wireItem });
const sessionLine = z.object({ type: z.literal('session'), session: storedSession });
const botLine = z.object({ type: z.literal('bot'), greeted: z.boolean(), quiet: z.boolean() });
const bodyLine = z.discriminatedUnion('type', [metaLine, itemLine, sessionLine, botLine]);

/**
 * Imports every readable conversation file under `dataDir/conversations` into `storage`, in one write (so a
 * crash during the import leaves nothing half-imported: the next start imports again). Returns how many
 * conversations were imported.
 */
export function importJsonl(dataDir: string, storage: ConversationStorage, warn: Warn): number {
  const dir = path.join(dataDir, JSONL_DIR);
  if (!fs.existsSync(dir)) return 0;
  const ids = new Set<string>();
  const records: StorageRecord[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith('.jsonl')) continue;
    const conversation = readJsonlFile(path.join(dir, name), warn);
    if (!conversation) continue;
    const { meta } = conversation;
    if (ids.has(meta.id)) {
      warn(`Natter store: ${name}: conversation ${meta.id} is already imported from another file; skipping.`);
      continue;
    }
    ids.add(meta.id);
    records.push({ type: 'create', meta });
    for (const item of conversation.items) records.push({ type: 'item', conversationId: meta.id, item });
    for (const session of conversation.sessions) records.push({ type: 'session', conversationId: meta.id, session });
    records.push({ type: 'bot', conversationId: meta.id, bot: conversation.bot });
  }
  storage.write(records);
  return ids.size;
}

/** One conversation file as the old loader read it; `undefined` when it holds no conversation. */
export function readJsonlFile(file: string, warn: Warn): StoredConversation | undefined {
  const name = path.basename(file);
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  let conversation: StoredConversation | undefined;
  const clientIds = new Set<string>();
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const at = `Natter store: ${name}:${index + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      warn(`${at}: skipping an unreadable line${index === lines.length - 1 ? ' (probably a write cut short by a crash)' : ''}.`);
      continue;
    }
    if (!conversation) {
      const header = headerLine.safeParse(raw);
      if (!header.success) {
        warn(`${at}: the first line is not a conversation header; skipping the whole file.`);
        return undefined;
      }
      const { type: _type, locale, ...meta } = header.data;
      conversation = { meta: locale === undefined ? meta : { ...meta, locale }, items: [], sessions: [], bot: { ...INITIAL_BOT_STATE } };
      continue;
    }
    const body = bodyLine.safeParse(raw);
    if (!body.success) {
      warn(`${at}: skipping a line that is not a valid item, meta, session or bot record.`);
      continue;
    }
    const record = body.data;
    if (record.type === 'session') {
      const session = readSession(record.session);
      const index = conversation.sessions.findIndex((s) => s.id === session.id);
      if (index >= 0) conversation.sessions[index] = session;
      else conversation.sessions.push(session);
    } else if (record.type === 'bot') {
      conversation.bot = { greeted: record.greeted, quiet: record.quiet };
    } else if (record.type === 'meta') {
      conversation.meta.user = record.user;
      if (record.locale !== undefined) conversation.meta.locale = record.locale;
      conversation.meta.updatedAt = Math.max(conversation.meta.updatedAt, record.updatedAt);
    } else {
      const item = record.item as WireItem;
      const last = conversation.items.at(-1);
      if (last && item.seq <= last.seq) {
        warn(`${at}: skipping item seq ${item.seq}, which is not after seq ${last.seq}.`);
        continue;
      }
      if (item.clientId !== undefined && clientIds.has(item.clientId)) {
        warn(`${at}: skipping item seq ${item.seq}: client id ${item.clientId} is already stored.`);
        continue;
      }
      if (item.seq !== (last?.seq ?? 0) + 1) warn(`${at}: item seq ${item.seq} leaves a gap after seq ${last?.seq ?? 0}.`);
      conversation.items.push(item);
      if (item.clientId !== undefined) clientIds.add(item.clientId);
      conversation.meta.updatedAt = Math.max(conversation.meta.updatedAt, item.sentAt);
    }
  }
  if (!conversation && text.trim() !== '') warn(`Natter store: ${name}: no conversation could be read from this file.`);
  return conversation;
}
