/**
 * What Natter writes to the browser's storage. Every record carries `v`, its format version, so that a
 * later release can migrate old records instead of misreading them.
 * @module
 */
import { z } from 'zod/mini';
import { authorSchema, userSchema } from '../core/schemas';

/** The format version this release writes. */
export const RECORD_VERSION = 1;

const version = z.literal(RECORD_VERSION);

/** One message of the timeline. */
export const messageRecord = z.object({
  v: version,
  key: z.string(),
  clientId: z.optional(z.string()),
  id: z.optional(z.string()),
  author: authorSchema,
  text: z.string(),
  createdAt: z.number(),
  sentAt: z.optional(z.number()),
  status: z.enum(['sending', 'sent', 'failed']),
  error: z.optional(z.string()),
  rejected: z.optional(z.boolean()),
});

/** Facts about one visitor's conversation. */
export const metaRecord = z.object({
  v: version,
  visitorId: z.string(),
  /** The transport's sync cursor after the newest stored item. */
  cursor: z.nullable(z.string()),
  /** Server time of the newest message the customer has seen. */
  lastReadAt: z.number(),
  user: z.optional(userSchema),
  createdAt: z.number(),
});

/** Which visitor this browser is, for this site. */
export const currentRecord = z.object({ v: version, visitorId: z.string() });

export type MessageRecord = z.infer<typeof messageRecord>;
export type MetaRecord = z.infer<typeof metaRecord>;
