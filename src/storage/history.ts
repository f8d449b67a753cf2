import { toJson } from '../model/json.ts';
import type { ConversationMeta, ConversationStorage, ConversationWrite, StoredConversation } from '../core/storage.ts';
import type { Message } from '../model/types.ts';
import { describeIssues } from '../model/schemas.ts';
import type { Key, KeyValue } from './kv.ts';
import { currentRecord, FILE_RECORD_VERSION, messageRecord, messageRecordV1, metaRecord, RECORD_VERSION, type MetaRecord } from './records.ts';

/**
 * The conversation history on a {@link KeyValue} store (IndexedDB in the browser). Layout (array keys):
 * - `['current']` → which visitor this browser is (kept in format 1's shape, which older tabs read too);
 * - `['visitor', id, 'meta']` → cursor, read state, unread count, user, live session;
 * - `['visitor', id, 'item', order]` → each message the server placed, keyed by its order, so the newest
 *   page is one bounded read and an append is one write, whatever the length of the history;
 * - `['visitor', id, 'out', key]` → messages not yet placed by the server (the outbox).
 *
 * Unreadable records are skipped with a warning and left in place; format 1 is migrated on first load.
 */
export class History implements ConversationStorage {
  constructor(
    readonly kv: KeyValue,
    readonly warn: (message: string) => void = (message) => console.warn(`Natter: ${message}`),
  ) {}

  async currentVisitor(): Promise<string | undefined> {
    const raw = await this.kv.get(['current']);
    if (raw === undefined) return undefined;
    const parsed = currentRecord.safeParse(raw);
    if (parsed.success) return parsed.data.visitorId;
    // An unreadable pointer must not orphan an intact conversation: take the most recently created one.
    const metas = await this.kv.getUnder(['visitor']).then((records) => records.filter((r) => r.key[2] === 'meta'));
    let best: MetaRecord | undefined;
    for (const { value } of metas) {
      const meta = metaRecord.safeParse(value);
      if (meta.success && (!best || meta.data.createdAt > best.createdAt)) best = meta.data;
    }
    this.warn(`the stored visitor record is unreadable (${describeIssues(parsed.error.issues)}); ${best ? 'recovered the stored conversation' : 'starting anew'}`);
    if (best) await this.kv.update([[['current'], { v: 1, visitorId: best.visitorId }]]);
    return best?.visitorId;
  }

  async load(visitorId: string, limit?: number): Promise<StoredConversation> {
    await this.#migrate(visitorId);
    const [rawMeta, items, unplaced] = await Promise.all([
      this.kv.get(metaKey(visitorId)),
      this.kv.getUnder(['visitor', visitorId, 'item'], limit),
      this.kv.getUnder(['visitor', visitorId, 'out']),
    ]);
    const first = items[0];
    const hasOlder = first !== undefined && (await this.kv.getUnder(['visitor', visitorId, 'item'], 1, first.key)).length > 0;
    return { meta: rawMeta === undefined ? undefined : this.#meta(rawMeta), items: this.#messages(items), unplaced: this.#messages(unplaced).sort((a, b) => (a.local ?? 0) - (b.local ?? 0)), hasOlder };
  }

  async loadBefore(visitorId: string, order: string, limit: number): Promise<Message[]> {
    return this.#messages(await this.kv.getUnder(['visitor', visitorId, 'item'], limit, itemKey(visitorId, order)));
  }

  async write(visitorId: string, write: ConversationWrite): Promise<void> {
    const deletes: Key[] = (write.remove ?? []).map((message) => slotKey(visitorId, message));
    if (write.dropPlaced) deletes.push(...(await this.kv.keysUnder(['visitor', visitorId, 'item'])));
    const entries: [Key, unknown][] = (write.put ?? []).map((message) => [slotKey(visitorId, message), { v: message.file ? FILE_RECORD_VERSION : RECORD_VERSION, ...message }]);
    const putKeys = new Set(entries.map(([key]) => toJson(key)));
    if (write.meta) entries.push([metaKey(visitorId), { v: RECORD_VERSION, ...write.meta }]);
    if (write.current) entries.push([['current'], { v: 1, visitorId }]);
    const kept = deletes.filter((key) => !putKeys.has(toJson(key)));
    if (entries.length || kept.length) await this.kv.update(entries, kept);
  }

  async forget(visitorId: string): Promise<void> {
    const current = await this.kv.get(['current']);
    const ours = currentRecord.safeParse(current).data?.visitorId === visitorId;
    await this.kv.deleteUnder(['visitor', visitorId], ours ? [['current']] : []);
  }

  clear(): Promise<void> {
    return this.kv.destroy?.() ?? this.kv.deleteUnder([]);
  }

  onLost(listener: () => void): void {
    this.kv.onLost?.(listener);
  }

  #meta(raw: unknown): ConversationMeta | undefined {
    const parsed = metaRecord.safeParse(raw);
    if (!parsed.success) {
      this.warn(`skipped an unreadable conversation record (${describeIssues(parsed.error.issues)})`);
      return undefined;
    }
    const { v: _v, lastReadAt: _lastReadAt, readOrder, unread, localSeq, ...meta } = parsed.data;
    return { ...meta, unread: unread ?? 0, localSeq: localSeq ?? 0, ...(readOrder !== undefined && { readOrder }) };
  }

