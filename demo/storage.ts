/**
 * The storage port of the reference backend: what `ConversationStore` needs to keep conversations across
 * restarts, and nothing more. The store holds every conversation in memory and decides everything (seq,
 * idempotency, sessions); storage only keeps the records it is given and hands them back at start. So
 * another database plugs in by implementing `ConversationStorage`; the rest of the backend never knows.
 *
 * `storage-sqlite.ts` implements it on `node:sqlite`; `storage-jsonl.ts` reads the JSON-lines files of
 * earlier versions, once, to import them.
 */
import { z } from 'zod/mini';
import { wireAuthor, type WireAuthor, type WireItem, type WireUser } from '../src/protocol/wire.ts';
import type { BotState } from './bot.ts';

export interface ConversationMeta {
  id: string;
  /** The visitor's bearer secret: whoever knows it can read and write the conversation. Never sent to anyone. */
  visitorId: string;
  user: WireUser;
  /** The verified customer (the token's `sub`) whose conversation this is; absent while anonymous. */
  customerId?: string;
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

/** A conversation as storage hands it back at start: items in seq order, sessions oldest first. */
export interface StoredConversation {
  meta: ConversationMeta;
  items: WireItem[];
  sessions: StoredSession[];
  bot: BotState;
  /** Other visitors linked to it (a verified customer's other devices); their own conversations are retired. */
  visitors?: string[];
}

/** One change. A conversation's `create` comes before any other record of it. */
export type StorageRecord =
  | { type: 'create'; meta: ConversationMeta }
  | { type: 'meta'; conversationId: string; user: WireUser; locale: string | undefined; updatedAt: number }
  | { type: 'item'; conversationId: string; item: WireItem }
  /** A new session, or a new state of one (same id): the last one per id wins. */
  | { type: 'session'; conversationId: string; session: StoredSession }
  | { type: 'bot'; conversationId: string; bot: BotState }
  /** The conversation is verified customer `customerId`'s, theirs on every device. */
  | { type: 'customer'; conversationId: string; customerId: string }
  /** Visitor `visitorId` now has conversation `conversationId` (their own earlier one is retired). */
  | { type: 'link'; conversationId: string; visitorId: string };

export type Warn = (message: string) => void;

export interface ConversationStorage {
  /** Every stored conversation. Records it cannot read are skipped with a warning, never fatal. */
  load(warn: Warn): StoredConversation[];
  /**
   * Keeps `records`, in order, all or none: when it returns they survive a crash or a power cut, and when
   * it throws none of them was kept (the caller may try the same records again).
   */
  write(records: readonly StorageRecord[]): void;
  close(): void;
}

/** The schema a stored session is read back with (from the database or an old JSON-lines file). */
export const storedSession = z.object({
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

/** A session as read back, without the `undefined` fields zod leaves for absent optional ones. */
export function readSession(data: z.infer<typeof storedSession>): StoredSession {
  const { rating, ...session } = data;
  return dropUndefined(rating === undefined ? session : { ...session, rating: dropUndefined(rating) });
}

export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
