/**
 * Natter protocol v1: the JSON frames that travel over the WebSocket between a visitor's browser and a
 * Natter backend. `docs/protocol.md` is the prose of this file; this file is the law.
 *
 * It imports nothing but `zod/mini`, so the reference backend (`demo/server.ts`, run by Node with type
 * stripping) validates with the very same schemas as the browser.
 *
 * @module
 */
import { z } from 'zod/mini';

/** The protocol version this build speaks. A backend that speaks another answers `error` `unsupported_version`. */
export const PROTOCOL_VERSION = 1;

/** Longest message text, in UTF-16 code units, that a v1 backend accepts. */
export const MAX_TEXT_LENGTH = 4000;

const id = z.string().check(z.minLength(1), z.maxLength(128));
const seq = z.int().check(z.gte(0));
/** Milliseconds since the Unix epoch, server clock. */
const time = z.number().check(z.gte(0));
const text = z.string().check(z.minLength(1), z.maxLength(MAX_TEXT_LENGTH));
const shortText = z.string().check(z.maxLength(200));

/** Who wrote a timeline item. `bot` items are always shown as coming from a bot. */
export const wireAuthor = z.object({
  role: z.enum(['visitor', 'agent', 'bot', 'system']),
  id: z.optional(id),
  name: z.optional(shortText),
});

/** What a visitor tells about themselves. Every field is optional. */
export const wireUser = z.object({
  id: z.optional(id),
  name: z.optional(shortText),
  email: z.optional(shortText),
});

/** A timeline item as the server stores and replays it. */
export const wireItem = z.object({
  /** Server id of the item, unique in the conversation. */
  id,
  /** Position in the conversation: strictly increasing, gap-free, starting at 1. */
  seq: z.int().check(z.gte(1)),
  /** The client id the visitor's browser gave the message, echoed back so it is stored once. */
  clientId: z.optional(id),
  author: wireAuthor,
  text,
  sentAt: time,
});

// ---- client → server ----------------------------------------------------------------------------

/** First frame on every connection: who the visitor is and what they already have. */
export const helloFrame = z.object({
  type: z.literal('hello'),
  v: z.int(),
  /** The visitor's id: a random secret the browser made and keeps; it is the key to the conversation. */
  visitorId: id,
  /** The highest `seq` the client holds, or 0 for none: the server replays everything after it. */
  after: seq,
  user: z.optional(wireUser),
  locale: z.optional(shortText),
});

/** A message the visitor wrote. Sending the same `clientId` again never makes a second message. */
export const sendFrame = z.object({
  type: z.literal('send'),
  clientId: id,
  text,
  /** The browser's clock when the visitor pressed send (ms). Informational only. */
  createdAt: time,
});

/** The visitor told us who they are (`Natter.identify`). */
export const identifyFrame = z.object({ type: z.literal('identify'), user: wireUser });

/** Ask again for every item after `after` (sent by a client that noticed a gap). */
export const syncFrame = z.object({ type: z.literal('sync'), after: seq });

/** Every frame a client may send. */
export const clientFrame = z.discriminatedUnion('type', [helloFrame, sendFrame, identifyFrame, syncFrame]);

// ---- server → client ----------------------------------------------------------------------------

/** The answer to `hello`: the conversation is open. History after `hello.after` follows as `item` frames. */
export const welcomeFrame = z.object({
  type: z.literal('welcome'),
  v: z.int(),
  conversationId: id,
  /** The highest `seq` in the conversation right now. */
  seq,
  team: z.optional(z.object({ name: z.optional(shortText) })),
  /** Whether a person is there to answer now. */
  available: z.optional(z.boolean()),
});

/** One timeline item, new or replayed. */
export const itemFrame = z.object({ type: z.literal('item'), item: wireItem });

/** The server stored the visitor's message `clientId` as item `id` at `seq`. */
export const ackFrame = z.object({
  type: z.literal('ack'),
  clientId: id,
  id,
  seq: z.int().check(z.gte(1)),
  sentAt: time,
});

/** Every item after `hello.after` (or `sync.after`) has been sent; live items follow. */
export const syncedFrame = z.object({ type: z.literal('synced'), seq });

/** Team presence changed. */
export const presenceFrame = z.object({ type: z.literal('presence'), available: z.boolean() });

/**
 * Something went wrong. With `clientId`, the message with that client id was refused for good
 * (resending it will not help); without, the error concerns the connection.
 */
export const errorFrame = z.object({
  type: z.literal('error'),
  code: z.enum(['unsupported_version', 'invalid_frame', 'not_ready', 'too_long', 'rate_limited', 'internal']),
  message: z.string(),
  clientId: z.optional(id),
});

/** Every frame a server may send. */
export const serverFrame = z.discriminatedUnion('type', [
  welcomeFrame,
  itemFrame,
  ackFrame,
  syncedFrame,
  presenceFrame,
  errorFrame,
]);

export type WireAuthor = z.infer<typeof wireAuthor>;
export type WireUser = z.infer<typeof wireUser>;
export type WireItem = z.infer<typeof wireItem>;
export type ClientFrame = z.infer<typeof clientFrame>;
export type ServerFrame = z.infer<typeof serverFrame>;
export type ErrorCode = z.infer<typeof errorFrame>['code'];
