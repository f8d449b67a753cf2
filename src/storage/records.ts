/**
 * What Natter writes to the browser's storage. Every record carries `v`, its format version, so that a
 * later release migrates old records instead of misreading them, and an older release (another tab still
 * running it) skips what it cannot read instead of overwriting it.
 *
 * - Format 1 (Natter 0.1): messages under `['visitor', id, 'message', key]`, read state by server clock.
 * - Format 2: items the server placed under `['visitor', id, 'item', order]` (key order is the server's
 *   order, so the newest page is one bounded read), the others under `['visitor', id, 'out', key]`; read
 *   state and unread count by order. `['current']` keeps its format-1 shape, which both formats read.
 * @module
 */
import { z } from 'zod/mini';
import { authorSchema, systemEventSchema, userSchema } from '../model/schemas.ts';

/** The format version this release writes. */
export const RECORD_VERSION = 2;

const versionOf = (accepted: number[]) =>
  z.number().check(z.refine((v) => accepted.includes(v), `must be format ${accepted.join(' or ')} (a newer Natter may have written it)`));
/** A time a `Date` can hold (ms since the epoch). */
const time = z.number().check(z.gte(0), z.lte(8.64e15));

const messageFields = {
  key: z.string(),
  clientId: z.optional(z.string()),
  id: z.optional(z.string()),
  author: authorSchema,
  text: z.string(),
  createdAt: time,
  sentAt: z.optional(time),
  status: z.enum(['sending', 'sent', 'failed']),
  error: z.optional(z.string()),
  rejected: z.optional(z.boolean()),
  quickReplies: z.optional(z.array(z.string())),
  event: z.optional(systemEventSchema),
};

/** One message of the timeline, format 2. */
export const messageRecord = z.object({
  v: versionOf([2]),
  ...messageFields,
  order: z.optional(z.string()),
  local: z.optional(z.number()),
  unreadable: z.optional(z.boolean()),
});

/** One message, format 1 (migrated at load). */
export const messageRecordV1 = z.object({ v: versionOf([1]), ...messageFields });

const modeRecord = z.object({
  phase: z.enum(['messaging', 'queued', 'live', 'ended']),
  session: z.optional(
    z.object({
      id: z.string(),
      agent: z.optional(authorSchema),
      position: z.optional(z.number()),
      waitSeconds: z.optional(z.number()),
      endedBy: z.optional(z.enum(['agent', 'visitor', 'timeout'])),
      rated: z.optional(z.boolean()),
    }),
  ),
});

/** Facts about one visitor's conversation, format 1 or 2 (format 1 has `lastReadAt` instead of `readOrder`/`unread`). */
export const metaRecord = z.object({
  v: versionOf([1, 2]),
  visitorId: z.string(),
  /** The transport's sync cursor after the newest stored item. */
  cursor: z.nullable(z.string()),
  readOrder: z.optional(z.string()),
  unread: z.optional(z.number().check(z.gte(0))),
  localSeq: z.optional(z.number()),
  /** Format 1: server time of the newest message the customer has seen. */
  lastReadAt: z.optional(time),
  user: z.optional(userSchema),
  createdAt: time,
  mode: z.optional(modeRecord),
});

/** Which visitor this browser is, for this site (the same shape in formats 1 and 2). */
export const currentRecord = z.object({ v: versionOf([1, 2]), visitorId: z.string() });

export type MetaRecord = z.infer<typeof metaRecord>;
