/**
 * What Natter writes to the browser's storage. Every record carries `v`, its format version, so that a
 * later release can migrate old records instead of misreading them.
 * @module
 */
import { z } from 'zod/mini';
import { authorSchema, systemEventSchema, userSchema } from '../core/schemas.ts';

/** The format version this release writes. */
export const RECORD_VERSION = 1;

// A refine, not z.literal: one schema kind less in the drop-in bundle.
const version = z.number().check(z.refine((v) => v === RECORD_VERSION, `must be format ${RECORD_VERSION}`));
/** A time a `Date` can hold (ms since the epoch). */
const time = z.number().check(z.gte(0), z.lte(8.64e15));

/** One message of the timeline. */
export const messageRecord = z.object({
  v: version,
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
});

/** Facts about one visitor's conversation. */
export const metaRecord = z.object({
  v: version,
  visitorId: z.string(),
  /** The transport's sync cursor after the newest stored item. */
  cursor: z.nullable(z.string()),
  /** Server time of the newest message the customer has seen. */
  lastReadAt: time,
  user: z.optional(userSchema),
  createdAt: time,
  /** Where the live session was, so a reload shows it before the network answers. */
  mode: z.optional(
    z.object({
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
    }),
  ),
});

/** Which visitor this browser is, for this site. */
export const currentRecord = z.object({ v: version, visitorId: z.string() });

export type MessageRecord = z.infer<typeof messageRecord>;
export type MetaRecord = z.infer<typeof metaRecord>;
