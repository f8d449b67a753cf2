import type { Message } from '../core/types.ts';
import { describeIssues } from '../core/schemas.ts';
import type { Key, KeyValue } from './kv.ts';
import { currentRecord, messageRecord, metaRecord, RECORD_VERSION, type MetaRecord } from './records.ts';

/** What {@link History.load} found. */
export interface LoadedConversation {
  meta: MetaRecord | undefined;
  /** Stored messages in key order (the core sorts them). */
  messages: Message[];
  /** Records that could not be read; each was reported through `warn` and left in place. */
  skipped: number;
}

/** A conversation's change to write in one go. */
export interface HistoryWrite {
  messages?: readonly Message[];
  meta?: MetaRecord;
  /** Also record `visitorId` as this browser's visitor. */
  current?: boolean;
}

/**
 * The conversation history on top of a {@link KeyValue} store. Layout (keys are arrays):
 * - `['current']` → which visitor this browser is;
 * - `['visitor', visitorId, 'meta']` → cursor, read marker, user;
 * - `['visitor', visitorId, 'message', key]` → one record per message.
 *
 * One record per message keeps an append at one write, whatever the length of the history.
 */
export class History {
  constructor(
    readonly kv: KeyValue,
    readonly warn: (message: string) => void = (message) => console.warn(`Natter: ${message}`),
  ) {}

  /** The visitor this browser is, if it has talked before. */
  async currentVisitor(): Promise<string | undefined> {
    const raw = await this.kv.get(['current']);
    if (raw === undefined) return undefined;
    const parsed = currentRecord.safeParse(raw);
    if (parsed.success) return parsed.data.visitorId;
    this.warn(`the stored visitor record is unreadable (${describeIssues(parsed.error.issues)}); starting anew`);
    return undefined;
  }

  /** Reads everything stored for `visitorId`. Unreadable records are skipped with a warning, never deleted. */
  async load(visitorId: string): Promise<LoadedConversation> {
    const [rawMeta, rawMessages] = await Promise.all([
      this.kv.get(metaKey(visitorId)),
      this.kv.getUnder(['visitor', visitorId, 'message']),
    ]);
    let skipped = 0;
    let meta: MetaRecord | undefined;
    if (rawMeta !== undefined) {
      const parsed = metaRecord.safeParse(rawMeta);
      if (parsed.success) meta = parsed.data;
      else {
        skipped++;
        this.warn(`skipped an unreadable conversation record (${describeIssues(parsed.error.issues)})`);
      }
    }
    const messages: Message[] = [];
    for (const raw of rawMessages) {
      const parsed = messageRecord.safeParse(raw);
      if (!parsed.success) {
        skipped++;
        this.warn(`skipped an unreadable stored message (${describeIssues(parsed.error.issues)})`);
        continue;
      }
      const { v: _version, ...message } = parsed.data;
      messages.push(message);
    }
    return { meta, messages, skipped };
  }

  /** Writes messages and meta of one visitor in one transaction. */
  async save(visitorId: string, write: HistoryWrite): Promise<void> {
    const entries: [Key, unknown][] = [];
    for (const message of write.messages ?? []) {
      entries.push([['visitor', visitorId, 'message', message.key], { v: RECORD_VERSION, ...message }]);
    }
    if (write.meta) entries.push([metaKey(visitorId), write.meta]);
    if (write.current) entries.push([['current'], { v: RECORD_VERSION, visitorId }]);
    if (entries.length) await this.kv.setMany(entries);
  }

  /** Deletes every record of `visitorId`, and the note that this browser is that visitor. */
  async forget(visitorId: string): Promise<void> {
    const current = await this.currentVisitor();
    await this.kv.deleteUnder(['visitor', visitorId], current === visitorId ? [['current']] : []);
  }
}

function metaKey(visitorId: string): Key {
  return ['visitor', visitorId, 'meta'];
}
