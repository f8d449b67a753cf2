/**
 * Natter protocol v1: the JSON frames that travel over the WebSocket between a visitor's browser and a
 * Natter backend. `docs/protocol.md` is the prose of this file; this file is the law.
 *
 * It imports nothing but `zod/mini` and the protocol's numbers, so the reference backend (`demo/server.ts`,
 * run by Node with type stripping) validates with it. The browser does not load zod: it checks server frames
 * with `server-frames.ts`, a copy made with Natter's small validator kit, which
 * `test/unit/protocol/agreement.test.ts` holds to this file on one corpus of good and bad frames.
 *
 * @module
 */
import { z } from 'zod/mini';
import { MAX_TEXT_LENGTH, MAX_TIME, PROTOCOL_VERSION } from './constants.ts';

export { MAX_TEXT_LENGTH, PROTOCOL_VERSION };

/** A safe integer. (zod's `z.int()` would add a number-format module for this.) */
const int = z.number().check(z.refine(Number.isSafeInteger, 'must be a whole number'));
/** An id: 1–128 characters. */
export const wireId = z.string().check(z.minLength(1), z.maxLength(128));
const id = wireId;
const seq = int.check(z.gte(0));
/** Milliseconds since the Unix epoch, server clock; bounded to what a `Date` can hold (seconds or microseconds by mistake fail here). */
const time = z.number().check(z.gte(0), z.lte(MAX_TIME));
const text = z.string().check(z.minLength(1), z.maxLength(MAX_TEXT_LENGTH));
const shortText = z.string().check(z.maxLength(200));
const name = shortText;

/** Who wrote a timeline item. `bot` items are always shown as coming from a bot. */
export const wireAuthor = z.object({
  role: z.enum(['visitor', 'agent', 'bot', 'system']),
  id: z.optional(id),
  name: z.optional(name),
});

/** An email address: something@domain.tld, at most 200 characters. */
export const wireEmail = z.string().check(z.maxLength(200), z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address such as ana@example.com'));

/** What a visitor tells about themselves. Every field is optional. */
export const wireUser = z.object({
  id: z.optional(id),
  name: z.optional(name),
  email: z.optional(wireEmail),
});

/** What a system item reports, so a client can say it in the customer's language (`text` is the fallback). */
export const wireEvent = z.object({
  kind: z.enum(['queued', 'joined', 'ended', 'handoff', 'email', 'rated', 'mode']),
  name: z.optional(name),
  by: z.optional(z.enum(['agent', 'visitor', 'timeout'])),
  to: z.optional(z.enum(['live', 'messaging'])),
  email: z.optional(name),
  score: z.optional(int.check(z.gte(1), z.lte(5))),
});

/** A live chat session. */
export const wireSession = z.object({
  id,
  state: z.enum(['queued', 'live', 'ended']),
  /** Place in the queue, 1 = next. */
  position: z.optional(int.check(z.gte(1))),
  /** Estimated wait in seconds. */
  waitSeconds: z.optional(int.check(z.gte(0))),
  /** The agent who joined. */
  agent: z.optional(wireAuthor),
  endedBy: z.optional(z.enum(['agent', 'visitor', 'timeout'])),
  rated: z.optional(z.boolean()),
});

/** Who is there to answer, and when. */
export const wireAvailability = z.object({
  /** At least one agent is available now. */
  agents: z.boolean(),
  /** Inside business hours now. */
  open: z.boolean(),
  /** Typical reply time in messaging, in minutes. */
  replyMinutes: z.optional(int.check(z.gte(0))),
  /** The team's away message, shown when nobody is there or outside business hours. */
  awayMessage: z.optional(z.string().check(z.maxLength(500))),
  /** When business hours next begin (server clock, ms), while closed. */
  nextOpenAt: z.optional(time),
});

/** A file's address: an http(s) URL of at most 2000 characters. */
const url = z.string().check(z.maxLength(2000), z.regex(/^https?:\/\//, 'must be an http(s) URL'));
/** A file's name as the sender gave it: shown as text only, never used as a path. */
const fileName = z.string().check(z.minLength(1), z.maxLength(255));
/** A media type such as `image/png`. */
const mediaType = z.string().check(z.maxLength(100));

/**
 * A file attached to an item or a `send` (see "Files" in docs/protocol.md). In an item the server gives
 * `type` and `size` as it found them in the bytes; in a `send` it takes only `url` (a file it stored for
 * this conversation) and looks the rest up itself.
 */
export const wireFile = z.object({
  name: fileName,
  size: int.check(z.gte(1)),
  type: mediaType,
  url,
});

/** The files a server takes (in `welcome`): the largest size in bytes and the media types. */
export const wireFileLimits = z.object({
  maxBytes: int.check(z.gte(1)),
  types: z.array(mediaType).check(z.maxLength(50)),
});

/** A timeline item as the server stores and replays it. */
export const wireItem = z.object({
  /** Server id of the item, unique in the conversation. */
  id,
  /** Position in the conversation: strictly increasing, gap-free, starting at 1. */
  seq: int.check(z.gte(1)),
  /** The client id the visitor's browser gave the message, echoed back so it is stored once. */
  clientId: z.optional(id),
  author: wireAuthor,
  text,
  sentAt: time,
  /** Answers the visitor can pick with one tap; a pick is sent as an ordinary `send`. */
  quickReplies: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(60))).check(z.maxLength(5))),
  /** For `system` items: what happened. */
  event: z.optional(wireEvent),
  /** A file sent with the item (`text` is then its name, for clients that show no files). */
  file: z.optional(wireFile),
});