  #messages(records: { value: unknown }[]): Message[] {
    const messages: Message[] = [];
    for (const { value } of records) {
      const parsed = messageRecord.safeParse(value);
      if (!parsed.success) {
        this.warn(`skipped an unreadable stored message (${describeIssues(parsed.error.issues)})`);
        continue;
      }
      const { v: _v, ...message } = parsed.data;
      messages.push(message);
    }
    return messages;
  }

  /**
   * Format 1 kept messages by key with no server order: they move to the outbox slots with their old order
   * (server clock, then creation time) as the writing order, and the cursor starts over, so the server's
   * replay places each of them again, by key, in its real order. One transaction: all or nothing.
   */
  async #migrate(visitorId: string): Promise<void> {
    const old = await this.kv.getUnder(['visitor', visitorId, 'message']);
    if (!old.length) return;
    const messages: Message[] = [];
    const migrated: Key[] = [];
    for (const { key, value } of old) {
      const parsed = messageRecordV1.safeParse(value);
      if (!parsed.success) {
        this.warn(`skipped an unreadable stored message (${describeIssues(parsed.error.issues)})`);
        continue;
      }
      messages.push(parsed.data);
      migrated.push(key);
    }
    if (!messages.length) return;
    messages.sort((a, b) => (a.sentAt ?? Infinity) - (b.sentAt ?? Infinity) || a.createdAt - b.createdAt || (a.key < b.key ? -1 : 1));
    const rawMeta = await this.kv.get(metaKey(visitorId));
    const meta = rawMeta === undefined ? undefined : metaRecord.safeParse(rawMeta).data;
    const lastReadAt = meta?.lastReadAt ?? 0;
    const unread = messages.filter((m) => m.author.role !== 'visitor' && (m.sentAt ?? 0) > lastReadAt).length;
    const entries: [Key, unknown][] = messages.map((m, i) => {
      const { v: _v, ...rest } = m as Message & { v?: number };
      return [['visitor', visitorId, 'out', m.key], { ...rest, v: RECORD_VERSION, local: i + 1 }];
    });
    if (meta) entries.push([metaKey(visitorId), { ...meta, v: RECORD_VERSION, cursor: null, unread, localSeq: messages.length }]);
    await this.kv.update(entries, migrated);
  }
}

function metaKey(visitorId: string): Key {
  return ['visitor', visitorId, 'meta'];
}

function itemKey(visitorId: string, order: string): Key {
  return ['visitor', visitorId, 'item', order];
}

/** Where a message is kept: by its server order once it has one, in the outbox by its key until then. */
function slotKey(visitorId: string, message: Message): Key {
  return message.order !== undefined ? itemKey(visitorId, message.order) : ['visitor', visitorId, 'out', message.key];
}