/** A signed identity token: a compact JWT (three base64url parts), at most 4096 characters. */
export const wireToken = z.string().check(z.minLength(1), z.maxLength(4096));

// ---- client → server ----------------------------------------------------------------------------

/** The page the visitor is on: its address and title (the browser cuts them to these lengths). */
export const wirePage = z.object({ url: z.string().check(z.maxLength(2000)), title: z.string().check(z.maxLength(300)) });

/** The site's custom attributes of the visitor (`attributes` setting): at most 20, shown to the team. */
export const wireAttributes = z
  .record(z.string().check(z.minLength(1), z.maxLength(40)), z.union([z.string().check(z.maxLength(200)), z.number(), z.boolean()]))
  .check(z.refine((value) => Object.keys(value).length <= 20, 'at most 20 attributes'));

/** First frame on every connection: who the visitor is and what they already have. */
export const helloFrame = z.object({
  type: z.enum(['hello']),
  v: int,
  /** The visitor's id: a random secret the browser made and keeps; it is the key to the conversation. */
  visitorId: id,
  /** The highest `seq` the client holds, or 0 for none: the server replays everything after it. */
  after: seq,
  user: z.optional(wireUser),
  /** The widget's language (a BCP-47 tag): the server's own texts (bot, away message) follow it. */
  locale: z.optional(shortText),
  page: z.optional(wirePage),
  attributes: z.optional(wireAttributes),
  /** The site's signed identity token (`identify({ token })`, `userToken`), checked as in {@link identifyFrame}. */
  token: z.optional(wireToken),
});

/** A message the visitor wrote. Sending the same `clientId` again never makes a second message. */
export const sendFrame = z.object({
  type: z.enum(['send']),
  clientId: id,
  text,
  /** The browser's clock when the visitor pressed send (ms). Informational only. */
  createdAt: time,
  /** The site's invitation the visitor answered with this message (`Natter.invite`), if any; a backend may show or store it before the message. */
  context: z.optional(text),
  /** A file uploaded to a slot granted for this `clientId` (`url`: the slot's `get`). */
  file: z.optional(wireFile),
});

/**
 * Asks for a place to upload a file for the message `clientId` (XEP-0363's slot request). The server checks
 * the claimed size and type against its limits, answers with a `slot`, or refuses with `file_refused`.
 * Asking again for the same `clientId` is answered with the same slot.
 */
export const slotFrame = z.object({
  type: z.enum(['slot']),
  clientId: id,
  name: fileName,
  size: int.check(z.gte(1)),
  mediaType,
});

/** The visitor told us who they are (`Natter.identify`). */
export const identifyFrame = z.object({
  type: z.enum(['identify']),
  user: wireUser,
  /**
   * The site's server's signed proof of who the customer is (a JWT, see "Verified customers" in the README).
   * A server that verifies identities takes `user.id` only with it; one that does not ignores it.
   */
  token: z.optional(wireToken),
});

/** Ask again for every item after `after` (sent by a client that noticed a gap). */
export const syncFrame = z.object({ type: z.enum(['sync']), after: seq });

/** The visitor asks for live chat (`start`: join the queue) or ends it (`end`: leave the queue or the chat). */
export const liveFrame = z.object({ type: z.enum(['live']), action: z.enum(['start', 'end']) });

/** The visitor is typing (sent at most every 3 s while typing) or stopped. Only during a live session. */
export const typingFrame = z.object({ type: z.enum(['typing']), typing: z.boolean() });

/** The visitor rates an ended session, once. */
export const rateFrame = z.object({
  type: z.enum(['rate']),
  sessionId: id,
  score: int.check(z.gte(1), z.lte(5)),
  comment: z.optional(z.string().check(z.maxLength(1000))),
});

/** The visitor leaves an email address to hear about the reply. */
export const emailFrame = z.object({ type: z.enum(['email']), email: wireEmail });

/** "Talk to a person": hand the conversation from the bot to the live queue or to the team's inbox. */
export const handoffFrame = z.object({ type: z.enum(['handoff']) });

/** The visitor's language, page or the site's attributes changed: only the fields given, each replacing the last. */
export const visitorFrame = z.object({
  type: z.enum(['visitor']),
  locale: z.optional(shortText),
  page: z.optional(wirePage),
  attributes: z.optional(wireAttributes),
});

/** Every frame a client may send. */
export const clientFrame = z.discriminatedUnion('type', [
  helloFrame,
  sendFrame,
  identifyFrame,
  syncFrame,
  liveFrame,
  typingFrame,
  rateFrame,
  emailFrame,
  handoffFrame,
  visitorFrame,
  slotFrame,
]);

// ---- server → client ----------------------------------------------------------------------------

/** The answer to `hello`: the conversation is open. History after `hello.after` follows as `item` frames. */
export const welcomeFrame = z.object({
  type: z.enum(['welcome']),
  v: int,
  conversationId: id,
  /** The highest `seq` in the conversation right now. */
  seq,
  team: z.optional(z.object({ name: z.optional(shortText) })),
  /** Whether a person is there to answer now (`availability.agents && availability.open`). */
  available: z.optional(z.boolean()),
  availability: z.optional(wireAvailability),
  /** A mode the server imposes, if any. */
  mode: z.optional(z.nullable(z.enum(['live', 'messaging']))),
  /** The visitor's current or last live session, so a reload continues it. */
  session: z.optional(z.nullable(wireSession)),
  /** The files the server takes; absent: none. */
  files: z.optional(wireFileLimits),
});

/** One timeline item, new or replayed. */
export const itemFrame = z.object({ type: z.enum(['item']), item: wireItem });

/** The server stored the visitor's message `clientId` as item `id` at `seq`. */
export const ackFrame = z.object({
  type: z.enum(['ack']),
  clientId: id,
  id,
  seq: int.check(z.gte(1)),
  sentAt: time,
});

/**
 * The place for the file of message `clientId`: PUT its bytes to `put` (absent when the server has them
 * already), then `send` the message with `file.url` = `get`. Maps onto XEP-0363's `<slot><put/><get/></slot>`.
 */
export const slotGrantFrame = z.object({ type: z.enum(['slot']), clientId: id, put: z.optional(url), get: url });

/** Every item after `hello.after` (or `sync.after`) has been sent; live items follow. */
export const syncedFrame = z.object({ type: z.enum(['synced']), seq });

/** Team availability or business hours changed. */
export const availabilityFrame = z.object({ type: z.enum(['availability']), availability: wireAvailability });

/** The server imposes a mode (`null`: it stops imposing one; `auto` rules again). */
export const modeFrame = z.object({ type: z.enum(['mode']), mode: z.nullable(z.enum(['live', 'messaging'])) });

/** The visitor's live session changed: queued (with position), live (agent joined), ended, rated. */
export const sessionFrame = z.object({ type: z.enum(['session']), session: wireSession });

/** An agent started or stopped typing. A client hides the indicator after 6 s without news. */
export const agentTypingFrame = z.object({ type: z.enum(['typing']), typing: z.boolean(), author: wireAuthor });

/**
 * Something went wrong. With `clientId`, the message with that client id was refused for good
 * (resending it will not help); without, the error concerns the connection.
 */
export const errorFrame = z.object({
  type: z.enum(['error']),
  code: z.enum(['unsupported_version', 'invalid_frame', 'not_ready', 'too_long', 'rate_limited', 'invalid_transition', 'unverified', 'file_refused', 'internal']),
  message: z.string(),
  clientId: z.optional(id),
});

/**
 * The schema of each server frame, by its `type`. Clients look the schema up by type instead of using
 * {@link serverFrame}: the error then names the frame's own fields, and the browser bundle is spared the
 * union's code.
 */
export const serverFrames = {
  welcome: welcomeFrame,
  item: itemFrame,
  ack: ackFrame,
  synced: syncedFrame,
  availability: availabilityFrame,
  mode: modeFrame,
  session: sessionFrame,
  typing: agentTypingFrame,
  slot: slotGrantFrame,
  error: errorFrame,
} as const;

/** Every frame a server may send. */
export const serverFrame = z.discriminatedUnion('type', [
  welcomeFrame,
  itemFrame,
  ackFrame,
  syncedFrame,
  availabilityFrame,
  modeFrame,
  sessionFrame,
  agentTypingFrame,
  slotGrantFrame,
  errorFrame,
]);

export type WireAuthor = z.infer<typeof wireAuthor>;
export type WireUser = z.infer<typeof wireUser>;
export type WireItem = z.infer<typeof wireItem>;
export type ClientFrame = z.infer<typeof clientFrame>;
export type ServerFrame = z.infer<typeof serverFrame>;
export type ErrorCode = z.infer<typeof errorFrame>['code'];
export type WireSession = z.infer<typeof wireSession>;
export type WireAvailability = z.infer<typeof wireAvailability>;
export type WireEvent = z.infer<typeof wireEvent>;
export type WireFile = z.infer<typeof wireFile>;
